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
	_labels_match(peer_auth_selector(pa), template_labels(workloads[pair[1]]))
}

_peer_auth_covers(pa, _, svc) if {
	peer_auth_scope(pa) == "workload"
	namespace_of(pa) == namespace_of(svc)
	_labels_match(peer_auth_selector(pa), as_object(object.get(svc, ["spec", "selector"], {})))
}

_labels_match(selector, labels) if {
	every k, v in selector {
		k in object.keys(labels)
		str(labels[k]) == str(v)
	}
}

service_fqdn(svc) := sprintf("%s.%s.svc.%s", [name_of(svc), namespace_of(svc), cluster_domain])

# host_fqdn expands a DestinationRule host written in namespace ns: "name", "name.ns",
# "name.ns.svc" and the full name all mean the same Service; "*" stays a wildcard.
host_fqdn(host, ns) := host if {
	startswith(host, "*")
	not contains(host, ".")
} else := sprintf("%s.%s.svc.%s", [host, ns, cluster_domain]) if {
	not contains(host, ".")
} else := sprintf("%s.svc.%s", [host, cluster_domain]) if {
	count(split(host, ".")) == 2
} else := sprintf("%s.%s", [host, cluster_domain]) if {
	endswith(host, ".svc")
} else := host

host_matches_service(host, ns, svc) if host_fqdn(lower(host), ns) == service_fqdn(svc)

host_matches_service(host, ns, svc) if {
	fqdn := host_fqdn(lower(host), ns)
	startswith(fqdn, "*")
	endswith(service_fqdn(svc), trim_prefix(fqdn, "*"))
}
