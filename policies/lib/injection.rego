# Whether a workload gets an Istio sidecar, and how that sidecar ends.
package meshready.lib

inject_key := "sidecar.istio.io/inject"

native_sidecar_key := "sidecar.istio.io/nativeSidecar"

# inject_setting is the sidecar.istio.io/inject value Istio reads from the pod template.
# The label wins over the annotation when both are set, as in Istio's injector.
inject_setting(r) := _inject_setting(template_prefix(r.kind), template_labels(r), template_annotations(r))

# _inject_setting is inject_setting given the template prefix, labels and annotations.
_inject_setting(prefix, labels, annotations) := {"value": str(v), "path": metadata_path(prefix, "labels", inject_key), "source": "label"} if {
	v := labels[inject_key]
} else := {"value": str(v), "path": metadata_path(prefix, "annotations", inject_key), "source": "annotation"} if {
	v := annotations[inject_key]
}

# injected_workloads are the indexes of the workloads that get a sidecar (injected).
injected_workloads contains i if {
	some i, pod in pods
	pod.injected
}

# For pods: inject_setting or null, and injected as true or false, with the namespace default
# worked out once per namespace.
_inject_or_null(prefix, labels, annotations) := setting if {
	setting := _inject_setting(prefix, labels, annotations)
} else := null

# ns is the workload's namespace_of.
_injected_with(ns, setting) if {
	setting.value == "true"
} else if {
	not _decides(setting)
	ns in _injecting_namespaces
} else := false

_decides(setting) if setting.value in {"true", "false"}

_injecting_namespaces contains ns if {
	some ns in {namespace_of(r) | some r in workloads}
	namespace_injection_enabled(ns)
}

# namespace_labels are the labels of namespace ns: input.settings.namespaceLabels describe
# the release namespace (every namespace when none is set), a rendered Namespace adds to them.
namespace_labels(ns) := object.union_n(array.concat(_settings_namespace_labels(ns), [as_object(object.get(n, ["metadata", "labels"], {})) |
	some n in namespaces
	name_of(n) == ns
]))

_settings_namespace_labels(ns) := [as_object(object.get(settings, "namespaceLabels", {}))] if {
	release_namespace in {"", ns}
} else := []

# Istio's namespace selectors: istio-injection=enabled, or istio.io/rev when istio-injection
# is absent (istio-injection=disabled turns a revision label off too).
namespace_injection_enabled(ns) if str(namespace_labels(ns)["istio-injection"]) == "enabled"

namespace_injection_enabled(ns) if {
	labels := namespace_labels(ns)
	not "istio-injection" in object.keys(labels)
	str(object.get(labels, "istio.io/rev", "")) != ""
}

# injected: the pod says "true", or it says neither "true" nor "false" and its namespace injects.
injected(r) if inject_setting(r).value == "true"

injected(r) if {
	not _pod_decides(r)
	namespace_injection_enabled(namespace_of(r))
}

_pod_decides(r) if inject_setting(r).value in {"true", "false"}

# native_sidecars: istio-proxy runs as a Kubernetes native sidecar (an init container with
# restartPolicy Always) that ends with the pod's main containers.
native_sidecars(r) if str(object.get(template_annotations(r), native_sidecar_key, "")) == "true"

native_sidecars(r) if {
	object.get(settings, "nativeSidecars", false) == true
	not str(object.get(template_annotations(r), native_sidecar_key, "")) == "false"
}

# sidecar_quit_configured: the job stops its sidecar itself (pilot-agent request POST
# quitquitquit, curl localhost:15020/quitquitquit) or the proxy exits once connections drain.
# holdApplicationUntilProxyStarts only orders the start; it does not end the proxy.
sidecar_quit_configured(r) if {
	some x in containers(r)
	not x.init
	contains(command_text(x.container), "quitquitquit")
}

sidecar_quit_configured(r) if {
	regex.match(
		`EXIT_ON_ZERO_ACTIVE_CONNECTIONS["']?\s*[:=]\s*["']?(?i:true)`,
		str(object.get(template_annotations(r), "proxy.istio.io/config", "")),
	)
}
