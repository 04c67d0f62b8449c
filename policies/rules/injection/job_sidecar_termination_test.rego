package meshready.rules.job_sidecar_termination_test

import data.meshready.rules.job_sidecar_termination as rule
import data.meshready.test.fixtures

job(kind, annotations, container) := fixtures.workload(kind, "migrate", fixtures.pod("migrate", annotations, container))

migrate := object.union(fixtures.container("migrate"), {"command": ["/bin/sh", "-c", "python migrate.py"]})

test_injected_job_fires if {
	fs := rule.findings with input as fixtures.injected_input([job("Job", {}, migrate)])
	count(fs) == 1
	some f in fs
	f.field == `spec.template.metadata.annotations["sidecar.istio.io/nativeSidecar"]`
	contains(f.message, "Job 'migrate'")
}

test_cronjob_path if {
	fs := rule.findings with input as fixtures.injected_input([job("CronJob", {}, migrate)])
	{f.field | some f in fs} == {`spec.jobTemplate.spec.template.metadata.annotations["sidecar.istio.io/nativeSidecar"]`}
}

test_not_injected_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([job("Job", {}, migrate)])
	count(rule.findings) == 0 with input as fixtures.injected_input([job("Job", {"sidecar.istio.io/inject": "false"}, migrate)])
}

test_deployments_are_not_jobs if {
	count(rule.findings) == 0 with input as fixtures.injected_input([fixtures.deployment("app", fixtures.pod("app", {}, migrate))])
}

test_native_sidecar_annotation_passes if {
	count(rule.findings) == 0 with input as fixtures.injected_input([job("Job", {"sidecar.istio.io/nativeSidecar": "true"}, migrate)])
}

test_native_sidecar_setting_passes if {
	inp := {"resources": [job("CronJob", {}, migrate)], "settings": object.union(fixtures.injecting_settings, {"nativeSidecars": true})}
	count(rule.findings) == 0 with input as inp
}

test_quitquitquit_passes if {
	every cmd in [
		"python migrate.py; pilot-agent request POST quitquitquit",
		"python migrate.py && curl -fsS -X POST http://localhost:15020/quitquitquit",
		"python migrate.py; wget -qO- --post-data '' 127.0.0.1:15020/quitquitquit",
	] {
		c := object.union(migrate, {"command": ["/bin/sh", "-c"], "args": [cmd]})
		count(rule.findings) == 0 with input as fixtures.injected_input([job("Job", {}, c)])
	}
}

# pilot-agent reads EXIT_ON_ZERO_ACTIVE_CONNECTIONS only in Agent.terminate, once the pod is being
# deleted (pkg/envoy/agent.go @1.27.0): a Job's proxy still never exits.
test_exit_on_zero_active_connections_does_not_count if {
	config := "proxyMetadata:\n  EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true'\n"
	count(rule.findings) == 1 with input as fixtures.injected_input([job("Job", {"proxy.istio.io/config": config}, migrate)])
}

test_hold_application_does_not_count if {
	config := "holdApplicationUntilProxyStarts: true\n"
	fs := rule.findings with input as fixtures.injected_input([job("Job", {"proxy.istio.io/config": config}, migrate)])
	count(fs) == 1
}

# A Job that already runs istio-proxy as a native sidecar ends.
test_native_sidecar_in_pod_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.workload("Job", "migrate", fixtures.kube_injected("migrate", fixtures.container("migrate"), true))])
	count(rule.findings) == 1 with input as fixtures.input_of([fixtures.workload("Job", "migrate", fixtures.kube_injected("migrate", fixtures.container("migrate"), false))])
}
