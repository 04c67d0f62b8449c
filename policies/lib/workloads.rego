# Pod-bearing resources, their pod templates, containers and the ConfigMaps they read.
package meshready.lib

# The kinds Istio injects (internal/resource.PodTemplatePath, from istio/istio
# pkg/kube/inject/initializer.go).
pod_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Job", "CronJob", "Pod"}

job_kinds := {"Job", "CronJob"}

long_running_kinds := pod_kinds - job_kinds

# workloads are the pod-bearing resources of the model (Istio's own objects left out).
workloads[i] := input.resources[i] if {
	some i, _ in model.pods
}

template_prefix("Pod") := ""

template_prefix(kind) := "spec.template." if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Job"}

template_prefix("CronJob") := "spec.jobTemplate.spec.template."

# A Pod is its own template.
pod_template(r) := as_object(r) if {
	r.kind == "Pod"
} else := as_object(object.get(as_object(r), ["spec", "jobTemplate", "spec", "template"], {})) if {
	r.kind == "CronJob"
} else := as_object(object.get(as_object(r), ["spec", "template"], {}))

pod_spec(r) := _spec_of(pod_template(r))

template_labels(r) := _labels_of(pod_template(r))

template_annotations(r) := _annotations_of(pod_template(r))

# The same, given the pod template.
_spec_of(template) := as_object(object.get(template, "spec", {}))

_labels_of(template) := as_object(object.get(template, ["metadata", "labels"], {}))

_annotations_of(template) := as_object(object.get(template, ["metadata", "annotations"], {}))

# pods[i] is what the rules read about workload i, worked out once per evaluation: rules iterate
# pods and read fields, since a helper call or a keyed rule lookup per workload and per rule
# costs far more than a field access.
#   resource      input.resources[i]
#   prefix        template_prefix(kind)
#   spec, labels, annotations    pod_spec, template_labels, template_annotations
#   namespace     namespace_of
#   inject        {value, source, path}: the sidecar.istio.io/inject Istio reads, or null
#   injected      Istio injects the pod (internal/mesh Profile.Decide)
#   reason        why (or why not), in words a finding prints
#   opt_out       the pod itself turns injection off
#   native_sidecars  istio-proxy runs (or will run) as a native sidecar
#   rejected      [{key, value, cause}]: annotations Istio's injector of the target release refuses
#   init_network  [{index, name, reasons}]: init containers that need the network before a classic
#                 istio-proxy starts (internal/mesh remedy.go: OOM readiness checks, curl/wget/nc,
#                 service URLs in env; none that run as UID 1337, none when outbound capture is excluded)
#   quits_sidecar a main container tells istio-proxy to exit (quitquitquit)
pods[i] := {
	"resource": r,
	"prefix": prefix,
	"spec": _spec_of(template),
	"labels": _labels_of(template),
	"annotations": _annotations_of(template),
	"namespace": facts.namespace,
	"inject": _with_path(prefix, facts.inject),
	"injected": facts.injected,
	"reason": facts.reason,
	"opt_out": facts.optOut,
	"native_sidecars": facts.nativeSidecars,
	"rejected": facts.rejected,
	"init_network": facts.initNetwork,
	"quits_sidecar": facts.quitsSidecar,
} if {
	some i, facts in model.pods
	r := input.resources[i]
	prefix := facts.prefix
	template := pod_template(r)
}

_with_path(_, null) := null

_with_path(prefix, setting) := object.union(setting, {"path": inject_path(prefix, setting)}) if setting != null

own_labels(r) := as_object(object.get(as_object(r), ["metadata", "labels"], {}))

own_annotations(r) := as_object(object.get(as_object(r), ["metadata", "annotations"], {}))

metadata_path(prefix, field, key) := concat("", [prefix, "metadata.", field, key_path(key)])

template_annotation_path(r, key) := metadata_path(template_prefix(r.kind), "annotations", key)

template_label_path(r, key) := metadata_path(template_prefix(r.kind), "labels", key)

# containers are the application's containers: Istio's own (istio-proxy, istio-init,
# istio-validation, meshready.istio_container) are left out.
containers(r) := {x |
	prefix := template_prefix(r.kind)
	spec := pod_spec(r)
	some key in ["initContainers", "containers"]
	some j, c in as_array(object.get(spec, key, []))
	is_object(c)
	not meshready.istio_container(object.get(c, "name", ""))
	x := {
		"container": c,
		"name": str(object.get(c, "name", "")),
		"index": j,
		"init": key == "initContainers",
		"path": sprintf("%sspec.%s[%d]", [prefix, key, j]),
	}
}

container_ports(r) := {x |
	some c in containers(r)
	some k, cp in as_array(object.get(c.container, "ports", []))
	is_object(cp)
	x := {
		"number": object.get(cp, "containerPort", 0),
		"name": str(object.get(cp, "name", "")),
		"protocol": str(object.get(cp, "protocol", "TCP")),
		"container": c.name,
		"init": c.init,
		"path": sprintf("%s.ports[%d]", [c.path, k]),
	}
}

command_text(c) := concat(" ", [str(a) |
	some a in array.concat(as_array(object.get(c, "command", [])), as_array(object.get(c, "args", [])))
])

# configmap_data merges the data of every rendered ConfigMap called name in namespace ns.
configmap_data(ns, name) := object.union_n([as_object(object.get(configmaps[ci], "data", {})) |
	some ci in configmaps_called(ns, name)
])

# configmaps_used are the names of the ConfigMaps a workload mounts or reads env from.
configmaps_used(r) := {n | some n in _configmap_refs(r); n != ""}

_configmap_refs(r) := (({str(v.configMap.name) | some v in as_array(object.get(pod_spec(r), "volumes", []))} | {str(s.configMap.name) |
	some v in as_array(object.get(pod_spec(r), "volumes", []))
	some s in as_array(object.get(as_object(v), ["projected", "sources"], []))
}) | {str(e.configMapRef.name) |
	some c in containers(r)
	some e in as_array(object.get(c.container, "envFrom", []))
}) | {str(e.valueFrom.configMapKeyRef.name) |
	some c in containers(r)
	some e in as_array(object.get(c.container, "env", []))
}

# env_vars lists every environment variable of every container: literal values, values a
# configMapKeyRef resolves to in a rendered ConfigMap, and the keys of envFrom ConfigMaps.
env_vars(r) := {e |
	some c in containers(r)
	some k, v in as_array(object.get(c.container, "env", []))
	is_object(v)
	e := {
		"name": str(object.get(v, "name", "")),
		"value": _env_value(r, v),
		"container": c.name,
		"init": c.init,
		"path": sprintf("%s.env[%d]", [c.path, k]),
	}
} | {e |
	some c in containers(r)
	some k, src in as_array(object.get(c.container, "envFrom", []))
	ref := str(object.get(as_object(src), ["configMapRef", "name"], ""))
	ref != ""
	some key, val in configmap_data(namespace_of(r), ref)
	e := {
		"name": concat("", [str(object.get(src, "prefix", "")), key]),
		"value": str(val),
		"container": c.name,
		"init": c.init,
		"path": sprintf("%s.envFrom[%d]", [c.path, k]),
	}
}

_env_value(r, v) := str(value) if {
	value := v.value # defined whenever the key is there, even for null or false
} else := str(object.get(configmap_data(namespace_of(r), ref.name), str(ref.key), "")) if {
	ref := as_object(object.get(v, ["valueFrom", "configMapKeyRef"], {}))
	is_string(ref.name)
} else := ""
