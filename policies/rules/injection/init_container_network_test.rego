package meshready.rules.init_container_network_test

import data.meshready.rules.init_container_network as rule
import data.meshready.test.fixtures

with_init(annotations, init) := fixtures.deployment("so", {
	"metadata": {"labels": {"app": "so"}, "annotations": annotations},
	"spec": {"initContainers": [init], "containers": [fixtures.container("so")]},
})

oom_readiness := {
	"name": "so-readiness",
	"image": "nexus3.onap.org:10001/onap/oom/readiness:3.0.1",
	"command": ["/app/ready.py"],
	"args": ["--container-name", "so-mariadb"],
}

test_oom_readiness_fires if {
	fs := rule.findings with input as fixtures.injected_input([with_init({}, oom_readiness)])
	count(fs) == 1
	some f in fs
	f.field == "spec.template.spec.initContainers[0]"
	f.value == "so-readiness"
	contains(f.message, "init container 'so-readiness'")
	contains(f.message, "ready.py")
}

test_readiness_by_job_name_fires if {
	init := {"name": "wait", "image": "busybox", "command": ["/app/check"], "args": ["--job-name", "so-config"]}
	count(rule.findings) == 1 with input as fixtures.injected_input([with_init({}, init)])
}

test_network_tools_fire if {
	every cmd in ["until nc -z so-db 3306; do sleep 2; done", "curl -f http://aai:8443/health", "/usr/bin/wget -q sdc-be"] {
		init := {"name": "wait", "image": "busybox", "command": ["sh", "-c", cmd]}
		count(rule.findings) == 1 with input as fixtures.injected_input([with_init({}, init)])
	}
}

test_service_url_env_fires if {
	init := {"name": "load", "image": "loader", "env": [{"name": "TARGET", "value": "http://so-catalog-db-adapter.onap:8082"}]}
	fs := rule.findings with input as fixtures.injected_input([with_init({}, init)])
	some f in fs
	contains(f.message, "env TARGET=http://so-catalog-db-adapter.onap:8082")
}

test_local_init_container_passes if {
	init := {"name": "chown", "image": "busybox", "command": ["sh", "-c", "chown -R 1000 /data && cp /cfg/sync.conf /data"]}
	count(rule.findings) == 0 with input as fixtures.injected_input([with_init({}, init)])
}

test_not_injected_passes if {
	count(rule.findings) == 0 with input as fixtures.input_of([with_init({}, oom_readiness)])
}

test_native_sidecar_passes if {
	count(rule.findings) == 0 with input as fixtures.injected_input([with_init({"sidecar.istio.io/nativeSidecar": "true"}, oom_readiness)])
}

test_outbound_exclusion_passes if {
	ann := {"traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.96.0.0/12"}
	count(rule.findings) == 0 with input as fixtures.injected_input([with_init(ann, oom_readiness)])
}

test_proxy_uid_passes if {
	init := object.union(oom_readiness, {"securityContext": {"runAsUser": 1337}})
	count(rule.findings) == 0 with input as fixtures.injected_input([with_init({}, init)])
}

test_app_containers_are_not_init_containers if {
	w := fixtures.deployment("so", fixtures.pod("so", {}, object.union(oom_readiness, {"name": "so"})))
	count(rule.findings) == 0 with input as fixtures.injected_input([w])
}

# istio-proxy and istio-init are Istio's own init containers, not the application's.
test_istio_init_containers_pass if {
	every native in [true, false] {
		count(rule.findings) == 0 with input as fixtures.injected_input([fixtures.deployment("app", fixtures.kube_injected("app", fixtures.container("app"), native))])
	}
}

# On OpenShift the injected istio-proxy has no runAsUser (the SCC assigns one): it is still
# Istio's own native sidecar, not an application init container that needs the network.
test_openshift_native_proxy_passes if {
	proxy := object.union(json.remove(fixtures.proxy, ["securityContext"]), {"restartPolicy": "Always"})
	pod := {
		"metadata": {"labels": {"app": "app"}, "annotations": {"sidecar.istio.io/status": "{}"}},
		"spec": {"initContainers": [proxy], "containers": [fixtures.container("app")]},
	}
	count(rule.findings) == 0 with input as fixtures.injected_input([fixtures.deployment("app", pod)])
}
