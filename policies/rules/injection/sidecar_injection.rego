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
	some i, r in lib.workloads
	lib.inject_setting(r).value == "false"
	f := {
		"resource": i,
		"field": lib.inject_setting(r).path,
		"value": "false",
		"message": sprintf("%s opts out of the Istio sidecar with sidecar.istio.io/inject: \"false\" (pod %s): it stays outside the mesh", [lib.describe(r), lib.inject_setting(r).source]),
		"severity": "info",
	}
}

findings contains f if {
	some i, r in lib.workloads
	not lib.injected(r)
	not _opted_out(r)
	ns := lib.namespace_of(r)
	f := {
		"resource": i,
		"field": _field(r),
		"value": _value(r),
		"message": sprintf("%s gets no Istio sidecar: %s and namespace '%s' %s", [lib.describe(r), _pod_says(r), ns, _namespace_says(ns)]),
	}
}

_opted_out(r) if lib.inject_setting(r).value == "false"

_value(r) := lib.inject_setting(r).value if {
	lib.inject_setting(r)
} else := ""

_field(r) := lib.inject_setting(r).path if {
	lib.inject_setting(r)
} else := lib.template_annotation_path(r, lib.inject_key)

_pod_says(r) := sprintf("its pod template sets sidecar.istio.io/inject to %q, not \"true\",", [lib.inject_setting(r).value]) if {
	lib.inject_setting(r)
} else := "its pod template has no sidecar.istio.io/inject: \"true\""

_namespace_says(ns) := "is labelled istio-injection=disabled" if {
	lib.str(object.get(lib.namespace_labels(ns), "istio-injection", "")) == "disabled"
} else := "is not labelled istio-injection=enabled or istio.io/rev"
