# METADATA
# title: HTTP-named ports are not server-first or binary TCP ports
# description: >-
#   A port named (or appProtocol) http, http2, grpc or https makes the sidecar parse the traffic
#   as HTTP. On a database, broker or cluster-transport port (MySQL, PostgreSQL, MongoDB, Redis,
#   Cassandra, ZooKeeper, Kafka, Elasticsearch transport, AMQP) the bytes are not HTTP and every
#   connection fails. ONAP shipped `http-transport` on Elasticsearch's 9300 for years.
# custom:
#   id: port-protocol-mismatch
#   severity: error
#   family: ports
#   remediation: >-
#     Name the port for what it carries: tcp-<suffix> (or mysql, mongo, redis where Istio knows the
#     protocol), e.g. rename http-transport to tcp-transport, and set appProtocol accordingly.
package meshready.rules.port_protocol_mismatch

import data.meshready.lib

http_like := {"http", "http2", "grpc", "grpc-web", "https"}

findings contains f if {
	some i, ports in lib.svc_ports
	some p in ports
	proto := p.protocol
	proto in http_like
	hits := _binary_ports_reached(i, p)
	count(hits) > 0
	_refuted(i, p)
	src := p.source
	svc := lib.services[i]
	f := {
		"resource": i,
		"field": sprintf("%s.%s", [p.path, src.field]),
		"value": src.value,
		"message": sprintf("%s port '%s' (%v) declares %s but carries %s, which is not %s: connections through the sidecar will fail", [lib.describe(svc), p.name, p.number, upper(proto), concat(", ", sort(hits)), upper(proto)]),
	}
}

# The Service port itself and every container port it resolves to.
_binary_ports_reached(si, p) := {sprintf("%s (%v)", [lib.binary_port(n), n]) |
	some n in _numbers(si, p)
	lib.binary_port(n) != ""
}

_numbers(si, p) := ({p.number} | {n |
	some wi in object.get(lib.selected_workloads, si, set())
	some n in lib.target_numbers(p.port, lib.workloads[wi])
}) | {t |
	t := p.port.targetPort
	is_number(t)
}

# The model refutes the declared protocol too: an HTTP probe or strong HTTP
# evidence (the server's own configuration, clients' http:// URLs) shows the
# port speaks HTTP whatever its number (mesh.Mismatch, as fix and fn decide).
_refuted(i, p) if {
	some c in object.get(meshready.port_mismatch(input), i, [])
	sprintf("spec.ports[%d].%s", [c.index, c.field]) == sprintf("%s.%s", [p.path, p.source.field])
}
