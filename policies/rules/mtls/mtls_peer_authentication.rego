# METADATA
# title: PeerAuthentication keeps mTLS strict
# description: >-
#   A PeerAuthentication with mode PERMISSIVE accepts plain text next to mTLS, DISABLE turns
#   mTLS off; mesh-wide, for a namespace, for a workload or for single ports (portLevelMtls).
#   Either leaves the workloads reachable without a verified identity.
# custom:
#   id: mtls-peer-authentication
#   severity: warning
#   family: mtls
#   remediation: >-
#     Set mtls.mode STRICT (or leave it UNSET to inherit a STRICT mesh or namespace policy) once
#     every client has a sidecar; keep PERMISSIVE only for the migration window.
package meshready.rules.mtls_peer_authentication

import data.meshready.lib

findings contains f if {
	some i, pa in lib.peer_authentications
	mode := lib.peer_auth_mode(pa)
	mode in lib.relaxed_modes
	f := {
		"resource": i,
		"field": "spec.mtls.mode",
		"value": mode,
		"message": sprintf("%s sets mTLS %s %s", [lib.describe(pa), mode, _scope(pa)]),
	}
}

findings contains f if {
	some i, pa in lib.peer_authentications
	some port, setting in lib.as_object(object.get(pa, ["spec", "portLevelMtls"], {}))
	mode := upper(lib.str(object.get(lib.as_object(setting), "mode", "")))
	mode in lib.relaxed_modes
	f := {
		"resource": i,
		"field": sprintf("spec.portLevelMtls[%q].mode", [lib.str(port)]),
		"value": mode,
		"message": sprintf("%s sets mTLS %s on port %s %s", [lib.describe(pa), mode, lib.str(port), _scope(pa)]),
	}
}

_scope(pa) := "mesh-wide" if {
	lib.peer_auth_scope(pa) == "mesh-wide"
} else := sprintf("for namespace '%s'", [lib.namespace_of(pa)]) if {
	lib.peer_auth_scope(pa) == "namespace-wide"
} else := sprintf("for workloads labelled %s in namespace '%s'", [_labels(lib.peer_auth_selector(pa)), lib.namespace_of(pa)])

_labels(selector) := concat(",", sort([sprintf("%s=%s", [k, lib.str(v)]) | some k, v in selector]))
