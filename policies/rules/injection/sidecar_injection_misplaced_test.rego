package meshready.rules.sidecar_injection_misplaced_test

import data.meshready.rules.sidecar_injection_misplaced as rule
import data.meshready.test.fixtures

on_own_metadata(kind, field) := object.union(
	fixtures.workload(kind, "app", fixtures.pod("app", {}, fixtures.container("app"))),
	{"metadata": {field: {"sidecar.istio.io/inject": "true"}}},
)

test_own_annotation_fires if {
	fs := rule.findings with input as fixtures.input_of([on_own_metadata("Deployment", "annotations")])
	count(fs) == 1
	some f in fs
	f.field == `metadata.annotations["sidecar.istio.io/inject"]`
	f.value == "true"
	contains(f.message, "spec.template.metadata.annotations")
}

test_own_label_fires_for_cronjob if {
	fs := rule.findings with input as fixtures.input_of([on_own_metadata("CronJob", "labels")])
	some f in fs
	f.field == `metadata.labels["sidecar.istio.io/inject"]`
	contains(f.message, "spec.jobTemplate.spec.template.metadata.labels")
}

test_pod_template_passes if {
	w := fixtures.deployment("app", fixtures.injected_pod("app", fixtures.container("app")))
	count(rule.findings) == 0 with input as fixtures.input_of([w])
}

test_pod_kind_is_its_own_template if {
	count(rule.findings) == 0 with input as fixtures.input_of([on_own_metadata("Pod", "annotations")])
}
