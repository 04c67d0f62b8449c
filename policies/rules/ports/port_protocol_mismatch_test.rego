package meshready.rules.port_protocol_mismatch_test

import data.meshready.rules.port_protocol_mismatch as rule
import data.meshready.test.fixtures

es := object.union(fixtures.container("es"), {"ports": [
	{"name": "http", "containerPort": 9200},
	{"name": "transport", "containerPort": 9300},
]})

es_deployment := fixtures.deployment("aai-elasticsearch", fixtures.pod("aai-elasticsearch", {}, es))

test_http_transport_on_9300_fires if {
	svc := fixtures.service("aai-elasticsearch", [
		{"name": "http-api", "port": 9200},
		{"name": "http-transport", "port": 9300},
	])
	fs := rule.findings with input as fixtures.input_of([svc, es_deployment])
	count(fs) == 1
	some f in fs
	f.field == "spec.ports[1].name"
	f.value == "http-transport"
	contains(f.message, "Elasticsearch transport (9300)")
}

test_tcp_transport_passes if {
	svc := fixtures.service("aai-elasticsearch", [{"name": "http-api", "port": 9200}, {"name": "tcp-transport", "port": 9300}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, es_deployment])
}

test_named_target_port_resolves if {
	svc := fixtures.service("aai-elasticsearch", [{"name": "http-cluster", "port": 80, "targetPort": "transport"}])
	fs := rule.findings with input as fixtures.input_of([svc, es_deployment])
	some f in fs
	contains(f.message, "Elasticsearch transport (9300)")
}

test_numeric_target_port if {
	svc := fixtures.service("db", [{"name": "grpc-db", "port": 80, "targetPort": 5432}])
	fs := rule.findings with input as fixtures.input_of([svc])
	some f in fs
	contains(f.message, "PostgreSQL (5432)")
	contains(f.message, "declares GRPC")
}

test_app_protocol_decides if {
	svc := fixtures.service("mariadb", [{"name": "tcp-db", "port": 3306, "appProtocol": "http"}])
	fs := rule.findings with input as fixtures.input_of([svc])
	{[f.field, f.value] | some f in fs} == {["spec.ports[0].appProtocol", "http"]}
	svc2 := fixtures.service("mariadb", [{"name": "http-db", "port": 3306, "appProtocol": "mysql"}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc2])
}

test_https_on_binary_port_fires if {
	every p in [6379, 9042, 7000, 2181, 2888, 3888, 9092, 5672, 27017] {
		count(rule.findings) == 1 with input as fixtures.input_of([fixtures.service("x", [{"name": "https", "port": p}])])
	}
}

test_http_on_ordinary_port_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.service("x", [{"name": "http", "port": 8080}])])
}

# An HTTP server that happens to listen on Kafka's well-known port (ONAP's
# so-etsi-sol003-adapter serves REST on 9092): its httpGet probe shows HTTP,
# so the model (mesh.Mismatch) and the rule do not call it Kafka.
test_http_probe_on_binary_port_passes if {
	adapter := object.union(fixtures.container("adapter"), {
		"ports": [{"name": "http", "containerPort": 9092}],
		"readinessProbe": {"httpGet": {"path": "/manage/health", "port": 9092}},
	})
	d := fixtures.deployment("adapter", fixtures.pod("adapter", {}, adapter))
	svc := fixtures.service("adapter", [{"name": "http", "port": 9092}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, d])
	count(rule.findings) == 1 with input as fixtures.input_of([svc])
}
