# PeerAuthentication scope and hosts, for deciding where mTLS is STRICT.
package meshready.lib

# Istio's mesh root namespace: a PeerAuthentication without a selector there is mesh-wide.
root_namespace := "istio-system"

# mTLS modes that accept plain text.
relaxed_modes := {"DISABLE", "PERMISSIVE"}

cluster_domain := "cluster.local"

peer_auth_selector(pa) := as_object(object.get(pa, ["spec", "selector", "matchLabels"], {}))

peer_auth_scope(pa) := "mesh-wide" if {
	count(peer_auth_selector(pa)) == 0
	namespace_of(pa) == root_namespace
} else := "namespace-wide" if {
	count(peer_auth_selector(pa)) == 0
} else := "workload"

peer_auth_mode(pa) := upper(str(object.get(pa, ["spec", "mtls", "mode"], "")))

# peer_auth_relaxes: the PeerAuthentication lets plain text in, on all or some ports.
peer_auth_relaxes(pa) if peer_auth_mode(pa) in relaxed_modes

peer_auth_relaxes(pa) if {
	some setting in as_object(object.get(pa, ["spec", "portLevelMtls"], {}))
	upper(str(object.get(as_object(setting), "mode", ""))) in relaxed_modes
}

# mtls_relaxed_for_service: some rendered PeerAuthentication relaxes mTLS for the Service's
# pods (mesh-wide, in its namespace, or selecting a workload behind it); otherwise meshready
# assumes STRICT.
mtls_relaxed_for_service(si, svc) if {
	some pa in peer_authentications
	peer_auth_relaxes(pa)
	_peer_auth_covers(pa, si, svc)
}

_peer_auth_covers(pa, _, _) if peer_auth_scope(pa) == "mesh-wide"

_peer_auth_covers(pa, _, svc) if {
	peer_auth_scope(pa) == "namespace-wide"
	namespace_of(pa) == namespace_of(svc)
}

_peer_auth_covers(pa, si, svc) if {
	peer_auth_scope(pa) == "workload"
	namespace_of(pa) == namespace_of(svc)
	some pair in service_workloads
	pair[0] == si
	meshready.selector_matches(object.get(pa, ["spec", "selector"], {}), template_labels(workloads[pair[1]]))
}

_peer_auth_covers(pa, _, svc) if {
	peer_auth_scope(pa) == "workload"
	namespace_of(pa) == namespace_of(svc)
	meshready.selector_matches(object.get(pa, ["spec", "selector"], {}), as_object(object.get(svc, ["spec", "selector"], {})))
}

# host_services[i] are the Services DestinationRule i applies to, as Istio picks the rule per
# client namespace and matches hosts (internal/mesh EffectiveDestinationRules, HostsMatch).
host_services[i] := object.get(model.hostServices, i, set()) if {
	some i, _ in destination_rules
}

# host_matches_service: a host written in namespace ns reaches Service svc (meshready.host_matches).
host_matches_service(host, ns, svc) if meshready.host_matches(host, ns, name_of(svc), namespace_of(svc))
