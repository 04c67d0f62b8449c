package meshready.lib_test

import data.meshready.lib
import data.meshready.test.fixtures

# The full protocol table is internal/mesh/testdata/selection.tsv, run through Go and through
# these rules (policies/conformance_test.go); this checks that the helper reaches the model.
test_istio_protocol if {
	lib.istio_protocol({"name": "http-api", "port": 8080}) == "http"
	lib.istio_protocol({"name": "api", "port": 8080, "appProtocol": "kubernetes.io/h2c"}) == "http2"
	lib.istio_protocol({"name": "api", "port": 8080}) == ""
}

test_svc_ports_source_prefers_app_protocol if {
	svc := fixtures.service("aai", [{"name": "api", "port": 80, "appProtocol": "http"}, {"name": "api2", "port": 81}])
	{p.source | some p in lib.svc_ports[0]} == {{"field": "appProtocol", "value": "http"}, {"field": "name", "value": "api2"}} with input as fixtures.input_of([svc])
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
