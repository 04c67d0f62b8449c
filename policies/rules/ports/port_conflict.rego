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
	some [si, wi] in lib.service_workloads
	svc := lib.services[si]
	some p in lib.service_ports(svc)
	proto := lib.istio_protocol(p.port)
	proto != ""
	w := lib.workloads[wi]
	some n in lib.target_numbers(p.port, w)
	others := {sprintf("%s port '%s' (%s)", [lib.describe(lib.services[sj]), q.name, upper(other)]) |
		some sj in lib.workload_services[wi]
		some q in lib.service_ports(lib.services[sj])
		[sj, q.index] != [si, p.index]
		other := lib.istio_protocol(q.port)
		other != ""
		other != proto
		n in lib.target_numbers(q.port, w)
	}
	count(others) > 0
	f := {
		"resource": si,
		"field": p.path,
		"value": p.name,
		"message": sprintf("%s port '%s' reaches container port %v of %s as %s, conflicting with %s on the same container port: Istio applies only one protocol to it", [lib.describe(svc), p.name, n, lib.describe(w), upper(proto), concat(", ", sort(others))]),
	}
}

# (b) a named targetPort that no selected workload declares.
findings contains f if {
	some si, svc in lib.services
	selected := object.get(lib.selected_workloads, si, set())
	count(selected) > 0
	some p in lib.service_ports(svc)
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
