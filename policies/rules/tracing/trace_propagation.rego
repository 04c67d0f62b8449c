# METADATA
# title: HTTP and gRPC workloads forward trace headers
# description: >-
#   The sidecar starts and reports spans, but only the application can carry the trace from an
#   inbound request to the requests it makes; a service that drops the headers splits every
#   trace in two. A long-running workload that serves HTTP or gRPC should say how it propagates
#   (OpenTelemetry, Spring Boot/Micrometer, Sleuth, Jaeger settings, or the
#   meshready.io/trace-propagation annotation for code that copies headers by hand), in the
#   format the mesh uses (input.settings.traceFormat: b3 or w3c).
# custom:
#   id: trace-propagation
#   severity: warning
#   family: tracing
#   remediation: >-
#     Configure the tracer to propagate the mesh's format: OTEL_PROPAGATORS=b3multi (or
#     tracecontext for w3c), MANAGEMENT_TRACING_PROPAGATION_TYPE=B3_MULTI (or W3C) or
#     management.tracing.propagation.type in the mounted application properties,
#     SPRING_SLEUTH_PROPAGATION_TYPE, JAEGER_PROPAGATION=b3 (or w3c). If the code forwards the
#     headers itself, annotate the pod template meshready.io/trace-propagation with how.
package meshready.rules.trace_propagation

import data.meshready.lib

findings contains f if {
	some i, served in _served
	pod := lib.pods[i]
	not lib.manual_trace_propagation_in(pod.annotations)
	r := pod.resource
	count(lib.trace_propagation_settings(i, r)) == 0
	f := {
		"resource": i,
		"field": sprintf("%sspec.containers", [pod.prefix]),
		"value": "",
		"message": sprintf("%s serves %s but declares no trace header propagation: its outbound requests start new traces", [lib.describe(r), concat(", ", sort(served))]),
	}
}

findings contains f if {
	some i, _ in _served
	pod := lib.pods[i]
	not lib.manual_trace_propagation_in(pod.annotations)
	r := pod.resource
	format := lib.mesh_trace_format
	format != ""
	settings := lib.trace_propagation_settings(i, r)
	count(settings) > 0
	every s in settings {
		not format in s.formats
	}
	some s in settings
	f := {
		"resource": s.resource,
		"field": s.path,
		"value": s.value,
		"message": sprintf("%s propagates %s=%s, which does not include the mesh's %s trace headers", [lib.describe(r), s.setting, s.value, format]),
	}
}

# _served[i]: the HTTP or gRPC ports long-running workload i serves, named for the message.
# A port named http on a binary port (port-protocol-mismatch) serves no HTTP. A port Istio
# sniffs serves HTTP when the evidence shows it carries HTTP or gRPC in the clear: Istio's
# inbound protocol detection finds HTTP/1.1 and HTTP/2 on the wire and the sidecar handles and
# traces it as HTTP (istio.io docs, ops/configuration/traffic-management/protocol-selection),
# so the workload splits traces whether or not the port is named; naming it http- (fix, fn)
# adds no finding here.
_served[wi] := ports if {
	some wi, pod in lib.pods
	pod.resource.kind in lib.long_running_kinds
	ports := (_service_ports(wi) | _sniffed_ports(wi)) | _container_ports(pod.spec)
	count(ports) > 0
}

_sniffed := meshready.port_sniffed_http(input)

# _sniffed_ports(wi): the sniffed Service ports the evidence shows carry HTTP or gRPC
# (mesh.SniffedHTTP, the decision fix and fn would name them by), with that evidence.
_sniffed_ports(wi) := {sprintf("%s port '%s' (%s, which Istio detects: %s)", [lib.describe(svc), _port_label(c), upper(c.protocol), c.reason]) |
	some si in object.get(lib.workload_services, wi, set())
	some c in object.get(_sniffed, si, [])
	svc := lib.services[si]
}

_port_label(c) := c.value if c.value != ""

_port_label(c) := sprintf("spec.ports[%d]", [c.index]) if c.value == ""

_service_ports(wi) := {sprintf("%s port '%s' (%s)", [lib.describe(svc), p.name, upper(proto)]) |
	some si in object.get(lib.workload_services, wi, set())
	some p in lib.svc_ports[si]
	p.http
	proto := p.protocol
	svc := lib.services[si]
	lib.binary_port(p.number) == ""
}

# _container_ports are the HTTP or gRPC ports the main containers declare, read from the raw pod
# spec as lib.container_ports does (a name that is not a string never starts with http or grpc).
# An https- name is TLS, which the sidecar passes through without seeing HTTP (as for a Service
# port named https, which ConvertProtocol makes HTTPS, not IsHTTP).
_container_ports(spec) := {sprintf("container port '%s' (%v)", [name, number]) |
	containers := object.get(spec, "containers", [])
	is_array(containers)
	some c in containers
	is_object(c)
	ports := object.get(c, "ports", [])
	is_array(ports)
	some cp in ports
	is_object(cp)
	name := object.get(cp, "name", "")
	is_string(name)
	regex.match(`^(?i)(http|grpc)`, name)
	not regex.match(`^(?i)https`, name) # TLS: the sidecar sees no HTTP inside it
	number := object.get(cp, "containerPort", 0)
	lib.binary_port(number) == ""
}
