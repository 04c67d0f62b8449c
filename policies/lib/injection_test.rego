package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

# Injection decisions are internal/mesh's (Profile.Decide, testdata/injection.tsv runs the full
# table through Go, the rules and fn); these tests check that lib.pods carries them.

plain := fixtures.deployment("app", fixtures.pod("app", {}, fixtures.container("app")))

with_label(v) := fixtures.deployment("app", {"metadata": {"labels": {"app": "app", "sidecar.istio.io/inject": v}}, "spec": {"containers": [fixtures.container("app")]}})

with_annotation(v) := fixtures.deployment("app", fixtures.pod("app", {"sidecar.istio.io/inject": v}, fixtures.container("app")))

namespace(name, labels) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}

injected(w, inp) if {
	lib.pods[count(inp.resources)].injected with input as object.union(inp, {"resources": array.concat(inp.resources, [w])})
}

test_injected_by_pod_label_only if {
	injected(with_label("true"), fixtures.input_of([]))
	not injected(with_annotation("true"), fixtures.input_of([]))
	not injected(plain, fixtures.input_of([]))
}

test_opt_out_by_label_or_annotation if {
	not injected(with_label("false"), fixtures.injected_input([]))
	not injected(with_annotation("false"), fixtures.injected_input([]))
	injected(plain, fixtures.injected_input([]))
}

test_disabled_namespace_wins_over_pod_true if {
	inp := fixtures.input_of([namespace("onap", {"istio-injection": "disabled"})])
	not injected(plain, inp)
	not injected(with_label("true"), inp)
}

test_rendered_namespace_wins_over_settings if {
	inp := fixtures.injected_input([namespace("onap", {})])
	not injected(plain, inp)
	injected(plain, fixtures.input_of([namespace("onap", {"istio-injection": "enabled"})]))
}

test_pod_facts_carry_setting_path_and_reason if {
	p := {"metadata": {"labels": {"sidecar.istio.io/inject": "false"}, "annotations": {"sidecar.istio.io/inject": "true"}}, "spec": {}}
	pod := lib.pods[0] with input as fixtures.injected_input([fixtures.deployment("app", p)])
	pod.inject.value == "false"
	pod.inject.source == "label"
	pod.inject.path == `spec.template.metadata.labels["sidecar.istio.io/inject"]`
	pod.opt_out
	contains(pod.reason, "sidecar.istio.io/inject")
}

test_native_sidecars if {
	w := fixtures.deployment("a", fixtures.pod("a", {"sidecar.istio.io/nativeSidecar": "true"}, fixtures.container("a")))
	lib.pods[0].native_sidecars with input as fixtures.input_of([w])
	lib.pods[0].native_sidecars with input as {"resources": [plain], "settings": {"nativeSidecars": true}}
	not lib.pods[0].native_sidecars with input as fixtures.input_of([plain])
}

test_istio_objects_are_left_out if {
	gw := object.union(plain, {"metadata": {"labels": {"gateway.istio.io/managed": "istio.io-mesh-controller"}}})
	count(lib.pods) == 0 with input as fixtures.injected_input([gw])
	count(lib.pods) == 1 with input as fixtures.injected_input([plain])
}
