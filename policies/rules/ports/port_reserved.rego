# METADATA
# title: Containers keep off Istio's ports and UID
# description: >-
#   The sidecar listens on 15000-15090 (admin, outbound and inbound capture, HBONE, health,
#   DNS, Prometheus) and istio-init exempts UID 1337 from redirection. An application container
#   listening on one of these ports collides with the proxy, and one running as UID 1337
#   bypasses the sidecar: its traffic is neither captured nor encrypted.
# custom:
#   id: port-reserved
#   severity: error
#   family: ports
#   remediation: >-
#     Move the application off ports 15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021,
#     15053 and 15090, and run it as a UID other than 1337 (securityContext.runAsUser).
package meshready.rules.port_reserved

import data.meshready.lib

# reserved_port(n) is what istio-proxy itself uses port n for, or "" (internal/mesh ProxyPorts).
reserved_port(n) := meshready.proxy_port(n)

findings contains f if {
	some i, pod in lib.pods
	_any_reserved_port(pod.spec)
	r := pod.resource
	some cp in lib.container_ports(r)
	reserved_port(cp.number) != ""
	f := {
		"resource": i,
		"field": sprintf("%s.containerPort", [cp.path]),
		"value": sprintf("%v", [cp.number]),
		"message": sprintf("%s: container '%s' listens on %v, which istio-proxy uses for %s", [lib.describe(r), cp.container, cp.number, reserved_port(cp.number)]),
	}
}

# _any_reserved_port and _any_proxy_uid look at the raw pod spec (the containers, and ports, of
# lib.containers and lib.container_ports) so that only the rare workloads that match build those.
_any_reserved_port(spec) if {
	some key in ["initContainers", "containers"]
	containers := object.get(spec, key, [])
	is_array(containers)
	some c in containers
	is_object(c)
	ports := object.get(c, "ports", [])
	is_array(ports)
	some cp in ports
	is_object(cp)
	reserved_port(object.get(cp, "containerPort", 0)) != ""
}

_any_proxy_uid(spec) if {
	containers := object.get(spec, "containers", [])
	is_array(containers)
	some c in containers
	is_object(c)
	object.get(c, ["securityContext", "runAsUser"], null) == 1337
}

# Init containers may run as 1337 on purpose: it is how they reach the network before the
# proxy starts (see init-container-network).
findings contains f if {
	some i, pod in lib.pods
	_any_proxy_uid(pod.spec)
	r := pod.resource
	some x in lib.containers(r)
	not x.init
	object.get(x.container, ["securityContext", "runAsUser"], null) == 1337
	f := {
		"resource": i,
		"field": sprintf("%s.securityContext.runAsUser", [x.path]),
		"value": "1337",
		"message": sprintf("%s: container '%s' runs as UID 1337, the istio-proxy UID, so its traffic bypasses the sidecar", [lib.describe(r), x.name]),
	}
}

findings contains f if {
	some i, pod in lib.pods
	object.get(pod.spec, ["securityContext", "runAsUser"], null) == 1337
	r := pod.resource
	apps := {x.name |
		some x in lib.containers(r)
		not x.init
		object.get(x.container, ["securityContext", "runAsUser"], null) == null
	}
	count(apps) > 0
	f := {
		"resource": i,
		"field": sprintf("%sspec.securityContext.runAsUser", [pod.prefix]),
		"value": "1337",
		"message": sprintf("%s runs its pod as UID 1337, the istio-proxy UID: traffic of %s bypasses the sidecar", [lib.describe(r), concat(", ", [sprintf("'%s'", [n]) | some n in sort(apps)])]),
	}
}
