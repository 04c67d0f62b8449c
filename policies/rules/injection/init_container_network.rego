# METADATA
# title: Init containers do not need the network before the sidecar
# description: >-
#   With a classic sidecar, istio-init redirects all pod traffic to istio-proxy before any init
#   container runs, but the proxy only starts after them: an init container that waits for
#   another service (OOM's readiness check, curl, wget, nc, a service URL) cannot connect and
#   the pod never starts.
# custom:
#   id: init-container-network
#   severity: warning
#   family: injection
#   remediation: >-
#     Use native sidecars: the pod annotation sidecar.istio.io/nativeSidecar "true" (honoured from
#     Istio 1.24; on 1.20-1.23 only ENABLE_NATIVE_SIDECARS=true on istiod counts), on Kubernetes >= 1.29
#     (1.28 with the SidecarContainers feature gate); from Istio 1.27 sidecars are native by default
#     when every node runs Kubernetes >= 1.33 (tell meshready with kubernetesVersion in .meshready.yaml);
#     or let the init container bypass the proxy: run it as the proxy's UID
#     (securityContext.runAsUser: 1337), or exclude its destinations with the pod annotations
#     traffic.sidecar.istio.io/excludeOutboundIPRanges / excludeOutboundPorts.
package meshready.rules.init_container_network

import data.meshready.lib

# Which init containers need the network, and which bypass the proxy (runAsUser 1337, outbound
# exclusions), is the model's test (internal/mesh remedy.go), the one fix and fn apply.
findings contains f if {
	some i, pod in lib.pods
	pod.injected
	not pod.native_sidecars
	some x in pod.init_network
	f := {
		"resource": i,
		"field": sprintf("%sspec.initContainers[%d]", [pod.prefix, x.index]),
		"value": x.name,
		"message": sprintf("%s: init container '%s' needs the network before the istio-proxy sidecar starts (%s)", [lib.describe(pod.resource), x.name, concat("; ", x.reasons)]),
	}
}
