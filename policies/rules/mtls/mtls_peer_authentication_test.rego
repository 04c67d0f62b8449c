package meshready.rules.mtls_peer_authentication_test

import data.meshready.rules.mtls_peer_authentication as rule
import data.meshready.test.fixtures

pa(ns, spec) := {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": ns}, "spec": spec}

test_mesh_wide_permissive_fires if {
	fs := rule.findings with input as fixtures.input_of([pa("istio-system", {"mtls": {"mode": "PERMISSIVE"}})])
	{[f.field, f.value] | some f in fs} == {["spec.mtls.mode", "PERMISSIVE"]}
	some f in fs
	contains(f.message, "mesh-wide")
}

test_namespace_disable_fires if {
	fs := rule.findings with input as fixtures.input_of([pa("onap", {"mtls": {"mode": "DISABLE"}})])
	some f in fs
	f.value == "DISABLE"
	contains(f.message, "for namespace 'onap'")
}

test_workload_scope_in_message if {
	spec := {"selector": {"matchLabels": {"app": "aai"}}, "mtls": {"mode": "PERMISSIVE"}}
	fs := rule.findings with input as fixtures.input_of([pa("onap", spec)])
	some f in fs
	contains(f.message, "for workloads labelled app=aai")
}

test_port_level_fires if {
	spec := {"mtls": {"mode": "STRICT"}, "portLevelMtls": {"8080": {"mode": "DISABLE"}, "9090": {"mode": "STRICT"}}}
	fs := rule.findings with input as fixtures.input_of([pa("onap", spec)])
	{[f.field, f.value] | some f in fs} == {[`spec.portLevelMtls["8080"].mode`, "DISABLE"]}
}

test_strict_and_unset_pass if {
	count(rule.findings) == 0 with input as fixtures.input_of([
		pa("onap", {"mtls": {"mode": "STRICT"}}),
		pa("aai", {"mtls": {"mode": "UNSET"}}),
		pa("sdc", {}),
	])
}
