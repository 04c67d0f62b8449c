# METADATA
# title: Port names agree with how the port is called and served
# description: >-
#   A port's name (or appProtocol) is what Istio believes it carries. When every strong piece of
#   evidence in the input says otherwise, the name is wrong: an http- port that every client calls
#   with https://, that the server's configuration serves with TLS (Spring Boot server.ssl, ONAP
#   restServerParameters "https": true, nginx listen ... ssl) or that an HTTPS probe checks, makes
#   the sidecar parse TLS bytes as HTTP and every connection fails; an https- port called with
#   http:// gets no HTTP routing, retries or per-request telemetry; a gRPC server behind an http-
#   port gets HTTP/1.1 from the sidecar. Evidence that disagrees with itself gives no verdict
#   (fix and fn report the conflict); tcp names contradict nothing.
# custom:
#   id: port-protocol-evidence
#   severity: warning
#   family: ports
#   remediation: >-
#     Rename the port for the protocol the evidence shows (e.g. http-api to https-api when its
#     clients call https://), or correct the clients or the server if the name is right.
#     `meshready fix` and the KRM function rename it where the name is written.
package meshready.rules.port_protocol_evidence

import data.meshready.lib

findings contains f if {
	some si, list in meshready.port_evidence(input)
	svc := lib.services[si]
	some c in list
	f := {
		"resource": si,
		"field": sprintf("spec.ports[%d].%s", [c.index, c.field]),
		"value": c.value,
		"message": sprintf("%s port '%s' declares %s, but the evidence says %s: %s", [lib.describe(svc), c.value, upper(c.declared), upper(c.protocol), c.reason]),
	}
}
