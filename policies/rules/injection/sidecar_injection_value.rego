# METADATA
# title: sidecar.istio.io/inject is "true" or "false"
# description: >-
#   Istio's injection webhook matches the label sidecar.istio.io/inject against the exact
#   strings "true" and "false". An empty value (a chart rendering a missing istioSidecar value)
#   or a spelling such as True, yes or enabled leaves injection to chance: the namespace default
#   decides, and the label selector ignores the value.
# custom:
#   id: sidecar-injection-value
#   severity: error
#   family: injection
#   remediation: >-
#     Render exactly "true" or "false" (quoted), e.g. `sidecar.istio.io/inject: {{ .Values.istioSidecar | default true | quote }}`,
#     and give istioSidecar a default in values.yaml.
package meshready.rules.sidecar_injection_value

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	some field, values in {"labels": pod.labels, "annotations": pod.annotations}
	v := lib.str(values[lib.inject_key])
	not v in {"true", "false"}
	f := {
		"resource": i,
		"field": lib.metadata_path(pod.prefix, field, lib.inject_key),
		"value": v,
		"message": sprintf("%s: pod %s sidecar.istio.io/inject %s", [lib.describe(pod.resource), trim_suffix(field, "s"), _problem(v)]),
	}
}

_problem("") := "is empty (a missing value rendered as \"\"); it must be \"true\" or \"false\""

_problem(v) := sprintf("is %q; it must be exactly \"true\" or \"false\" (Istio %s reads it as %s%s)", [v, lib.istio_version, _reading(v), _label_note(v)]) if v != ""

_reading(v) := "the namespace default" if {
	meshready.inject_reading(v, lib.settings) == "default"
} else := meshready.inject_reading(v, lib.settings)

# The webhooks' object selectors compare labels with the exact strings "true" and "false".
_label_note(v) := "; a label other than \"true\" never selects the pod in a namespace without injection labels" if {
	meshready.inject_reading(v, lib.settings) == "inject"
} else := ""
