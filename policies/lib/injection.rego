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
