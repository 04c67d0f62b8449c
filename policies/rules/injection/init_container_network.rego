# METADATA
# title: Init containers do not need the network before the sidecar
# description: >-
#   With a classic sidecar, istio-init redirects all pod traffic to istio-proxy before any init
#   container runs, but the proxy only starts after them: an init container that waits for
#   another service (OOM's readiness check, curl, wget, nc, a service URL) cannot connect and
#   the pod never starts.
# custom:
#   id: init-container-network
#   severity: warning
#   family: injection
#   remediation: >-
#     Use native sidecars: the pod annotation sidecar.istio.io/nativeSidecar "true" (honoured from
#     Istio 1.24; on 1.20-1.23 only ENABLE_NATIVE_SIDECARS=true on istiod counts), on Kubernetes >= 1.29
#     (1.28 with the SidecarContainers feature gate); from Istio 1.27 sidecars are native by default
#     when every node runs Kubernetes >= 1.33 (tell meshready with kubernetesVersion in .meshready.yaml);
#     or let the init container bypass the proxy: run it as the proxy's UID
#     (securityContext.runAsUser: 1337), or exclude its destinations with the pod annotations
#     traffic.sidecar.istio.io/excludeOutboundIPRanges / excludeOutboundPorts.
package meshready.rules.init_container_network

import data.meshready.lib

findings contains f if {
	some i, pod in lib.pods
	pod.injected
	r := pod.resource
	not pod.native_sidecars
	not _outbound_excluded(pod.annotations)
	some x in lib.containers(r)
	x.init
	not _runs_as_proxy(x.container)
	reasons := _reasons(r, x)
	count(reasons) > 0
	f := {
		"resource": i,
		"field": x.path,
		"value": x.name,
		"message": sprintf("%s: init container '%s' needs the network before the istio-proxy sidecar starts (%s)", [lib.describe(r), x.name, concat("; ", sort(reasons))]),
	}
}

# annotations are the pod template's (lib.template_annotations).
_outbound_excluded(annotations) if {
	some key in ["traffic.sidecar.istio.io/excludeOutboundIPRanges", "traffic.sidecar.istio.io/excludeOutboundPorts"]
	lib.str(object.get(annotations, key, "")) != ""
}

# The proxy's own UID is not redirected by istio-init.
_runs_as_proxy(c) if object.get(c, ["securityContext", "runAsUser"], null) == 1337

_reasons(r, x) := ({s | some s in _readiness(x.container)} | {s | some s in _network_tools(x.container)}) | {s | some s in _service_urls(r, x)}

_readiness(c) := {sprintf("OOM readiness check: %s", [concat(", ", sort(signs))])} if {
	signs := _readiness_signs(c)
	count(signs) > 0
} else := set()

_readiness_signs(c) := {why |
	some field in ["image", "name"]
	contains(lower(lib.str(object.get(c, field, ""))), "readiness")
	why := sprintf("%s %s", [field, lib.str(c[field])])
} | {why |
	some marker in ["ready.py", "--container-name", "--job-name"]
	contains(lib.command_text(c), marker)
	why := sprintf("runs %s", [marker])
}

_network_tools(c) := {sprintf("calls %s", [m[1]]) |
	some m in regex.find_all_string_submatch_n(`(?:^|[^\w.-])(curl|wget|nc)(?:[^\w.-]|$)`, lib.command_text(c), -1)
}

_service_urls(r, x) := {sprintf("env %s=%s", [e.name, e.value]) |
	some e in lib.env_vars(r)
	e.init
	e.container == x.name
	regex.match(`(?i)(\b(https?|grpcs?|tcp|wss?|jdbc:[a-z0-9]+|mysql|postgres(ql)?|mongodb(\+srv)?|redis|amqps?|kafka)://|\.svc(\.cluster\.local)?\b)`, e.value)
}
