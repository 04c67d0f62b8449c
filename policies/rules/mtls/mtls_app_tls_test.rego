package meshready.rules.mtls_app_tls_test

import data.meshready.rules.mtls_app_tls as rule
import data.meshready.test.fixtures

aai(container) := fixtures.deployment("aai", fixtures.pod("aai", {}, container))

test_https_service_port_fires if {
	svc := fixtures.service("aai", [{"name": "https-api", "port": 8443}, {"name": "http", "port": 8080}])
	fs := rule.findings with input as fixtures.injected_input([svc, aai(fixtures.container("aai"))])
	count(fs) == 1
	some f in fs
	f.resource == 0
	f.field == "spec.ports[0].name"
	f.value == "https-api"
	contains(f.message, "port 'https-api' (8443) serves HTTPS")
}

test_tls_app_protocol_fires if {
	svc := fixtures.service("aai", [{"name": "api", "port": 8443, "appProtocol": "tls"}])
	fs := rule.findings with input as fixtures.injected_input([svc, aai(fixtures.container("aai"))])
	{[f.field, f.value] | some f in fs} == {["spec.ports[0].appProtocol", "tls"]}
}

test_not_injected_passes if {
	svc := fixtures.service("aai", [{"name": "https-api", "port": 8443}])
	count(rule.findings) == 0 with input as fixtures.input_of([svc, aai(fixtures.container("aai"))])
}

test_tls_env_fires if {
	c := object.union(fixtures.container("aai"), {"env": [{"name": "SERVER_TLS_ENABLED", "value": "TRUE"}, {"name": "TLS_VERIFY", "value": "true"}]})
	fs := rule.findings with input as fixtures.injected_input([aai(c)])
	{[f.field, f.value] | some f in fs} == {["spec.template.spec.containers[0].env[0]", "TRUE"]}
}

test_https_probe_fires if {
	c := object.union(fixtures.container("aai"), {"readinessProbe": {"httpGet": {"path": "/health", "port": 8443, "scheme": "HTTPS"}}})
	fs := rule.findings with input as fixtures.injected_input([aai(c)])
	{f.field | some f in fs} == {"spec.template.spec.containers[0].readinessProbe.httpGet.scheme"}
}

test_plain_http_passes if {
	c := object.union(fixtures.container("aai"), {
		"env": [{"name": "TLS_ENABLED", "value": "false"}],
		"readinessProbe": {"httpGet": {"path": "/health", "port": 8080}},
	})
	svc := fixtures.service("aai", [{"name": "http-api", "port": 8080}])
	count(rule.findings) == 0 with input as fixtures.injected_input([svc, aai(c)])
}

test_one_finding_per_port_for_several_workloads if {
	svc := object.union(fixtures.service("aai", [{"name": "https-api", "port": 8443}]), {"spec": {"selector": {"tier": "api"}}})
	fs := rule.findings with input as fixtures.injected_input([svc, tier_api("aai-a"), tier_api("aai-b")])
	count(fs) == 1
	some f in fs
	contains(f.message, "Deployment 'aai-a', Deployment 'aai-b'")
}

tier_api(name) := object.union(aai(fixtures.container(name)), {"metadata": {"name": name}, "spec": {"template": {"metadata": {"labels": {"tier": "api"}}}}})
