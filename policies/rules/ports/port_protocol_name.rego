# METADATA
# title: Service ports name their protocol
# description: >-
#   Istio picks a Service port's protocol from appProtocol, else from the port name's prefix
#   (<protocol> or <protocol>-<suffix>). A port that declares neither falls back to protocol
#   sniffing, which delays or breaks server-first protocols and loses HTTP routing and telemetry
#   when the first bytes look wrong. UDP ports and the server-first ports Istio already treats
#   as TCP (25, 53, 3306, 27017) are exempt.
# custom:
#   id: port-protocol-name
#   severity: error
#   family: ports
#   remediation: >-
#     Name the port <protocol>[-<suffix>] with one of http, http2, https, grpc, grpc-web, tcp,
#     tls, udp, mongo, mysql, redis (e.g. http-api, tcp-db), or set appProtocol to the protocol.
package meshready.rules.port_protocol_name

import data.meshready.lib

findings contains f if {
	some i, ports in lib.svc_ports
	some p in ports
	p.protocol == ""
	src := p.source
	svc := lib.services[i]
	f := {
		"resource": i,
		"field": sprintf("%s.%s", [p.path, src.field]),
		"value": src.value,
		"message": sprintf("%s port %s (%v) %s", [lib.describe(svc), _label(p), p.number, _problem(src)]),
	}
}

_label(p) := sprintf("'%s'", [p.name]) if p.name != ""

else := "without a name"

_problem(src) := sprintf("sets appProtocol %q, which is not an Istio protocol: Istio will sniff its protocol", [src.value]) if {
	src.field == "appProtocol"
} else := "does not name its protocol: Istio will sniff it" if {
	src.value != ""
} else := "has no name or appProtocol: Istio will sniff its protocol"
