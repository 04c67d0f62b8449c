package meshready.rules.trace_propagation_test

import data.meshready.rules.trace_propagation as rule
import data.meshready.test.fixtures

app(env) := object.union(fixtures.container("aai"), {"env": env})

served(kind, annotations, container) := [
	fixtures.service("aai", [{"name": "http-api", "port": 8443}]),
	fixtures.workload(kind, "aai", fixtures.pod("aai", annotations, container)),
]

run(resources, format) := fs if {
	fs := rule.findings with input as {"resources": resources, "settings": {"namespace": "onap", "traceFormat": format}}
}

test_http_service_without_propagation_fires if {
	fs := run(served("Deployment", {}, fixtures.container("aai")), "b3")
	count(fs) == 1
	some f in fs
	f.resource == 1
	f.field == "spec.template.spec.containers"
	f.value == ""
	contains(f.message, "Service 'aai' port 'http-api' (HTTP)")
}

test_pod_kind_path if {
	fs := run(served("Pod", {}, fixtures.container("aai")), "b3")
	{f.field | some f in fs} == {"spec.containers"}
}

test_http_container_port_counts_as_serving if {
	c := object.union(fixtures.container("aai"), {"ports": [{"name": "grpc-api", "containerPort": 9090}]})
	fs := run([fixtures.deployment("aai", fixtures.pod("aai", {}, c))], "w3c")
	some f in fs
	contains(f.message, "container port 'grpc-api' (9090)")
}

# fix and fn rename a container port with its Service port: https-web is TLS, not served HTTP
# (the jakarta tree bar: sdnc-web's 8443 named https-sdnc-web by the *443 convention).
test_https_container_port_is_not_served_http if {
	c := object.union(fixtures.container("web"), {"ports": [{"name": "https-web", "containerPort": 8443}]})
	count(run([fixtures.deployment("web", fixtures.pod("web", {}, c))], "b3")) == 0
}

test_tcp_only_workload_passes if {
	resources := [
		fixtures.service("db", [{"name": "tcp-db", "port": 5432}]),
		fixtures.deployment("db", fixtures.pod("db", {}, fixtures.container("db"))),
	]
	count(run(resources, "b3")) == 0
}

test_jobs_are_exempt if {
	count(run(served("Job", {}, fixtures.container("aai")), "b3")) == 0
	count(run(served("CronJob", {}, fixtures.container("aai")), "b3")) == 0
}

test_otel_matching_format_passes if {
	count(run(served("Deployment", {}, app([{"name": "OTEL_PROPAGATORS", "value": "b3multi,baggage"}])), "b3")) == 0
	count(run(served("StatefulSet", {}, app([{"name": "OTEL_PROPAGATORS", "value": "tracecontext,baggage"}])), "w3c")) == 0
}

test_otel_format_mismatch_fires if {
	fs := run(served("Deployment", {}, app([{"name": "OTEL_PROPAGATORS", "value": "tracecontext,baggage"}])), "b3")
	count(fs) == 1
	some f in fs
	f.resource == 1
	f.field == "spec.template.spec.containers[0].env[0]"
	f.value == "tracecontext,baggage"
	contains(f.message, "OTEL_PROPAGATORS=tracecontext,baggage")
	contains(f.message, "b3")
}

test_otel_sdk_disabled_does_not_count if {
	env := [{"name": "OTEL_PROPAGATORS", "value": "b3"}, {"name": "OTEL_SDK_DISABLED", "value": "true"}]
	fs := run(served("Deployment", {}, app(env)), "b3")
	some f in fs
	contains(f.message, "declares no trace header propagation")
}

test_spring_boot_env_passes if {
	count(run(served("Deployment", {}, app([{"name": "MANAGEMENT_TRACING_PROPAGATION_TYPE", "value": "W3C"}])), "w3c")) == 0
	count(run(served("Deployment", {}, app([{"name": "MANAGEMENT_TRACING_PROPAGATION_PRODUCE", "value": "B3_MULTI"}])), "b3")) == 0
}

test_sleuth_and_jaeger_env if {
	count(run(served("Deployment", {}, app([{"name": "SPRING_SLEUTH_PROPAGATION_TYPE", "value": "B3"}])), "b3")) == 0
	count(run(served("Deployment", {}, app([{"name": "JAEGER_PROPAGATION", "value": "w3c"}])), "w3c")) == 0
	fs := run(served("Deployment", {}, app([{"name": "JAEGER_PROPAGATION", "value": "jaeger"}])), "b3")
	{f.value | some f in fs} == {"jaeger"}
}

test_mounted_properties_configmap if {
	c := object.union(fixtures.container("aai"), {"volumeMounts": [{"name": "cfg", "mountPath": "/app/config"}]})
	p := object.union(fixtures.pod("aai", {}, c), {"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "aai-cfg"}}]}})
	w := fixtures.deployment("aai", p)
	svc := fixtures.service("aai", [{"name": "http-api", "port": 8443}])
	count(run([svc, w, props_cm("server.port=8443\nmanagement.tracing.propagation.type=b3\n")], "b3")) == 0
	fs := run([svc, w, props_cm("management.tracing.propagation.type=w3c\n")], "b3")
	{[f.resource, f.field, f.value] | some f in fs} == {[2, `data["application.properties"]`, "w3c"]}
}

test_mounted_yaml_configmap if {
	yml := "management:\n  tracing:\n    propagation:\n      type: b3\n"
	p := object.union(fixtures.pod("aai", {}, fixtures.container("aai")), {"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "aai-cfg"}}]}})
	resources := [
		fixtures.service("aai", [{"name": "http-api", "port": 8443}]),
		fixtures.deployment("aai", p),
		fixtures.configmap("aai-cfg", {"application.yml": yml}),
	]
	count(run(resources, "b3")) == 0
	fs := run(resources, "w3c")
	{f.value | some f in fs} == {"b3"}
}

test_env_from_configmap if {
	c := object.union(fixtures.container("aai"), {"envFrom": [{"configMapRef": {"name": "aai-env"}}]})
	resources := array.concat(served("Deployment", {}, c), [fixtures.configmap("aai-env", {"OTEL_PROPAGATORS": "b3"})])
	count(run(resources, "b3")) == 0
}

test_unmounted_configmap_does_not_count if {
	resources := array.concat(served("Deployment", {}, fixtures.container("aai")), [fixtures.configmap("other", {"application.properties": "management.tracing.propagation.type=b3"})])
	count(run(resources, "b3")) == 1
}

test_manual_annotation_passes if {
	count(run(served("Deployment", {"meshready.io/trace-propagation": "copies x-b3-* in the HTTP client"}, fixtures.container("aai")), "b3")) == 0
	count(run(served("Deployment", {"meshready.io/trace-propagation": ""}, fixtures.container("aai")), "b3")) == 1
}

props_cm(text) := fixtures.configmap("aai-cfg", {"application.properties": text})

test_http_name_on_binary_port_is_not_served_http if {
	c := object.union(fixtures.container("es"), {"ports": [{"name": "http-transport", "containerPort": 9300}]})
	resources := [
		fixtures.service("es", [{"name": "http-transport", "port": 9300}]),
		fixtures.workload("StatefulSet", "es", fixtures.pod("es", {}, c)),
	]
	count(run(resources, "b3")) == 0
}

# A port Istio sniffs: the evidence decides whether it carries HTTP (mesh.SniffedHTTP).
sniffed(port, container) := [
	fixtures.service("so", [port]),
	fixtures.deployment("so", fixtures.pod("so", {}, container)),
	fixtures.deployment("client", fixtures.pod("client", {}, app([{"name": "SO_URL", "value": "http://so:8080/onap/so"}]))),
]

spring := object.union(fixtures.container("so"), {"ports": [{"containerPort": 8080}]})

test_sniffed_port_a_client_calls_with_http_counts_as_serving if {
	fs := run(sniffed({"name": "so-port", "port": 8080}, spring), "b3")
	{f.resource | some f in fs} == {1}
	some f in fs
	contains(f.message, "Service 'so' port 'so-port' (HTTP, which Istio detects: ")
	contains(f.message, "http: `http://so:8080")
}

test_sniffed_unnamed_port_is_labelled_by_index if {
	fs := run(sniffed({"port": 8080}, spring), "b3")
	some f in fs
	contains(f.message, "port 'spec.ports[0]' (HTTP")
}

test_sniffed_port_without_http_evidence_passes if {
	resources := [
		fixtures.service("so", [{"name": "so-port", "port": 8080}]),
		fixtures.deployment("so", fixtures.pod("so", {}, spring)),
	]
	count(run(resources, "b3")) == 0
}

test_sniffed_tls_port_serves_no_clear_http if {
	resources := [
		fixtures.service("so", [{"name": "so-port", "port": 8443}]),
		fixtures.deployment("so", fixtures.pod("so", {}, spring)),
		fixtures.deployment("client", fixtures.pod("client", {}, app([{"name": "SO_URL", "value": "https://so:8443/onap/so"}]))),
	]
	count(run(resources, "b3")) == 0
}

# Naming the port as fix does keeps the same finding: same resource and field.
test_naming_a_sniffed_http_port_adds_no_finding if {
	before := run(sniffed({"name": "so-port", "port": 8080}, spring), "b3")
	after := run(sniffed({"name": "http-so-port", "port": 8080}, spring), "b3")
	{[f.resource, f.field] | some f in before} == {[f.resource, f.field] | some f in after}
	count(after) == 1
}
