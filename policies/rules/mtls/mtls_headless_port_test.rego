package meshready.rules.mtls_headless_port_test

import data.meshready.rules.mtls_headless_port as rule
import data.meshready.test.fixtures

headless(ports) := object.union(fixtures.service("cassandra", ports), {"spec": {"clusterIP": "None"}})

test_unnamed_headless_port_fires if {
	fs := rule.findings with input as fixtures.input_of([headless([{"name": "intra", "port": 7000}, {"name": "tcp-cql", "port": 9042}])])
	count(fs) == 1
	some f in fs
	f.field == "spec.ports[0].name"
	f.value == "intra"
	contains(f.message, "headless Service 'cassandra' port 'intra' (7000)")
}

test_named_or_app_protocol_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([headless([
		{"name": "tcp-intra", "port": 7000},
		{"name": "peer", "port": 7001, "appProtocol": "tcp"},
		{"name": "db", "port": 3306},
		{"name": "gossip", "port": 7946, "protocol": "UDP"},
	])])
}

test_cluster_ip_services_are_not_headless if {
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.service("cassandra", [{"name": "intra", "port": 7000}])])
}
