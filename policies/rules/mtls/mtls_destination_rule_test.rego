package meshready.rules.mtls_destination_rule_test

import data.meshready.rules.mtls_destination_rule as rule
import data.meshready.test.fixtures

svc := fixtures.service("aai", [{"name": "https", "port": 8443}])

aai := fixtures.deployment("aai", fixtures.pod("aai", {}, fixtures.container("aai")))

dr(host, spec) := {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "aai"}, "spec": object.union({"host": host}, spec)}

tls(mode) := {"trafficPolicy": {"tls": {"mode": mode}}}

test_disable_to_in_mesh_service_fires if {
	fs := rule.findings with input as fixtures.input_of([svc, aai, dr("aai", tls("DISABLE"))])
	count(fs) == 1
	some f in fs
	f.resource == 2
	f.field == "spec.trafficPolicy.tls.mode"
	f.value == "DISABLE"
	contains(f.message, "Service 'aai'")
}

# Hosts as Istio resolves them (ResolveShortnameToFQDN, host.Name.Matches): a short name in the
# rule's namespace, the FQDN, and wildcards reach the Service.
test_simple_with_every_host_form_fires if {
	every host in ["aai", "aai.onap.svc.cluster.local", "*.onap.svc.cluster.local", "*.svc.cluster.local", "*.local", "*"] {
		count(rule.findings) == 1 with input as fixtures.input_of([svc, dr(host, tls("SIMPLE"))])
	}
}

# A host with a dot is taken as written: "aai.onap" is not expanded and reaches no Service.
test_partial_names_reach_nothing if {
	every host in ["aai.onap", "aai.onap.svc", "*.other.svc.cluster.local"] {
		count(rule.findings) == 0 with input as fixtures.input_of([svc, dr(host, tls("SIMPLE"))])
	}
}

test_istio_mutual_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([svc, dr("aai", tls("ISTIO_MUTUAL"))])
}

test_external_host_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([svc, dr("db.example.com", tls("SIMPLE"))])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, dr("sdc", tls("DISABLE"))])
}

test_port_level_and_subset_settings if {
	spec := {
		"trafficPolicy": {"portLevelSettings": [{"port": {"number": 8443}, "tls": {"mode": "SIMPLE"}}]},
		"subsets": [{"name": "v1", "trafficPolicy": {"tls": {"mode": "DISABLE"}}}],
	}
	fs := rule.findings with input as fixtures.input_of([svc, dr("aai", spec)])
	{f.field | some f in fs} == {"spec.trafficPolicy.portLevelSettings[0].tls.mode", "spec.subsets[0].trafficPolicy.tls.mode"}
}

test_permissive_peer_authentication_relaxes if {
	pa := {"kind": "PeerAuthentication", "metadata": {"name": "default"}, "spec": {"mtls": {"mode": "PERMISSIVE"}}}
	count(rule.findings) == 0 with input as fixtures.input_of([svc, aai, pa, dr("aai", tls("DISABLE"))])
}

test_permissive_elsewhere_does_not_relax if {
	pa := {"kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": "other"}, "spec": {"mtls": {"mode": "PERMISSIVE"}}}
	count(rule.findings) == 1 with input as fixtures.input_of([svc, aai, pa, dr("aai", tls("DISABLE"))])
}

# The DestinationRule that applies is chosen per client namespace (internal/mesh
# EffectiveDestinationRules): a rule in a third namespace never reaches onap's clients, and an
# exact-host rule in onap shadows a mesh-wide "*.local" in istio-system.
test_effective_destination_rule if {
	other := object.union(dr("*.local", tls("DISABLE")), {"metadata": {"name": "a", "namespace": "other"}})
	count(rule.findings) == 0 with input as fixtures.input_of([svc, aai, other])
	root := object.union(dr("*.local", tls("DISABLE")), {"metadata": {"name": "c", "namespace": "istio-system"}})
	count(rule.findings) == 1 with input as fixtures.input_of([svc, aai, root])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, aai, root, dr("aai", tls("ISTIO_MUTUAL"))])
}
