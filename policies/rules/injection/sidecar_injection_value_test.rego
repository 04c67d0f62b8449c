package meshready.rules.sidecar_injection_value_test

import data.meshready.rules.sidecar_injection_value as rule
import data.meshready.test.fixtures

annotated(kind, v) := fixtures.workload(kind, "app", fixtures.pod("app", {"sidecar.istio.io/inject": v}, fixtures.container("app")))

test_true_and_false_pass if {
	count(rule.findings) == 0 with input as fixtures.input_of([annotated("Deployment", "true"), annotated("Job", "false")])
}

test_missing_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.deployment("app", fixtures.pod("app", {}, fixtures.container("app")))])
}

test_empty_value_fires if {
	fs := rule.findings with input as fixtures.input_of([annotated("Deployment", "")])
	count(fs) == 1
	some f in fs
	f.value == ""
	f.field == `spec.template.metadata.annotations["sidecar.istio.io/inject"]`
	contains(f.message, "is empty")
}

test_null_value_is_empty if {
	fs := rule.findings with input as fixtures.input_of([annotated("Deployment", null)])
	{f.value | some f in fs} == {""}
}

test_other_spellings_fire if {
	fs := rule.findings with input as fixtures.input_of([annotated("Deployment", v) | some v in ["True", "yes", "enabled"]])
	{[f.resource, f.value] | some f in fs} == {[0, "True"], [1, "yes"], [2, "enabled"]}
}

test_label_value_fires_at_label if {
	w := fixtures.workload("CronJob", "app", {"metadata": {"labels": {"sidecar.istio.io/inject": "on"}}, "spec": {}})
	fs := rule.findings with input as fixtures.input_of([w])
	{[f.field, f.value] | some f in fs} == {[`spec.jobTemplate.spec.template.metadata.labels["sidecar.istio.io/inject"]`, "on"]}
}

test_pod_kind if {
	fs := rule.findings with input as fixtures.input_of([annotated("Pod", "TRUE")])
	{f.field | some f in fs} == {`metadata.annotations["sidecar.istio.io/inject"]`}
}
