package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

# Istio's ConvertProtocol cases: [port, expected protocol].
protocol_cases := [
	[{"name": "http", "port": 80}, "http"],
	[{"name": "HTTP-api", "port": 8080}, "http"],
	[{"name": "http2-api", "port": 8080}, "http2"],
	[{"name": "https-ui", "port": 8443}, "https"],
	[{"name": "grpc", "port": 9090}, "grpc"],
	[{"name": "grpc-web", "port": 9090}, "grpc-web"],
	[{"name": "GRPC-Web-ui", "port": 9090}, "grpc-web"],
	[{"name": "grpc-api", "port": 9090}, "grpc"],
	[{"name": "tcp-db", "port": 5432}, "tcp"],
	[{"name": "tls", "port": 443}, "tls"],
	[{"name": "mongo", "port": 27017}, "mongo"],
	[{"name": "mysql-primary", "port": 3306}, "mysql"],
	[{"name": "redis", "port": 6379}, "redis"],
	[{"name": "udp-dns", "port": 53}, "udp"],
	[{"name": "http_proxy", "port": 3128}, "http_proxy"],
	# no protocol prefix
	[{"name": "api", "port": 8080}, ""],
	[{"name": "httpapi", "port": 8080}, ""],
	[{"port": 8080}, ""],
	[{"name": "", "port": 8080}, ""],
	# server-first well-known ports default to TCP
	[{"port": 3306}, "tcp"],
	[{"name": "db", "port": 27017}, "tcp"],
	[{"name": "smtp", "port": 25}, "tcp"],
	[{"port": 53}, "tcp"],
	[{"name": "api", "port": 5432}, ""],
	# protocol: UDP wins over everything
	[{"name": "http", "port": 80, "protocol": "UDP"}, "udp"],
	[{"name": "dns", "port": 5353, "protocol": "UDP"}, "udp"],
	# appProtocol wins over the name
	[{"name": "api", "port": 8080, "appProtocol": "http"}, "http"],
	[{"name": "http", "port": 8080, "appProtocol": "tcp"}, "tcp"],
	[{"name": "tcp-db", "port": 8080, "appProtocol": "grpc-web"}, "grpc-web"],
	[{"name": "http", "port": 8080, "appProtocol": "kafka"}, ""],
	[{"name": "http", "port": 3306, "appProtocol": "kafka"}, "tcp"],
	[{"name": "api", "port": 8080, "appProtocol": "kubernetes.io/h2c"}, "http2"],
	[{"name": "api", "port": 8080, "appProtocol": "kubernetes.io/ws"}, "http"],
	[{"name": "api", "port": 8443, "appProtocol": "kubernetes.io/wss"}, "https"],
	# appProtocol: null (rendered from an empty value) is unset
	[{"name": "http", "port": 8080, "appProtocol": null}, "http"],
]

test_istio_protocol if {
	every c in protocol_cases {
		lib.istio_protocol(c[0]) == c[1]
	}
}

test_istio_protocol_reports_mismatch if {
	# guard the table test: a wrong expectation must fail
	not lib.istio_protocol({"name": "api", "port": 8080}) == "http"
}

test_protocol_source_prefers_app_protocol if {
	lib.protocol_source({"name": "api", "appProtocol": "http"}) == {"field": "appProtocol", "value": "http"}
	lib.protocol_source({"name": "api"}) == {"field": "name", "value": "api"}
}

test_service_workloads_match_selector_and_namespace if {
	svc := fixtures.service("aai", [{"name": "http", "port": 80}])
	other_ns := object.union(fixtures.deployment("aai", fixtures.pod("aai", {}, fixtures.container("aai"))), {"metadata": {"namespace": "other"}})
	pairs := lib.service_workloads with input as fixtures.input_of([
		svc,
		fixtures.deployment("aai", fixtures.pod("aai", {}, fixtures.container("aai"))),
		fixtures.deployment("sdc", fixtures.pod("sdc", {}, fixtures.container("sdc"))),
		other_ns,
	])
	pairs == {[0, 1]}
}

test_service_without_selector_selects_nothing if {
	svc := json.patch(fixtures.service("ext", [{"port": 80}]), [{"op": "remove", "path": "/spec/selector"}])
	pairs := lib.service_workloads with input as fixtures.input_of([
		svc,
		fixtures.deployment("ext", fixtures.pod("ext", {}, fixtures.container("ext"))),
	])
	count(pairs) == 0
}

test_target_numbers if {
	c := object.union(fixtures.container("app"), {"ports": [{"name": "api", "containerPort": 8080}, {"containerPort": 9000}]})
	w := fixtures.deployment("app", fixtures.pod("app", {}, c))
	lib.target_numbers({"port": 80, "targetPort": "api"}, w) == {8080}
	lib.target_numbers({"port": 80, "targetPort": "missing"}, w) == set()
	lib.target_numbers({"port": 80, "targetPort": 9000}, w) == {9000}
	lib.target_numbers({"port": 80, "targetPort": "9000"}, w) == set() # a name, not port 9000
	lib.target_numbers({"port": 80}, w) == {80}
	lib.target_numbers({"port": 80, "targetPort": ""}, w) == {80}
}
