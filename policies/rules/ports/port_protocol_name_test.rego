package meshready.rules.port_protocol_name_test

import data.meshready.rules.port_protocol_name as rule
import data.meshready.test.fixtures

findings_for(ports) := fs if {
	fs := rule.findings with input as fixtures.input_of([fixtures.service("aai", ports)])
}

test_protocol_names_pass if {
	ports := [{"name": n, "port": 8000 + i} | some i, n in [
		"http", "http-api", "HTTP2-x", "https", "grpc", "grpc-web", "grpc-web-ui", "tcp-db",
		"tls", "udp", "mongo", "mysql-0", "redis", "http_proxy",
	]]
	count(findings_for(ports)) == 0
}

test_unprotocoled_name_fires if {
	fs := findings_for([{"name": "http", "port": 80}, {"name": "api", "port": 8080}])
	count(fs) == 1
	some f in fs
	f.resource == 0
	f.field == "spec.ports[1].name"
	f.value == "api"
	contains(f.message, "Service 'aai' port 'api' (8080) does not name its protocol")
}

test_unnamed_port_fires if {
	fs := findings_for([{"port": 8080, "targetPort": 8080}])
	{[f.field, f.value] | some f in fs} == {["spec.ports[0].name", ""]}
	some f in fs
	contains(f.message, "without a name")
}

test_prefix_must_end_at_dash if {
	fs := findings_for([{"name": "httpapi", "port": 8080}, {"name": "api-http", "port": 8081}])
	{f.value | some f in fs} == {"httpapi", "api-http"}
}

test_app_protocol_wins if {
	count(findings_for([{"name": "api", "port": 8080, "appProtocol": "http"}])) == 0
	count(findings_for([{"name": "api", "port": 8080, "appProtocol": "kubernetes.io/h2c"}])) == 0
	fs := findings_for([{"name": "http-api", "port": 8080, "appProtocol": "kafka"}])
	{[f.field, f.value] | some f in fs} == {["spec.ports[0].appProtocol", "kafka"]}
}

test_udp_is_exempt if {
	count(findings_for([{"name": "dns", "port": 5353, "protocol": "UDP"}, {"port": 514, "protocol": "UDP"}])) == 0
}

test_well_known_tcp_ports_are_exempt if {
	count(findings_for([{"port": 3306}, {"name": "db", "port": 27017}, {"name": "smtp", "port": 25}, {"port": 53}])) == 0
}

test_other_database_ports_still_fire if {
	fs := findings_for([{"name": "postgres", "port": 5432}])
	{f.value | some f in fs} == {"postgres"}
}

test_only_services_are_checked if {
	c := object.union(fixtures.container("app"), {"ports": [{"name": "api", "containerPort": 8080}]})
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.deployment("app", fixtures.pod("app", {}, c))])
}

# A waypoint or gateway Istio manages serves HBONE by appProtocol: not the application's port.
test_istio_managed_service_passes if {
	waypoint := {
		"apiVersion": "v1", "kind": "Service",
		"metadata": {"name": "waypoint", "labels": {"gateway.istio.io/managed": "istio.io-mesh-controller"}},
		"spec": {"selector": {"gateway.networking.k8s.io/gateway-name": "waypoint"}, "ports": [{"name": "mesh", "port": 15008, "appProtocol": "hbone"}]},
	}
	count(rule.findings) == 0 with input as fixtures.input_of([waypoint])
}

# Since Istio 1.21 an ExternalName Service is a DNS alias: its ports select no protocol.
test_external_name_ports_pass_from_1_21 if {
	ext := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"type": "ExternalName", "externalName": "db.example.com", "ports": [{"port": 5432}]}}
	count(rule.findings) == 0 with input as fixtures.input_of([ext])
	count(rule.findings) == 1 with input as {"resources": [ext], "settings": object.union(fixtures.settings, {"istioVersion": "1.20"})}
}
