package meshready.rules.port_conflict_test

import data.meshready.rules.port_conflict as rule
import data.meshready.test.fixtures

app := object.union(fixtures.container("sdc"), {"ports": [{"name": "api", "containerPort": 8080}]})

sdc := fixtures.deployment("sdc", fixtures.pod("sdc", {}, app))

svc(name, ports) := object.union(fixtures.service(name, ports), {"spec": {"selector": {"app": "sdc"}}})

test_same_port_different_protocols_fires if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": 8080}])
	b := svc("sdc-be-tcp", [{"name": "tcp-api", "port": 8080, "targetPort": "api"}])
	fs := rule.findings with input as fixtures.injected_input([a, b, sdc])
	{[f.resource, f.field, f.value] | some f in fs} == {[0, "spec.ports[0]", "http-api"], [1, "spec.ports[0]", "tcp-api"]}
	some f in fs
	f.resource == 0
	contains(f.message, "container port 8080 of Deployment 'sdc' as HTTP")
	contains(f.message, "Service 'sdc-be-tcp' port 'tcp-api' (TCP)")
}

test_same_protocol_passes if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": 8080}])
	b := svc("sdc-be-2", [{"name": "http", "port": 8080, "targetPort": "api"}])
	count(rule.findings) == 0 with input as fixtures.input_of([a, b, sdc])
}

test_different_container_ports_pass if {
	a := svc("sdc-be", [{"name": "http-api", "port": 8080}])
	b := svc("sdc-be-tcp", [{"name": "tcp-api", "port": 9090}])
	count(rule.findings) == 0 with input as fixtures.input_of([a, b, sdc])
}

test_unselected_workload_passes if {
	a := svc("sdc-be", [{"name": "http-api", "port": 8080}])
	b := object.union(fixtures.service("other", [{"name": "tcp-api", "port": 8080}]), {"spec": {"selector": {"app": "other"}}})
	count(rule.findings) == 0 with input as fixtures.input_of([a, b, sdc])
}

test_missing_named_target_port_fires if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": "http"}])
	fs := rule.findings with input as fixtures.input_of([a, sdc])
	count(fs) == 1
	some f in fs
	f.field == "spec.ports[0].targetPort"
	f.value == "http"
	contains(f.message, "none of Deployment 'sdc' declares")
}

test_declared_named_target_port_passes if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": "api"}])
	count(rule.findings) == 0 with input as fixtures.input_of([a, sdc])
}

test_named_target_without_rendered_workload_passes if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": "http"}])
	count(rule.findings) == 0 with input as fixtures.input_of([a])
}

# Without a sidecar no inbound listener applies a protocol: no conflict.
test_not_injected_workload_passes if {
	a := svc("sdc-be", [{"name": "http-api", "port": 80, "targetPort": 8080}])
	b := svc("sdc-be-tcp", [{"name": "tcp-api", "port": 8080, "targetPort": "api"}])
	count([f | some f in rule.findings; f.field == "spec.ports[0]"]) == 0 with input as fixtures.input_of([a, b, sdc])
}
