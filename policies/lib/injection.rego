# Whether a workload gets an Istio sidecar, and how that sidecar ends. The decision itself is
# internal/mesh's (lib.model.pods); these helpers only name fields.
package meshready.lib

inject_key := "sidecar.istio.io/inject"

native_sidecar_key := "sidecar.istio.io/nativeSidecar"

# injected_workloads are the indexes of the workloads that get a sidecar (injected).
injected_workloads contains i if {
	some i, pod in pods
	pod.injected
}

# inject_path is the field path of the pod's sidecar.istio.io/inject setting (model.pods[i].inject),
# or of the annotation to add when it sets none.
inject_path(prefix, setting) := metadata_path(prefix, concat("", [setting.source, "s"]), inject_key) if {
	setting != null
} else := metadata_path(prefix, "labels", inject_key)
