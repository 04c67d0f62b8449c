# METADATA
# title: Service ports agree on their workloads' ports
# description: >-
#   Istio builds one inbound listener per container port. When several Services select the
#   same pods and reach the same container port under different protocols, only one protocol
#   wins and the other Service's traffic is mis-parsed. A named targetPort that no selected
#   container declares leaves the Service without endpoints on that port.
# custom:
#   id: port-conflict
#   severity: error
#   family: ports
#   remediation: >-
#     Give every Service port that reaches the same container port the same protocol prefix
#     (or appProtocol); make a named targetPort match a containerPort name in the selected pods.
package meshready.rules.port_conflict

import data.meshready.lib

# (a) the same container port of one workload behind Service ports with different protocols.
findings contains f if {
	some key, reaching in _reaching
	count({x.proto | some x in reaching}) > 1
	[wi, n] := key
	w := lib.workloads[wi]
	some x in reaching
	others := {sprintf("%s port '%s' (%s)", [lib.describe(lib.services[y.service]), y.port.name, upper(y.proto)]) |
		some y in reaching
		y.proto != x.proto
	}
	f := {
		"resource": x.service,
		"field": x.port.path,
		"value": x.port.name,
		"message": sprintf("%s port '%s' reaches container port %v of %s as %s, conflicting with %s on the same container port: Istio applies only one protocol to it", [lib.describe(lib.services[x.service]), x.port.name, n, lib.describe(w), upper(x.proto), concat(", ", sort(others))]),
	}
}

# _reaching[[wi, n]] are the Service ports that reach container port n of workload wi with a
# protocol: {"service": si, "port": a lib.svc_ports entry, "proto": its Istio protocol}.
# Built once, so conflicts are found by grouping rather than by comparing every pair of ports.
_reaching[[wi, n]] contains {"service": si, "port": p, "proto": proto} if {
	some [si, wi] in lib.service_workloads
	wi in _mixed_protocols

	# Only an injected workload's sidecar applies a protocol to its inbound listeners.
	lib.pods[wi].injected
	some p in lib.svc_ports[si]
	proto := p.protocol
	proto != ""
	some n in lib.target_numbers(p.port, lib.workloads[wi])
}

# _mixed_protocols are the workloads whose Services' ports carry more than one protocol: only
# there can two ports reach the same container port with different ones.
_mixed_protocols contains wi if {
	some wi, services in lib.workload_services
	count({p.protocol | some si in services; some p in lib.svc_ports[si]; p.protocol != ""}) > 1
}

# (b) a named targetPort that no selected workload declares.
findings contains f if {
	some si, svc in lib.services
	selected := object.get(lib.selected_workloads, si, set())
	count(selected) > 0
	some p in lib.svc_ports[si]
	target := lib.named_target(p.port)
	not _declared(selected, target)
	f := {
		"resource": si,
		"field": sprintf("%s.targetPort", [p.path]),
		"value": target,
		"message": sprintf("%s port '%s' targets container port '%s', which none of %s declares", [lib.describe(svc), p.name, target, concat(", ", sort([lib.describe(lib.workloads[wi]) | some wi in selected]))]),
	}
}

_declared(selected, target) if {
	some wi in selected
	some cp in lib.container_ports(lib.workloads[wi])
	cp.name == target
}
