# Builders for the resources rule tests feed in as input (test-only: *_test.rego files are
# not loaded when linting).
package meshready.test.fixtures

# workload wraps a pod ({"metadata": ..., "spec": ...}) in a resource of the given kind.
workload("Pod", name, pod) := object.union({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}}, pod)

workload(kind, name, pod) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": name},
	"spec": {"selector": {"matchLabels": {"app": name}}, "template": pod},
} if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}

workload("ReplicationController", name, pod) := {
	"apiVersion": "v1",
	"kind": "ReplicationController",
	"metadata": {"name": name},
	"spec": {"selector": {"app": name}, "template": pod},
}

workload("DeploymentConfig", name, pod) := {
	"apiVersion": "apps.openshift.io/v1",
	"kind": "DeploymentConfig",
	"metadata": {"name": name},
	"spec": {"selector": {"app": name}, "template": pod},
}

workload("Job", name, pod) := {
	"apiVersion": "batch/v1",
	"kind": "Job",
	"metadata": {"name": name},
	"spec": {"template": pod},
}

workload("CronJob", name, pod) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": name},
	"spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": pod}}},
}

deployment(name, pod) := workload("Deployment", name, pod)

# pod is a pod template labelled app=name with annotations and one container.
pod(name, annotations, container) := {
	"metadata": {"labels": {"app": name}, "annotations": annotations},
	"spec": {"containers": [container]},
}

container(name) := {"name": name, "image": sprintf("nexus3.onap.org:10001/onap/%s:1.0.0", [name])}

# injected_pod is a pod template Istio injects in any namespace without injection labels: it
# carries the label sidecar.istio.io/inject "true" (Istio's object selector reads the label only).
injected_pod(name, container) := {
	"metadata": {"labels": {"app": name, "sidecar.istio.io/inject": "true"}, "annotations": {}},
	"spec": {"containers": [container]},
}

service(name, ports) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": name},
	"spec": {"selector": {"app": name}, "ports": ports},
}

configmap(name, entries) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": entries}

settings := {"namespace": "onap", "namespaceLabels": {}, "traceFormat": "b3"}

injecting_settings := object.union(settings, {"namespaceLabels": {"istio-injection": "enabled"}})

input_of(resources) := {"resources": resources, "settings": settings}

injected_input(resources) := {"resources": resources, "settings": injecting_settings}

# kube_injected is a pod template as istioctl kube-inject (or the webhook) leaves it: Istio's
# status annotation, istio-init or a native istio-proxy sidecar, and istio-proxy listening on
# 15090 as UID 1337 with istiod's address in its environment.
proxy := {
	"name": "istio-proxy",
	"image": "docker.io/istio/proxyv2:1.28.0",
	"args": ["proxy", "sidecar"],
	"env": [{"name": "CA_ADDR", "value": "istiod.istio-system.svc:15012"}],
	"ports": [{"name": "http-envoy-prom", "containerPort": 15090}],
	"securityContext": {"runAsUser": 1337},
}

kube_injected(name, container, native) := {
	"metadata": {"labels": {"app": name}, "annotations": {"sidecar.istio.io/status": "{\"initContainers\":[\"istio-init\"]}"}},
	"spec": {"initContainers": [object.union(proxy, {"restartPolicy": "Always"})], "containers": [container]},
} if native

else := {
	"metadata": {"labels": {"app": name}, "annotations": {"sidecar.istio.io/status": "{\"initContainers\":[\"istio-init\"]}"}},
	"spec": {
		"initContainers": [{"name": "istio-init", "image": "docker.io/istio/proxyv2:1.28.0", "args": ["istio-iptables", "-p", "15001"]}],
		"containers": [container, proxy],
	},
}
