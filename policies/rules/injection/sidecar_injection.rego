# METADATA
# title: Every workload gets an Istio sidecar
# description: >-
#   A pod without the istio-proxy sidecar is outside the mesh: it neither speaks nor accepts
#   mTLS, is invisible to telemetry and tracing, and cannot reach STRICT mTLS services. Istio's
#   default webhooks reach a pod when its namespace is labelled istio-injection=enabled or
#   istio.io/rev=<revision>, or, in a namespace with neither label, when the pod template has the
#   label sidecar.istio.io/inject "true"; the annotation can only opt out, and
#   istio-injection=disabled or a "false" on the pod wins. A pod whose annotations Istio's
#   injector rejects is never created. The decision is internal/mesh's, at the target Istio version.
# custom:
#   id: sidecar-injection
#   severity: error
#   family: injection
#   remediation: >-
#     Label the namespace istio-injection=enabled (or istio.io/rev=<revision>), or add the label
#     `sidecar.istio.io/inject: "true"` to the pod template (spec.template.metadata.labels).
#     A deliberate "false" opt-out is reported as info: keep it only for pods that must stay out of the mesh.
package meshready.rules.sidecar_injection

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	not pod.injected
	pod.opt_out
	f := {
		"resource": i,
		"field": pod.inject.path,
		"value": pod.inject.value,
		"message": sprintf("%s opts out of the Istio sidecar: %s; it stays outside the mesh", [lib.describe(pod.resource), pod.reason]),
		"severity": "info",
	}
}

findings contains f if {
	some i, pod in lib.pods
	not pod.injected
	not pod.opt_out

	# mtls-host-network reports hostNetwork pods, which Istio never injects.
	not object.get(pod.spec, "hostNetwork", false) == true
	f := {
		"resource": i,
		"field": lib.inject_path(pod.prefix, pod.inject),
		"value": _value(pod.inject),
		"message": sprintf("%s gets no Istio sidecar (Istio %s): %s", [lib.describe(pod.resource), lib.istio_version, pod.reason]),
	}
}

# An annotation Istio's injector rejects (internal/mesh ValidateInjectAnnotation, at the target
# release) makes the webhook refuse the pod.
findings contains f if {
	some i, pod in lib.pods
	pod.injected
	some x in pod.rejected
	f := {
		"resource": i,
		"field": lib.metadata_path(pod.prefix, "annotations", x.key),
		"value": x.value,
		"message": sprintf("%s: Istio's injector rejects %s %q (%s), so the pod is never created", [lib.describe(pod.resource), x.key, x.value, x.cause]),
	}
}

_value(setting) := setting.value if {
	setting != null
} else := ""
