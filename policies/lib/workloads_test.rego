package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

test_template_paths_per_kind if {
	p := fixtures.pod("x", {}, fixtures.container("x"))
	lib.template_annotation_path(fixtures.workload("Deployment", "x", p), "sidecar.istio.io/inject") == `spec.template.metadata.annotations["sidecar.istio.io/inject"]`
	lib.template_annotation_path(fixtures.workload("CronJob", "x", p), "sidecar.istio.io/inject") == `spec.jobTemplate.spec.template.metadata.annotations["sidecar.istio.io/inject"]`
	lib.template_annotation_path(fixtures.workload("Pod", "x", p), "sidecar.istio.io/inject") == `metadata.annotations["sidecar.istio.io/inject"]`
	lib.template_label_path(fixtures.workload("Job", "x", p), "app") == "spec.template.metadata.labels.app"
}

test_pod_template_per_kind if {
	p := fixtures.pod("x", {"a": "b"}, fixtures.container("x"))
	every kind in lib.pod_kinds {
		lib.template_annotations(fixtures.workload(kind, "x", p)) == {"a": "b"}
	}
}

test_containers_include_init_containers if {
	p := {"spec": {"initContainers": [{"name": "wait"}], "containers": [{"name": "app"}, {"name": "side"}]}}
	cs := lib.containers(fixtures.workload("CronJob", "x", p))
	{[c.name, c.init, c.path] | some c in cs} == {
		["wait", true, "spec.jobTemplate.spec.template.spec.initContainers[0]"],
		["app", false, "spec.jobTemplate.spec.template.spec.containers[0]"],
		["side", false, "spec.jobTemplate.spec.template.spec.containers[1]"],
	}
}

test_null_fields_are_empty if {
	r := {"kind": "Deployment", "metadata": null, "spec": {"template": {"metadata": {"labels": null}, "spec": {"containers": null}}}}
	lib.template_labels(r) == {}
	lib.containers(r) == set()
	lib.namespace_of(r) == "onap" with input as fixtures.input_of([])
}

test_namespace_of if {
	lib.namespace_of({"metadata": {"namespace": "istio-system"}}) == "istio-system" with input as fixtures.input_of([])
	lib.namespace_of({"metadata": {"name": "x"}}) == "onap" with input as fixtures.input_of([])
}

test_key_path if {
	lib.key_path("app") == ".app"
	lib.key_path("sidecar.istio.io/inject") == `["sidecar.istio.io/inject"]`
	lib.key_path("") == `[""]`
}

test_env_vars_resolve_configmaps if {
	c := object.union(fixtures.container("app"), {
		"env": [
			{"name": "A", "value": "1"},
			{"name": "B", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "b"}}},
		],
		"envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "CFG_"}],
	})
	w := fixtures.deployment("app", fixtures.pod("app", {}, c))
	env := lib.env_vars(w) with input as fixtures.input_of([w, fixtures.configmap("cfg", {"b": "two"})])
	{[e.name, e.value] | some e in env} == {["A", "1"], ["B", "two"], ["CFG_b", "two"]}
}

test_configmaps_used if {
	p := {"spec": {
		"volumes": [{"name": "v", "configMap": {"name": "vol"}}, {"name": "p", "projected": {"sources": [{"configMap": {"name": "proj"}}]}}],
		"containers": [{"name": "c", "envFrom": [{"configMapRef": {"name": "envfrom"}}], "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "ref", "key": "k"}}}]}],
	}}
	lib.configmaps_used(fixtures.deployment("app", p)) == {"vol", "proj", "envfrom", "ref"}
}
