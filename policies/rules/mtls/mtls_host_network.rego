# METADATA
# title: Pods do not use the host network
# description: >-
#   Istio never injects a sidecar into a hostNetwork pod (its iptables rules would capture the
#   node's traffic), so such a pod is always outside the mesh: it cannot call STRICT mTLS
#   services and its own ports are reached in plain text.
# custom:
#   id: mtls-host-network
#   severity: error
#   family: mtls
#   remediation: >-
#     Drop hostNetwork: true and expose the ports through a Service (or hostPort where a node
#     port is really needed); if the pod must stay on the host network, keep it out of the mesh
#     and allow plain text to what it calls with a PeerAuthentication port exception.
package meshready.rules.mtls_host_network

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	object.get(pod.spec, "hostNetwork", false) == true
	r := pod.resource
	f := {
		"resource": i,
		"field": sprintf("%sspec.hostNetwork", [pod.prefix]),
		"value": "true",
		"message": sprintf("%s uses the host network: Istio cannot inject its sidecar, so its traffic is never mTLS", [lib.describe(r)]),
	}
}
