package meshready.rules.mtls_host_network_test

import data.meshready.rules.mtls_host_network as rule
import data.meshready.test.fixtures

host(kind, value) := fixtures.workload(kind, "dcae", {"spec": {"hostNetwork": value, "containers": [fixtures.container("dcae")]}})

test_host_network_fires if {
	fs := rule.findings with input as fixtures.input_of([host("DaemonSet", true)])
	count(fs) == 1
	some f in fs
	f.field == "spec.template.spec.hostNetwork"
	f.value == "true"
	contains(f.message, "DaemonSet 'dcae' uses the host network")
}

test_host_network_paths if {
	fs := rule.findings with input as fixtures.input_of([host("CronJob", true), host("Pod", true)])
	{f.field | some f in fs} == {"spec.jobTemplate.spec.template.spec.hostNetwork", "spec.hostNetwork"}
}

test_pod_network_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([host("Deployment", false), fixtures.deployment("x", fixtures.pod("x", {}, fixtures.container("x")))])
}
