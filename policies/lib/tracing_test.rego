package meshready.lib_test

import data.meshready.lib

test_trace_headers_in if {
	lib.trace_headers_in(`more_clear_input_headers "X-B3-TraceId" 'traceparent' X-Datadog-Trace-Id;`) == {"x-b3-traceid", "traceparent", "x-datadog-trace-id"}
	lib.trace_headers_in("request_handle:headers():remove(\"b3\")") == {"b3"}
	lib.trace_headers_in("more_clear_input_headers 'X-B3-*';") == {"x-b3-*"}

	# whole words only: b3 inside a hash or x-request-idx is no trace header
	lib.trace_headers_in("sha256:b3f0c9 x-request-idx") == set()
}

test_is_trace_header if {
	lib.is_trace_header("X-Request-Id")
	lib.is_trace_header("x-datadog-parent-id")
	not lib.is_trace_header("x-forwarded-for")
}

test_propagation_formats if {
	lib.propagation_formats("tracecontext,baggage") == {"w3c"}
	lib.propagation_formats("b3multi") == {"b3"}
	lib.propagation_formats("B3_MULTI") == {"b3"}
	lib.propagation_formats("W3C") == {"w3c"}
	lib.propagation_formats("tracecontext,b3") == {"b3", "w3c"}
	lib.propagation_formats("jaeger") == set()
}
