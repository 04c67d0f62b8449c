package meshready.rules.trace_header_dropped_test

import data.meshready.rules.trace_header_dropped as rule
import data.meshready.test.fixtures

vs(http) := {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "portal"}, "spec": {"hosts": ["portal"], "http": http}}

test_virtual_service_remove_fires if {
	v := vs([{"headers": {"request": {"remove": ["cookie", "X-B3-TraceId"]}}, "route": [{"destination": {"host": "portal"}}]}])
	fs := rule.findings with input as fixtures.input_of([v])
	{[f.field, f.value] | some f in fs} == {["spec.http[0].headers.request.remove[1]", "X-B3-TraceId"]}
}

test_virtual_service_route_set_fires if {
	v := vs([{"route": [{"destination": {"host": "portal"}, "headers": {"request": {"set": {"x-request-id": "fixed", "x-app": "1"}}}}]}])
	fs := rule.findings with input as fixtures.input_of([v])
	{[f.field, f.value] | some f in fs} == {["spec.http[0].route[0].headers.request.set.x-request-id", "fixed"]}
}

test_virtual_service_other_headers_pass if {
	v := vs([{"headers": {"request": {"remove": ["cookie"], "set": {"x-forwarded-proto": "https"}}}}])
	count(rule.findings) == 0 with input as fixtures.input_of([v])
}

test_envoy_filter_lua_remove_fires if {
	ef := {"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter", "metadata": {"name": "strip"}, "spec": {"configPatches": [{
		"applyTo": "HTTP_FILTER",
		"patch": {"operation": "INSERT_BEFORE", "value": {"typed_config": {"inlineCode": "function envoy_on_request(h) h:headers():remove(\"traceparent\") end"}}},
	}]}}
	fs := rule.findings with input as fixtures.input_of([ef])
	{[f.field, f.value] | some f in fs} == {["spec.configPatches[0].patch", "traceparent"]}
}

test_envoy_filter_adding_header_passes if {
	ef := {"kind": "EnvoyFilter", "metadata": {"name": "add"}, "spec": {"configPatches": [{"patch": {"value": {"request_headers_to_add": [{"header": {"key": "x-request-id", "value": "%REQ(x-request-id)%"}}]}}}]}}
	count(rule.findings) == 0 with input as fixtures.input_of([ef])
}

test_nginx_blank_header_fires if {
	conf := "server {\n  location / {\n    proxy_pass http://portal-app:8080;\n    proxy_set_header X-B3-TraceId \"\";\n    proxy_set_header Host $host;\n  }\n}\n"
	fs := rule.findings with input as fixtures.input_of([fixtures.configmap("portal-nginx", {"nginx.conf": conf})])
	count(fs) == 1
	some f in fs
	f.field == `data["nginx.conf"]`
	f.value == `proxy_set_header X-B3-TraceId "";`
	contains(f.message, "blanks trace header x-b3-traceid")
}

test_nginx_single_quotes_and_all_headers if {
	conf := "proxy_set_header traceparent '';\nproxy_pass_request_headers off;\n"
	fs := rule.findings with input as fixtures.input_of([fixtures.configmap("gw", {"default.conf": conf})])
	{f.value | some f in fs} == {"proxy_set_header traceparent '';", "proxy_pass_request_headers off;"}
}

test_openresty_clear_input_headers_fires if {
	conf := "more_clear_input_headers 'X-Request-Id' 'x-datadog-trace-id';"
	fs := rule.findings with input as fixtures.input_of([fixtures.configmap("gw", {"nginx.conf": conf})])
	{f.message | some f in fs} == {
		"ConfigMap 'gw' key 'nginx.conf' clears trace header x-request-id: more_clear_input_headers 'X-Request-Id' 'x-datadog-trace-id';",
		"ConfigMap 'gw' key 'nginx.conf' clears trace header x-datadog-trace-id: more_clear_input_headers 'X-Request-Id' 'x-datadog-trace-id';",
	}
}

test_haproxy_del_header_fires if {
	conf := "frontend fe\n    http-request del-header sw8\n    http-request del-header X-Forwarded-For\n"
	fs := rule.findings with input as fixtures.input_of([fixtures.configmap("lb", {"haproxy.cfg": conf})])
	{f.value | some f in fs} == {"http-request del-header sw8"}
}

test_harmless_proxy_config_passes if {
	conf := "# proxy_set_header x-b3-traceid \"\";\nproxy_set_header X-Request-Id $request_id;\nproxy_set_header X-Real-IP \"\";\nproxy_pass_request_headers on;\n"
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.configmap("gw", {"nginx.conf": conf})])
}
