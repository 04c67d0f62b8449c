# METADATA
# title: Applications leave encryption to the mesh
# description: >-
#   Inside the mesh the sidecars already encrypt and authenticate every connection with mTLS.
#   An application that also serves TLS (an https/tls Service port, a TLS switch in its
#   environment, HTTPS probes; OOM's needTLS) is encrypted twice, needs its own certificates,
#   and hides HTTP from the sidecar, which then cannot route, retry or trace it.
# custom:
#   id: mtls-app-tls
#   severity: info
#   family: mtls
#   remediation: >-
#     Serve plain HTTP inside the mesh (OOM: set global.tlsEnabled/needTLS false for charts
#     running with Istio), name the port http-<suffix>, and let mTLS encrypt it; terminate
#     external TLS at the ingress gateway.
package meshready.rules.mtls_app_tls

import data.meshready.lib

findings contains f if {
	some si, svc in lib.services
	meshed := {lib.describe(lib.workloads[wi]) |
		some wi in object.get(lib.selected_workloads, si, set())
		wi in lib.injected_workloads
	}
	count(meshed) > 0
	some p in lib.svc_ports[si]
	proto := p.protocol
	proto in {"https", "tls"}
	src := p.source
	f := {
		"resource": si,
		"field": sprintf("%s.%s", [p.path, src.field]),
		"value": src.value,
		"message": sprintf("%s port '%s' (%v) serves %s to %s, which the mesh already encrypts with mTLS", [lib.describe(svc), p.name, p.number, upper(proto), concat(", ", sort(meshed))]),
	}
}

findings contains f if {
	some i, pod in lib.pods
	pod.injected
	r := pod.resource
	some e in lib.env_vars(r)
	not e.init
	_tls_switch(e.name)
	lower(e.value) == "true"
	f := {
		"resource": i,
		"field": e.path,
		"value": e.value,
		"message": sprintf("%s: container '%s' turns on application TLS (%s=%s) inside the mesh, which already encrypts with mTLS", [lib.describe(r), e.container, e.name, e.value]),
	}
}

findings contains f if {
	some i, pod in lib.pods
	pod.injected
	r := pod.resource
	some x in lib.containers(r)
	not x.init
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	upper(lib.str(object.get(x.container, [probe, "httpGet", "scheme"], ""))) == "HTTPS"
	f := {
		"resource": i,
		"field": sprintf("%s.%s.httpGet.scheme", [x.path, probe]),
		"value": "HTTPS",
		"message": sprintf("%s: container '%s' %s uses HTTPS, so the container serves its own TLS inside the mesh", [lib.describe(r), x.name, probe]),
	}
}

# Names that switch serving TLS on; TLS verification or disabling switches are not.
_tls_switch(name) if {
	n := upper(name)
	contains(n, "TLS")
	not regex.match(`DISABLE|SKIP|INSECURE|VERIFY`, n)
}
