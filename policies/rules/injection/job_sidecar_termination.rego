# METADATA
# title: Injected Jobs stop their sidecar
# description: >-
#   A classic istio-proxy sidecar runs until someone stops it, so an injected Job or CronJob
#   pod never completes: the Job hangs active and CronJob runs pile up. The pod needs a native
#   sidecar (which Kubernetes stops after the main containers) or a main container that tells
#   the proxy to quit. holdApplicationUntilProxyStarts only orders the start and does not help.
# custom:
#   id: job-sidecar-termination
#   severity: warning
#   family: injection
#   remediation: >-
#     Use native sidecars: annotate the pod template sidecar.istio.io/nativeSidecar "true" (honoured
#     from Istio 1.24; on 1.20-1.23 only ENABLE_NATIVE_SIDECARS=true on istiod counts), on Kubernetes
#     >= 1.29 (1.28 with the SidecarContainers feature gate); from Istio 1.27 sidecars are native by
#     default when every node runs Kubernetes >= 1.33 (tell meshready with kubernetesVersion in
#     .meshready.yaml). Or end the
#     job's command with `curl -fsS -X POST http://localhost:15020/quitquitquit` (or
#     `pilot-agent request POST quitquitquit`). proxyMetadata EXIT_ON_ZERO_ACTIVE_CONNECTIONS does not
#     help: pilot-agent reads it only while the pod is being deleted (pkg/envoy/agent.go @1.27.0).
package meshready.rules.job_sidecar_termination

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	r := pod.resource
	r.kind in lib.job_kinds
	pod.injected
	not pod.native_sidecars
	not pod.quits_sidecar
	f := {
		"resource": i,
		"field": lib.metadata_path(pod.prefix, "annotations", lib.native_sidecar_key),
		"value": "",
		"message": sprintf("%s is injected with a classic istio-proxy sidecar that never exits: its pods never complete (no native sidecar, no quitquitquit call)", [lib.describe(r)]),
	}
}
