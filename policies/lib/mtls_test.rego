package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

test_host_matches_service if {
	svc := fixtures.service("aai", [])
	lib.host_matches_service("aai", "onap", svc) with input as fixtures.input_of([])
	lib.host_matches_service("*.onap.svc.cluster.local", "onap", svc) with input as fixtures.input_of([])
	lib.host_matches_service("*.local", "other", svc) with input as fixtures.input_of([])
	lib.host_matches_service("*", "other", svc) with input as fixtures.input_of([])
	not lib.host_matches_service("aai", "other", svc) with input as fixtures.input_of([])
	not lib.host_matches_service("aai.onap", "onap", svc) with input as fixtures.input_of([])
	not lib.host_matches_service("sdc.onap.svc.cluster.local", "onap", svc) with input as fixtures.input_of([])
}

test_peer_auth_scope if {
	lib.peer_auth_scope({"kind": "PeerAuthentication", "metadata": {"namespace": "istio-system"}}) == "mesh-wide"
	lib.peer_auth_scope({"kind": "PeerAuthentication", "metadata": {"namespace": "onap"}}) == "namespace-wide"
	lib.peer_auth_scope({"kind": "PeerAuthentication", "spec": {"selector": {"matchLabels": {"app": "x"}}}}) == "workload" with input as fixtures.input_of([])
}

test_mtls_relaxed_for_service if {
	svc := fixtures.service("aai", [{"port": 80}])
	w := fixtures.deployment("aai", fixtures.pod("aai", {}, fixtures.container("aai")))
	lib.mtls_relaxed_for_service(0, svc) with input as fixtures.input_of([svc, w, pa({"app": "aai"}, "PERMISSIVE")])
	not lib.mtls_relaxed_for_service(0, svc) with input as fixtures.input_of([svc, w, pa({"app": "sdc"}, "PERMISSIVE")])
	not lib.mtls_relaxed_for_service(0, svc) with input as fixtures.input_of([svc, w, pa({"app": "aai"}, "STRICT")])
}

pa(sel, mode) := {"kind": "PeerAuthentication", "metadata": {"name": "pa"}, "spec": {"selector": {"matchLabels": sel}, "mtls": {"mode": mode}}}
