# METADATA
# title: Nothing strips trace headers in flight
# description: >-
#   A VirtualService, EnvoyFilter or proxy configuration (nginx, OpenResty, HAProxy) that
#   removes, overwrites or blanks a trace header (x-request-id, B3, traceparent/tracestate,
#   x-ot-span-context, grpc-trace-bin, x-cloud-trace-context, sw8, x-datadog-*) cuts every trace
#   that passes through it.
# custom:
#   id: trace-header-dropped
#   severity: error
#   family: tracing
#   remediation: >-
#     Remove the trace header from VirtualService headers.request.remove/set and from the
#     EnvoyFilter patch; in nginx drop `proxy_pass_request_headers off` and the
#     `proxy_set_header <header> ""`/`more_clear_input_headers` entries for trace headers, in
#     HAProxy the `http-request del-header` lines.
package meshready.rules.trace_header_dropped

import data.meshready.lib

# VirtualService headers.request.remove / set, on the route and on each destination.
findings contains f if {
	some i, vs in lib.virtual_services
	some op in _header_ops(vs)
	some j, h in lib.as_array(object.get(op.request, "remove", []))
	lib.is_trace_header(lib.str(h))
	f := {
		"resource": i,
		"field": sprintf("%s.headers.request.remove[%d]", [op.path, j]),
		"value": lib.str(h),
		"message": sprintf("%s removes trace header %s from requests (%s.headers.request.remove)", [lib.describe(vs), lib.str(h), op.path]),
	}
}

findings contains f if {
	some i, vs in lib.virtual_services
	some op in _header_ops(vs)
	some h, v in lib.as_object(object.get(op.request, "set", {}))
	lib.is_trace_header(h)
	f := {
		"resource": i,
		"field": sprintf("%s.headers.request.set%s", [op.path, lib.key_path(h)]),
		"value": lib.str(v),
		"message": sprintf("%s overwrites trace header %s with %q, breaking the trace", [lib.describe(vs), h, lib.str(v)]),
	}
}

_header_ops(vs) := {{"path": sprintf("spec.http[%d]", [k]), "request": req} |
	some k, route in lib.as_array(object.get(vs, ["spec", "http"], []))
	req := lib.as_object(object.get(lib.as_object(route), ["headers", "request"], {}))
} | {{"path": sprintf("spec.http[%d].route[%d]", [k, d]), "request": req} |
	some k, route in lib.as_array(object.get(vs, ["spec", "http"], []))
	some d, dest in lib.as_array(object.get(lib.as_object(route), "route", []))
	req := lib.as_object(object.get(lib.as_object(dest), ["headers", "request"], {}))
}

# EnvoyFilter patches that remove or clear a trace header (route config, Lua, header mutation).
findings contains f if {
	some i, ef in lib.envoy_filters
	some k, cp in lib.as_array(object.get(ef, ["spec", "configPatches"], []))
	text := json.marshal(object.get(lib.as_object(cp), "patch", {}))
	regex.match(`(?i)(remove|clear)`, text)
	some h in lib.trace_headers_in(text)
	f := {
		"resource": i,
		"field": sprintf("spec.configPatches[%d].patch", [k]),
		"value": h,
		"message": sprintf("%s configPatches[%d] removes or clears trace header %s", [lib.describe(ef), k, h]),
	}
}

# nginx / OpenResty / HAProxy configuration in ConfigMaps, line by line.
findings contains f if {
	some i, cm in lib.configmaps
	some key, value in lib.as_object(object.get(cm, "data", {}))
	text := lib.str(value)
	_may_set_headers(text)
	regex.match(`(?i)(proxy_pass_request_headers|proxy_set_header|more_clear_input_headers|http-request)`, text)
	some raw in split(text, "\n")
	line := trim_space(raw)
	not startswith(line, "#")
	_may_set_headers(line) # each regex of _dropped needs one of the directives
	some what in _dropped(line)
	f := {
		"resource": i,
		"field": sprintf("data[%q]", [key]),
		"value": line,
		"message": sprintf("%s key '%s' %s: %s", [lib.describe(cm), key, what, line]),
	}
}

# _may_set_headers is a cheap necessary condition for the case-insensitive regexes here, which
# are slow on large ConfigMap texts. Every directive they look for holds "_header" or
# "-request" in some case: patterns starting with a literal "_" or "-" let the regexp engine
# skip to the candidates; only then is the text lower-cased and searched for the directives.
# (?i) also folds the long s (U+017F) onto "s", which lower() keeps.
_may_set_headers(text) if {
	regex.match(`_(?i:header)`, text)
	_names_directive(text)
}

_may_set_headers(text) if {
	regex.match(`-(?i:request)`, text)
	_names_directive(text)
}

_names_directive(text) if {
	lowered := lower(text)
	some directive in ["proxy_pass_request_headers", "proxy_set_header", "more_clear_input_headers", "http-request"]
	contains(lowered, directive)
}

_names_directive(text) if contains(text, "\u017f")

_dropped(line) := ((({"drops all request headers, trace headers included" |
	regex.match(`(?i)(^|[;{\s])proxy_pass_request_headers\s+off\b`, line)
} | {sprintf("blanks trace header %s", [lower(m[1])]) |
	some m in regex.find_all_string_submatch_n(`(?i)(?:^|[;{\s])proxy_set_header\s+(\S+)\s+(?:""|'')\s*(?:;|$)`, line, -1)
	lib.is_trace_header(m[1])
}) | {sprintf("clears trace header %s", [h]) |
	regex.match(`(?i)(^|[;{\s])more_clear_input_headers\s`, line)
	some h in lib.trace_headers_in(line)
}) | {sprintf("deletes trace header %s", [lower(m[1])]) |
	some m in regex.find_all_string_submatch_n(`(?i)(?:^|\s)http-request\s+del-header\s+(\S+)`, line, -1)
	lib.is_trace_header(m[1])
}) | {sprintf("blanks trace header %s", [lower(m[1])]) |
	some m in regex.find_all_string_submatch_n(`(?i)(?:^|\s)http-request\s+set-header\s+(\S+)\s+(?:""|'')\s*$`, line, -1)
	lib.is_trace_header(m[1])
}
