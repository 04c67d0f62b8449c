# Trace headers, and how a workload says which trace headers it forwards.
package meshready.lib

# Headers a mesh trace travels in (Envoy request id, Zipkin B3, W3C, OpenTracing, gRPC,
# Google Cloud, SkyWalking); x-datadog-* is matched by prefix in is_trace_header.
trace_headers := {
	"x-request-id", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled",
	"x-b3-flags", "b3", "traceparent", "tracestate", "x-ot-span-context", "grpc-trace-bin",
	"x-cloud-trace-context", "sw8",
}

is_trace_header(h) if lower(trim(h, `"' `)) in trace_headers

is_trace_header(h) if startswith(lower(trim(h, `"' `)), "x-datadog-")

# trace_headers_in are the trace headers a text names as whole words, lower-cased; it also
# reports the nginx wildcards x-b3-* and x-datadog-*.
trace_headers_in(text) := {h |
	some h in trace_headers
	regex.match(sprintf(`(?i)(^|[^a-z0-9_-])%s($|[^a-z0-9_-])`, [h]), text)
} | {lower(m[1]) |
	some m in regex.find_all_string_submatch_n(`(?i)(?:^|[^a-z0-9_-])(x-datadog-[a-z0-9-]*[a-z0-9*]|x-b3-\*)`, text, -1)
}

mesh_trace_format := lower(str(object.get(settings, "traceFormat", "")))

# propagation_formats are the mesh formats a propagation setting selects: B3 single or
# multi header (b3, b3multi, B3_MULTI), W3C trace context (tracecontext, W3C).
propagation_formats(v) := {f |
	some f, pattern in {"b3": `(?i)b3`, "w3c": `(?i)(tracecontext|w3c)`}
	regex.match(pattern, v)
}

# Environment variables that set trace propagation.
propagation_env(name) if name in {
	"OTEL_PROPAGATORS",
	"MANAGEMENT_TRACING_PROPAGATION_TYPE",
	"MANAGEMENT_TRACING_PROPAGATION_PRODUCE",
	"SPRING_SLEUTH_PROPAGATION_TYPE",
}

propagation_env(name) if {
	startswith(name, "JAEGER_")
	contains(name, "PROPAGATION")
}

_otel_disabled(r, container) if {
	some e in env_vars(r)
	e.container == container
	e.name == "OTEL_SDK_DISABLED"
	lower(e.value) == "true"
}

# Spring properties that set trace propagation (Boot 3 and Sleuth), written as
# `key=value` or `key: value` lines in a properties or YAML ConfigMap key.
_property_line := `(?m)^[ \t]*((?:management\.tracing\.propagation\.(?:type|produce)|spring\.sleuth\.propagation\.type)(?:\[[0-9]+\])?)[ \t]*[=:][ \t]*([^\r\n#]*)`

_nested_properties := [
	["management", "tracing", "propagation", "type"],
	["management", "tracing", "propagation", "produce"],
	["spring", "sleuth", "propagation", "type"],
]

# trace_propagation_settings: {"resource", "path", "setting", "value", "formats"} for each
# place the workload sets its trace propagation. resource is the index of the resource
# holding it (the workload, or a ConfigMap it mounts).
trace_propagation_settings(i, r) := {s |
	_may_set_propagation_env(r)
	some e in env_vars(r)
	not e.init
	propagation_env(e.name)
	not _otel_env_disabled(r, e)
	s := {
		"resource": i, "path": e.path, "setting": e.name, "value": e.value,
		"formats": propagation_formats(e.value),
	}
} | {s |
	some ci in _used_configmaps(r)
	some s in _configmap_propagation[ci]
}

# _may_set_propagation_env: a main container has an env entry named like a propagation
# setting, or takes env from ConfigMaps; only then are the workload's env_vars worth building.
_may_set_propagation_env(r) if {
	some c in containers(r)
	not c.init
	some v in as_array(object.get(c.container, "env", []))
	is_object(v)
	name := str(object.get(v, "name", ""))
	contains(name, "PROPAGAT") # every name propagation_env accepts has it
	propagation_env(name)
}

_may_set_propagation_env(r) if {
	some c in containers(r)
	not c.init
	count(as_array(object.get(c.container, "envFrom", []))) > 0
}

_otel_env_disabled(r, e) if {
	e.name == "OTEL_PROPAGATORS"
	_otel_disabled(r, e.container)
}

# _may_name_propagation: a YAML text can only hold a "propagation" key if it spells the word,
# unless the key comes out of an escape (\u0061), a tag (!!binary) or a UTF-16 text; parsing is
# skipped for every other text.
_may_name_propagation(text) if contains(text, "propagation")

_may_name_propagation(text) if contains(text, `\`)

_may_name_propagation(text) if contains(text, "!")

_may_name_propagation(text) if contains(text, "\u0000")

_joined(v) := concat(",", [str(x) | some x in v]) if {
	is_array(v)
} else := str(v)

# _used_configmaps are the indexes of the rendered ConfigMaps workload r mounts or reads.
_used_configmaps(r) := {ci |
	some name in configmaps_used(r)
	some ci in configmaps_called(namespace_of(r), name)
}

# _configmap_propagation[ci] are the propagation settings in the data of ConfigMap ci, read
# once however many workloads use it: Spring properties lines, and the same properties nested
# in a .yaml/.yml key.
_configmap_propagation[ci] := _property_settings(ci, cm) | _yaml_settings(ci, cm) if some ci, cm in configmaps

_property_settings(ci, cm) := {s |
	some key, raw in as_object(object.get(cm, "data", {}))
	text := str(raw)

	# Every property _property_line matches holds ".propagation.": skip the regex elsewhere.
	contains(text, ".propagation.")
	some m in regex.find_all_string_submatch_n(_property_line, text, -1)
	value := trim(m[2], ` "'`)
	s := {
		"resource": ci, "path": sprintf("data[%q]", [key]), "setting": m[1], "value": value,
		"formats": propagation_formats(value),
	}
}

_yaml_settings(ci, cm) := {s |
	some key, raw in as_object(object.get(cm, "data", {}))
	regex.match(`\.ya?ml$`, key)
	text := str(raw)
	_may_name_propagation(text)
	yaml.is_valid(text)
	doc := yaml.unmarshal(text)
	is_object(doc)
	some p in _nested_properties
	v := object.get(doc, p, null)
	v != null
	value := _joined(v)
	s := {
		"resource": ci, "path": sprintf("data[%q]", [key]), "setting": concat(".", p), "value": value,
		"formats": propagation_formats(value),
	}
}

# manual_trace_propagation: the app copies trace headers itself and says so.
manual_trace_propagation(r) if manual_trace_propagation_in(template_annotations(r))

# manual_trace_propagation_in: the same, given the pod template's annotations.
manual_trace_propagation_in(annotations) if {
	str(object.get(annotations, "meshready.io/trace-propagation", "")) != ""
}
