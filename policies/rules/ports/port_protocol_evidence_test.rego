package meshready.rules.port_protocol_evidence_test

import data.meshready.rules.port_protocol_evidence as rule
import data.meshready.test.fixtures

api := object.union(fixtures.container("policy-api"), {"ports": [{"name": "http-api", "containerPort": 6969}]})

api_deployment := fixtures.deployment("policy-api", fixtures.pod("policy-api", {}, api))

client(url) := fixtures.configmap("pap-config", {"config.yaml": sprintf("api:\n  url: %s\n", [url])})

test_http_port_called_with_https_fires if {
	svc := fixtures.service("policy-api", [{"name": "http-api", "port": 6969}])
	fs := rule.findings with input as fixtures.input_of([svc, api_deployment, client("https://policy-api:6969/policy/api/v1")])
	count(fs) == 1
	some f in fs
	f.field == "spec.ports[0].name"
	f.value == "http-api"
	contains(f.message, "declares HTTP, but the evidence says HTTPS")
	contains(f.message, "`https://policy-api:6969`")
	contains(f.message, "ConfigMap")
}

test_https_port_called_with_https_passes if {
	svc := fixtures.service("policy-api", [{"name": "https-api", "port": 6969}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, api_deployment, client("https://policy-api:6969/x")])
}

test_clients_that_disagree_give_no_verdict if {
	svc := fixtures.service("policy-api", [{"name": "http-api", "port": 6969}])
	both := fixtures.configmap("other", {"a.yaml": "u: http://policy-api.onap:6969/x\n"})
	count(rule.findings) == 0 with input as fixtures.input_of([svc, api_deployment, client("https://policy-api:6969/x"), both])
}

test_other_port_or_service_is_no_evidence if {
	svc := fixtures.service("policy-api", [{"name": "http-api", "port": 6969}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, api_deployment, client("https://policy-api:8443/x")])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, api_deployment, client("https://policy-apix:6969/x")])
}

test_tcp_contradicts_nothing if {
	svc := fixtures.service("policy-api", [{"name": "tcp-api", "port": 6969}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, api_deployment, client("https://policy-api:6969/x")])
}

test_server_configuration_with_tls_fires if {
	svc := fixtures.service("policy-api", [{"name": "http-api", "port": 6969}])
	cfg := fixtures.configmap("policy-api-config", {"config.json": "{\"restServerParameters\": {\"port\": 6969, \"https\": true}}"})
	pod := fixtures.pod("policy-api", {}, api)
	mounted := fixtures.deployment("policy-api", object.union(pod, {"spec": {"volumes": [{"name": "c", "configMap": {"name": "policy-api-config"}}]}}))
	fs := rule.findings with input as fixtures.input_of([svc, mounted, cfg])
	count(fs) == 1
	some f in fs
	contains(f.message, "restServerParameters")
}
