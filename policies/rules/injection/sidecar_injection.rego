# METADATA
# title: Every workload gets an Istio sidecar
# description: >-
#   A pod without the istio-proxy sidecar is outside the mesh: it neither speaks nor accepts
#   mTLS, is invisible to telemetry and tracing, and cannot reach STRICT mTLS services. A pod
#   gets the sidecar when its template says sidecar.istio.io/inject "true", or when its
#   namespace is labelled istio-injection=enabled or istio.io/rev and the pod does not say "false".
# custom:
#   id: sidecar-injection
#   severity: error
#   family: injection
#   remediation: >-
#     Add `sidecar.istio.io/inject: "true"` to the pod template's labels or annotations
#     (spec.template.metadata), or label the namespace istio-injection=enabled (or istio.io/rev=<revision>).
#     A deliberate "false" opt-out is reported as info: keep it only for pods that must stay out of the mesh.
package meshready.rules.sidecar_injection

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	pod.inject.value == "false"
	f := {
		"resource": i,
		"field": pod.inject.path,
		"value": "false",
		"message": sprintf("%s opts out of the Istio sidecar with sidecar.istio.io/inject: \"false\" (pod %s): it stays outside the mesh", [lib.describe(pod.resource), pod.inject.source]),
		"severity": "info",
	}
}

findings contains f if {
	some i, pod in lib.pods
	not pod.injected
	setting := pod.inject
	not _opted_out(setting)
	r := pod.resource
	ns := pod.namespace
	f := {
		"resource": i,
		"field": _field(pod.prefix, setting),
		"value": _value(setting),
		"message": sprintf("%s gets no Istio sidecar: %s and namespace '%s' %s", [lib.describe(r), _pod_says(setting), ns, _namespace_says(ns)]),
	}
}

# setting is the pod's lib.inject_setting, or null when it sets none (lib.pods).
_opted_out(setting) if setting.value == "false"

_value(setting) := setting.value if {
	setting != null
} else := ""

_field(prefix, setting) := setting.path if {
	setting != null
} else := lib.metadata_path(prefix, "annotations", lib.inject_key)

_pod_says(setting) := sprintf("its pod template sets sidecar.istio.io/inject to %q, not \"true\",", [setting.value]) if {
	setting != null
} else := "its pod template has no sidecar.istio.io/inject: \"true\""

_namespace_says(ns) := "is labelled istio-injection=disabled" if {
	lib.str(object.get(lib.namespace_labels(ns), "istio-injection", "")) == "disabled"
} else := "is not labelled istio-injection=enabled or istio.io/rev"
