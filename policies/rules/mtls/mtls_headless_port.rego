# METADATA
# title: Headless Service ports name their protocol
# description: >-
#   Clients of a headless Service (clusterIP None) connect straight to pod IPs, and Istio
#   builds their listeners from the Service's ports. A port without a protocol name or
#   appProtocol is sniffed, which under mTLS breaks server-first protocols and the stateful
#   peer traffic headless Services usually carry.
# custom:
#   id: mtls-headless-port
#   severity: warning
#   family: mtls
#   remediation: >-
#     Name each headless Service port <protocol>[-<suffix>] (e.g. tcp-peer, http-api) or set appProtocol.
package meshready.rules.mtls_headless_port

import data.meshready.lib

findings contains f if {
	some i, svc in lib.services
	lib.str(object.get(svc, ["spec", "clusterIP"], "")) == "None"
	some p in lib.svc_ports[i]
	p.protocol == ""
	src := p.source
	f := {
		"resource": i,
		"field": sprintf("%s.%s", [p.path, src.field]),
		"value": src.value,
		"message": sprintf("headless %s port '%s' (%v) declares no protocol (name prefix or appProtocol): Istio cannot sniff the protocol of pod-to-pod traffic under mTLS", [lib.describe(svc), p.name, p.number]),
	}
}
