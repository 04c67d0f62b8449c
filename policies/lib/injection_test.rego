package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

plain := fixtures.deployment("app", fixtures.pod("app", {}, fixtures.container("app")))

with_value(v) := fixtures.deployment("app", fixtures.pod("app", {"sidecar.istio.io/inject": v}, fixtures.container("app")))

namespace(name, labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}

test_injected_by_pod_value if {
	lib.injected(with_value("true")) with input as fixtures.input_of([])
	not lib.injected(with_value("false")) with input as fixtures.injected_input([])
	not lib.injected(plain) with input as fixtures.input_of([])
}

test_injected_by_namespace_settings if {
	lib.injected(plain) with input as fixtures.injected_input([])
	lib.injected(with_value("")) with input as fixtures.injected_input([])
}

test_injected_by_revision_label if {
	lib.injected(plain) with input as {"resources": [], "settings": {"namespace": "onap", "namespaceLabels": {"istio.io/rev": "1-22"}}}
	not lib.injected(plain) with input as {"resources": [], "settings": {"namespace": "onap", "namespaceLabels": {"istio.io/rev": "1-22", "istio-injection": "disabled"}}}
}

test_injected_by_rendered_namespace if {
	lib.injected(plain) with input as fixtures.input_of([namespace("onap", {"istio-injection": "enabled"})])
	not lib.injected(plain) with input as fixtures.input_of([namespace("other", {"istio-injection": "enabled"})])
}

test_disabled_namespace_honours_pod_true if {
	inp := fixtures.input_of([namespace("onap", {"istio-injection": "disabled"})])
	not lib.injected(plain) with input as inp
	lib.injected(with_value("true")) with input as inp
}

test_settings_labels_apply_to_release_namespace_only if {
	elsewhere := object.union(plain, {"metadata": {"namespace": "kube-system"}})
	not lib.injected(elsewhere) with input as fixtures.injected_input([])
}

test_label_wins_over_annotation if {
	p := {"metadata": {"labels": {"sidecar.istio.io/inject": "false"}, "annotations": {"sidecar.istio.io/inject": "true"}}, "spec": {}}
	s := lib.inject_setting(fixtures.deployment("app", p))
	s.value == "false"
	s.source == "label"
	s.path == `spec.template.metadata.labels["sidecar.istio.io/inject"]`
}

test_native_sidecars if {
	lib.native_sidecars(fixtures.deployment("a", fixtures.pod("a", {"sidecar.istio.io/nativeSidecar": "true"}, fixtures.container("a")))) with input as fixtures.input_of([])
	lib.native_sidecars(plain) with input as {"resources": [], "settings": {"nativeSidecars": true}}
	not lib.native_sidecars(plain) with input as fixtures.input_of([])
	not lib.native_sidecars(fixtures.deployment("a", fixtures.pod("a", {"sidecar.istio.io/nativeSidecar": "false"}, fixtures.container("a")))) with input as {"resources": [], "settings": {"nativeSidecars": true}}
}
