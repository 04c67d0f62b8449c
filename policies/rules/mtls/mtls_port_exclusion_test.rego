package meshready.rules.mtls_port_exclusion_test

import data.meshready.rules.mtls_port_exclusion as rule
import data.meshready.test.fixtures

annotated(annotations) := fixtures.deployment("aai", fixtures.pod("aai", annotations, fixtures.container("aai")))

test_exclude_inbound_ports_fires if {
	fs := rule.findings with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": "8443,9000"})])
	count(fs) == 1
	some f in fs
	f.field == `spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]`
	f.value == "8443,9000"
	contains(f.message, "excludes inbound ports 8443, 9000")
}

test_outbound_exclusions_fire if {
	ann := {
		"traffic.sidecar.istio.io/excludeOutboundPorts": "5432",
		"traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/8",
	}
	fs := rule.findings with input as fixtures.input_of([annotated(ann)])
	{f.value | some f in fs} == {"5432", "10.0.0.0/8"}
}

test_include_inbound_ports if {
	count(rule.findings) == 0 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/includeInboundPorts": "*"})])
	fs := rule.findings with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/includeInboundPorts": "8080"})])
	some f in fs
	contains(f.message, "captures only inbound ports 8080")
	count(rule.findings) == 1 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/includeInboundPorts": ""})])
}

test_empty_exclusion_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": ""})])
}

test_no_annotations_pass if {
	count(rule.findings) == 0 with input as fixtures.input_of([annotated({"sidecar.istio.io/inject": "true"})])
}

test_workload_metadata_is_not_the_pod if {
	w := object.union(annotated({}), {"metadata": {"annotations": {"traffic.sidecar.istio.io/excludeInboundPorts": "8443"}}})
	count(rule.findings) == 0 with input as fixtures.input_of([w])
}

# The injector writes excludeInboundPorts: "15020" (the sidecar's own port) under CNI.
test_proxy_ports_pass if {
	count(rule.findings) == 0 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": "15020"})])
	count(rule.findings) == 0 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": "15020,15021,15090"})])
	count(rule.findings) == 1 with input as fixtures.input_of([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": "15020,8080"})])
}

# Rejected values are reported by sidecar-injection, where the injector refuses the pod.
test_rejected_values_are_left_to_sidecar_injection if {
	count(rule.findings) == 0 with input as fixtures.injected_input([annotated({"traffic.sidecar.istio.io/excludeInboundPorts": "*"})])
}
