# METADATA
# title: No ports are taken out of the sidecar's capture
# description: >-
#   traffic.sidecar.istio.io annotations on the pod template tell istio-init to leave ports or
#   address ranges alone: excluded inbound ports accept plain text, excluded outbound traffic
#   leaves unencrypted, and includeInboundPorts other than "*" leaves every other port uncaptured.
# custom:
#   id: mtls-port-exclusion
#   severity: warning
#   family: mtls
#   remediation: >-
#     Remove the exclusion once the port works through the sidecar (name its protocol, use a
#     native sidecar for startup traffic); keep it only where plain text is intended and documented.
package meshready.rules.mtls_port_exclusion

import data.meshready.lib

# annotation suffix -> what it does to the listed value.
exclusions := {
	"excludeInboundPorts": "excludes inbound ports %s from the sidecar: they accept plain text",
	"excludeOutboundPorts": "sends traffic to ports %s around the sidecar, unencrypted",
	"excludeOutboundIPRanges": "sends traffic to %s around the sidecar, unencrypted",
	"includeInboundPorts": "captures only inbound ports %s: every other port bypasses mTLS",
	"includeOutboundIPRanges": "captures only outbound traffic to %s: the rest leaves unencrypted",
}

findings contains f if {
	some i, pod in lib.pods
	annotations := pod.annotations
	some key, suffix in _annotation_suffixes
	raw := lib.str(annotations[key])
	value := trim_space(raw)
	what := exclusions[suffix]
	_takes_out(suffix, value)

	# A value Istio's injector rejects is sidecar-injection's error, not an exclusion.
	not _rejected(pod, key)
	not _only_proxy_ports(suffix, raw)
	f := {
		"resource": i,
		"field": lib.metadata_path(pod.prefix, "annotations", key),
		"value": value,
		"message": sprintf("%s %s", [lib.describe(pod.resource), sprintf(what, [_list(value)])]),
	}
}

# _annotation_suffixes maps each annotation key to its suffix in exclusions.
_annotation_suffixes[key] := suffix if {
	some suffix, _ in exclusions
	key := concat("", ["traffic.sidecar.istio.io/", suffix])
}

# An empty exclusion excludes nothing; an include list other than "*" (even an empty one,
# which captures nothing) leaves ports out.
_takes_out(suffix, value) if {
	startswith(suffix, "exclude")
	value != ""
}

_takes_out(suffix, value) if {
	startswith(suffix, "include")
	value != "*"
}

_list("") := "(none)"

_list(value) := concat(", ", [trim_space(v) | some v in split(value, ",")]) if value != ""

_rejected(pod, key) if {
	some x in pod.rejected
	x.key == key
}

# Istio's own ports (15020 written by the injector under CNI, ...) take no application port out.
_only_proxy_ports(suffix, value) if {
	suffix in {"excludeInboundPorts", "excludeOutboundPorts"}
	ports := meshready.port_list(value)
	ports != null
	count(ports) > 0
	every n in ports {
		meshready.proxy_port(n) != ""
	}
}
