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
	some i, setting in lib.workload_inject_settings
	setting.value == "false"
	r := lib.workloads[i]
	f := {
		"resource": i,
		"field": setting.path,
		"value": "false",
		"message": sprintf("%s opts out of the Istio sidecar with sidecar.istio.io/inject: \"false\" (pod %s): it stays outside the mesh", [lib.describe(r), setting.source]),
		"severity": "info",
	}
}

findings contains f if {
	some i, r in lib.workloads
	not i in lib.injected_workloads
	setting := object.get(lib.workload_inject_settings, i, null)
	not _opted_out(setting)
	ns := lib.namespace_of(r)
	f := {
		"resource": i,
		"field": _field(r, setting),
		"value": _value(setting),
		"message": sprintf("%s gets no Istio sidecar: %s and namespace '%s' %s", [lib.describe(r), _pod_says(setting), ns, _namespace_says(ns)]),
	}
}

# setting is the workload's lib.inject_setting, or null when its pod sets none.
_opted_out(setting) if setting.value == "false"

_value(setting) := setting.value if {
	setting != null
} else := ""

_field(r, setting) := setting.path if {
	setting != null
} else := lib.template_annotation_path(r, lib.inject_key)

_pod_says(setting) := sprintf("its pod template sets sidecar.istio.io/inject to %q, not \"true\",", [setting.value]) if {
	setting != null
} else := "its pod template has no sidecar.istio.io/inject: \"true\""

_namespace_says(ns) := "is labelled istio-injection=disabled" if {
	lib.str(object.get(lib.namespace_labels(ns), "istio-injection", "")) == "disabled"
} else := "is not labelled istio-injection=enabled or istio.io/rev"
