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

injected_pod(name, container) := pod(name, {"sidecar.istio.io/inject": "true"}, container)

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
