package meshready.rules.mtls_probe_rewrite_test

import data.meshready.rules.mtls_probe_rewrite as rule
import data.meshready.test.fixtures

probed := object.union(fixtures.container("aai"), {
	"livenessProbe": {"httpGet": {"path": "/health", "port": 8080}},
	"readinessProbe": {"tcpSocket": {"port": 8080}},
})

with_rewrite(kind, value, container) := fixtures.workload(kind, "aai", fixtures.pod("aai", {"sidecar.istio.io/rewriteAppHTTPProbers": value}, container))

test_disabled_rewrite_with_http_probe_fires if {
	fs := rule.findings with input as fixtures.input_of([with_rewrite("Deployment", "false", probed)])
	count(fs) == 1
	some f in fs
	f.field == `spec.template.metadata.annotations["sidecar.istio.io/rewriteAppHTTPProbers"]`
	f.value == "false"
	contains(f.message, "container 'aai' livenessProbe (httpGet)")
	not contains(f.message, "readinessProbe")
}

test_pod_kind_path if {
	fs := rule.findings with input as fixtures.input_of([with_rewrite("Pod", "false", probed)])
	{f.field | some f in fs} == {`metadata.annotations["sidecar.istio.io/rewriteAppHTTPProbers"]`}
}

test_grpc_probe_fires if {
	c := object.union(fixtures.container("aai"), {"startupProbe": {"grpc": {"port": 9090}}})
	count(rule.findings) == 1 with input as fixtures.input_of([with_rewrite("StatefulSet", "false", c)])
}

test_rewrite_enabled_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([with_rewrite("Deployment", "true", probed)])
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.deployment("aai", fixtures.pod("aai", {}, probed))])
}

test_non_http_probes_pass if {
	c := object.union(fixtures.container("aai"), {"livenessProbe": {"exec": {"command": ["true"]}}, "readinessProbe": {"tcpSocket": {"port": 8080}}})
	count(rule.findings) == 0 with input as fixtures.input_of([with_rewrite("Deployment", "false", c)])
}
