# METADATA
# title: sidecar.istio.io/inject sits on the pod template
# description: >-
#   Istio reads sidecar.istio.io/inject from the pod, so on a Deployment's, StatefulSet's or
#   Job's own metadata the key does nothing; only the pod template's metadata reaches the pods.
# custom:
#   id: sidecar-injection-misplaced
#   severity: warning
#   family: injection
#   remediation: >-
#     Move sidecar.istio.io/inject from metadata to the pod template's metadata
#     (spec.template.metadata, or spec.jobTemplate.spec.template.metadata for a CronJob).
package meshready.rules.sidecar_injection_misplaced

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	r := pod.resource
	r.kind != "Pod"
	some field in ["labels", "annotations"]

	# lib.own_labels / lib.own_annotations: a metadata.labels that is not an object has no keys.
	value := object.get(r, ["metadata", field], {})[lib.inject_key]
	f := {
		"resource": i,
		"field": lib.metadata_path("", field, lib.inject_key),
		"value": lib.str(value),
		"message": sprintf("%s has sidecar.istio.io/inject in its own metadata.%s, where Istio never reads it; put it in %smetadata.%s", [lib.describe(r), field, pod.prefix, field]),
	}
}
