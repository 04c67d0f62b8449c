# METADATA
# title: HTTP probes are rewritten through the sidecar
# description: >-
#   The kubelet probes in plain text. Istio rewrites httpGet and gRPC probes to go through the
#   sidecar's agent; with sidecar.istio.io/rewriteAppHTTPProbers "false" the probes hit the
#   STRICT mTLS inbound listener and fail, so the pod never becomes ready or is restarted.
# custom:
#   id: mtls-probe-rewrite
#   severity: error
#   family: mtls
#   remediation: >-
#     Remove the sidecar.istio.io/rewriteAppHTTPProbers: "false" annotation (rewriting is on by
#     default), or switch the probes to exec/tcpSocket.
package meshready.rules.mtls_probe_rewrite

import data.meshready.lib

rewrite_key := "sidecar.istio.io/rewriteAppHTTPProbers"

findings contains f if {
	some i, pod in lib.pods
	lower(lib.str(object.get(pod.annotations, rewrite_key, ""))) == "false"
	probes := {sprintf("container '%s' %s (%s)", [x.name, probe, kind]) |
		some x in lib.containers(pod.resource)
		some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
		some kind in ["httpGet", "grpc"]
		object.get(x.container, [probe, kind], null) != null
	}
	count(probes) > 0
	f := {
		"resource": i,
		"field": lib.metadata_path(pod.prefix, "annotations", rewrite_key),
		"value": "false",
		"message": sprintf("%s disables probe rewriting, so under STRICT mTLS these probes fail: %s", [lib.describe(pod.resource), concat(", ", sort(probes))]),
	}
}
