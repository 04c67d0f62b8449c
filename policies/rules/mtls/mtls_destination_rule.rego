# METADATA
# title: DestinationRules keep Istio mTLS to in-mesh services
# description: >-
#   A DestinationRule whose tls.mode is DISABLE sends plain text, and SIMPLE sends the client's
#   own one-way TLS, to a service whose sidecar requires Istio mTLS: under STRICT (assumed unless
#   a PeerAuthentication in the chart relaxes it) every such connection is reset.
# custom:
#   id: mtls-destination-rule
#   severity: error
#   family: mtls
#   remediation: >-
#     Use tls.mode ISTIO_MUTUAL (or drop the tls block and let auto mTLS choose) for hosts
#     inside the mesh; keep DISABLE/SIMPLE for hosts outside it.
package meshready.rules.mtls_destination_rule

import data.meshready.lib

breaking_modes := {"DISABLE", "SIMPLE"}

findings contains f if {
	some i, dr in lib.destination_rules
	host := lib.str(object.get(dr, ["spec", "host"], ""))
	host != ""
	strict := {lib.describe(svc) |
		some si in lib.host_services[i]
		svc := lib.services[si]
		not lib.mtls_relaxed_for_service(si, svc)
	}
	count(strict) > 0
	some s in _tls_settings(dr)
	s.mode in breaking_modes
	f := {
		"resource": i,
		"field": s.path,
		"value": s.mode,
		"message": sprintf("%s sets tls.mode %s towards %s, which sits in the mesh under STRICT mTLS (%s): connections will fail", [lib.describe(dr), s.mode, host, concat(", ", sort(strict))]),
	}
}

# Every tls.mode of a DestinationRule: the traffic policy, its port-level settings, and the
# same in each subset.
_tls_settings(dr) := {s |
	some p in _policies(dr)
	some s in _policy_tls(p.policy, p.path)
}

_policies(dr) := {{"path": "spec.trafficPolicy", "policy": lib.as_object(object.get(dr, ["spec", "trafficPolicy"], {}))}} | {{"path": sprintf("spec.subsets[%d].trafficPolicy", [k]), "policy": lib.as_object(object.get(lib.as_object(subset), "trafficPolicy", {}))} |
	some k, subset in lib.as_array(object.get(dr, ["spec", "subsets"], []))
}

_policy_tls(policy, path) := {{"path": sprintf("%s.tls.mode", [path]), "mode": upper(lib.str(policy.tls.mode))} |
	policy.tls.mode
} | {{"path": sprintf("%s.portLevelSettings[%d].tls.mode", [path, k]), "mode": upper(lib.str(setting.tls.mode))} |
	some k, setting in lib.as_array(object.get(policy, "portLevelSettings", []))
	setting.tls.mode
}
