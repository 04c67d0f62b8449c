# Service ports, Istio's protocol selection, and which workloads a Service reaches.
package meshready.lib

# binary_port(n) names the server-first or binary protocol a well-known port carries (MySQL,
# Kafka, ...), which never carries HTTP, or is "" (internal/mesh WellKnownTCP).
binary_port(n) := meshready.binary_port(n)

service_ports(svc) := {x |
	some j, p in as_array(object.get(as_object(svc), ["spec", "ports"], []))
	is_object(p)
	x := {
		"port": p,
		"index": j,
		"path": sprintf("spec.ports[%d]", [j]),
		"name": str(object.get(p, "name", "")),
		"number": object.get(p, "port", 0),
	}
}

# svc_ports[si] are the ports of Service si as service_ports gives them, plus what internal/mesh
# reads from them: "protocol" (Istio's, lower case, "" when Istio sniffs), "source" ({"field",
# "value"}: appProtocol when set, else the name) and "http" (the protocol is carried over HTTP).
# Ports Istio ignores (an ExternalName Service's, since Istio 1.21) are left out.
svc_ports[si] := {object.union(p, {"protocol": facts.protocol, "source": facts.source, "http": facts.http}) |
	some p in service_ports(svc)
	some facts in model.servicePorts[si]
	facts.index == p.index
	facts.ignored == ""
} if {
	some si, svc in services
}

# istio_protocol is Istio's protocol for a Service port object (kube.ConvertProtocol, through
# meshready.port_protocol at the target Istio version), "" when Istio sniffs.
istio_protocol(p) := meshready.port_protocol(p, _target_version)

_target_version := str(input.settings.istioVersion) if {
	input.settings.istioVersion
} else := ""

# service_workloads holds [service index, workload index] for every workload in the Service's
# namespace whose pod template labels its (non-empty) selector matches (internal/mesh).
service_workloads contains [si, wi] if {
	some pair in model.serviceWorkloads
	[si, wi] := pair
	services[si]
}

# workload_services[wi] are the indexes of the Services selecting workload wi.
workload_services[wi] contains si if {
	some pair in service_workloads
	[si, wi] := pair
}

# selected_workloads[si] are the indexes of the workloads Service si selects.
selected_workloads[si] contains wi if {
	some pair in service_workloads
	[si, wi] := pair
}

# named_target is a Service port's targetPort when it names a container port. A quoted
# number ("8080") is a name too, as the API server reads an IntOrString (and then rejects it:
# port names need a letter), the way the fixer and the KRM function read it.
named_target(p) := t if {
	t := p.targetPort
	is_string(t)
	t != ""
}

# target_numbers are the container port numbers Service port p reaches in workload w:
# the container ports a named targetPort resolves to, the numeric targetPort, or the port.
target_numbers(p, w) := {n |
	some cp in container_ports(w)
	cp.name == named_target(p)
	n := cp.number
} if {
	named_target(p)
} else := {t} if {
	t := p.targetPort
	is_number(t)
} else := {object.get(p, "port", 0)}
