# meshready.lib: helpers shared by the built-in rules (user rules may import them too).
#
# Rules run with strict built-in errors, and rendered charts hold nulls where a value was
# missing (`labels:` with nothing under it), so helpers never hand a non-object to
# object.get: they go through as_object/as_array first.
#
# The built-in rules read per-resource facts from rules computed once per evaluation (pods[i],
# selected_workloads[si], ...) rather than calling the helper functions per resource in every
# rule: OPA caches a function call only when it is defined, so a helper that is undefined for
# most resources (inject_setting, injected) runs again at every call, and even a cached call
# costs far more than reading a field.
#
# General (lib.rego)
#   str(x)                        x as a string: "" for null, "8080" for 8080, "true" for true
#   as_object(x), as_array(x)     x, or {} / [] when x is null or of another type
#   key_path(k)                   `.k`, or `["k"]` when k holds . / [ ] " (as resource.FormatPath does)
#   name_of(r), describe(r)       metadata.name; "Kind 'name'" for messages
#   settings, release_namespace   input.settings (or {}), its namespace (or "")
#   namespace_of(r)               metadata.namespace, else input.settings.namespace (release namespace)
#   resources_of_kind[kind][i]    input.resources[i] by kind
#   services, configmaps, ...     the same, one object per kind used by rules
#   configmaps_named[[ns, name]]  the indexes of the ConfigMaps called name in namespace ns
#   configmaps_called(ns, name)   the same, or the empty set
# Workloads (workloads.rego)
#   pod_kinds, job_kinds, long_running_kinds
#   workloads[i]                  input.resources[i] when it carries a pod (Deployment ... Pod)
#   pods[i]                       workload i's pod template and the model's injection facts:
#                                 {resource, prefix, spec, labels, annotations, namespace, inject,
#                                 injected, reason, opt_out, native_sidecars, rejected,
#                                 init_network, quits_sidecar}
#   pod_template(r), pod_spec(r)  the pod template (a Pod is its own), its spec
#   template_prefix(kind)         field path prefix of the template: "spec.template.",
#                                 "spec.jobTemplate.spec.template." (CronJob), "" (Pod)
#   template_labels/annotations(r), own_labels/annotations(r)
#   metadata_path(prefix, "annotations"|"labels", key)  e.g. spec.template.metadata.annotations["sidecar.istio.io/inject"]
#   template_annotation_path(r, key), template_label_path(r, key)
#   containers(r)                 {"container","name","index","init","path"} for containers and initContainers
#   container_ports(r)            {"number","name","protocol","container","init","path"}
#   command_text(c)               a container's command and args joined by spaces
#   env_vars(r)                   env and envFrom entries, values resolved from rendered ConfigMaps
#   configmap_data(ns, name), configmaps_used(r)
# The mesh model (lib.rego, policies/README.md): every Istio fact comes from internal/mesh
#   model                         meshready.model(input): owned, pods, servicePorts, serviceWorkloads, hostServices
#   istio_version, owned[i]       the target Istio release; Istio's own objects, which no rule judges
# Injection (injection.rego)
#   inject_key, native_sidecar_key
#   injected_workloads            the indexes of the pods that are injected
#   inject_path(prefix, setting)  field path of a pod's sidecar.istio.io/inject (labels when unset)
# Ports (ports.rego)
#   service_ports(svc)            {"port","index","path","name","number"} per Service port
#   svc_ports[si]                 service_ports of Service si plus the model's "protocol", "source"
#                                 ({"field","value"}) and "http"; ports Istio ignores are left out
#   istio_protocol(p)             meshready.port_protocol at the target version, "" if Istio sniffs
#   binary_port(n)                meshready.binary_port: MySQL ... AMQP, ports that never carry HTTP
#   service_workloads             [service index, workload index] pairs from the model
#   workload_services[wi]         the indexes of the Services selecting workload wi
#   selected_workloads[si]        the indexes of the workloads Service si selects
#   target_numbers(p, w)          container port numbers a Service port reaches in workload w
#   named_target(p)               a string targetPort that names a container port
# Tracing (tracing.rego)
#   trace_headers, is_trace_header(h), trace_headers_in(text)
#   propagation_formats(v)        {"b3"} / {"w3c"} a propagation setting value selects
#   mesh_trace_format             input.settings.traceFormat, lower-cased ("" when unset)
#   propagation_env(name)         OTEL_PROPAGATORS, MANAGEMENT_TRACING_PROPAGATION_*, SPRING_SLEUTH_..., JAEGER_*PROPAGATION*
#   trace_propagation_settings(i, r)  {"resource","path","setting","value","formats"} per propagation setting
#                                 in env (OTEL_SDK_DISABLED=true drops OTEL) and in mounted ConfigMaps
#   manual_trace_propagation(r)   the pod template carries meshready.io/trace-propagation
#   manual_trace_propagation_in(annotations)  the same, given the template's annotations
# mTLS (mtls.rego)
#   root_namespace, relaxed_modes, cluster_domain
#   peer_auth_scope(pa)           "mesh-wide" | "namespace-wide" | "workload"
#   peer_auth_mode(pa), peer_auth_selector(pa), peer_auth_relaxes(pa)
#   mtls_relaxed_for_service(si, svc)  a PERMISSIVE/DISABLE PeerAuthentication covers the Service's pods
#   host_services[i]              the Services DestinationRule i's host reaches (the model)
#   host_matches_service(host, ns, svc)  meshready.host_matches
package meshready.lib

str(x) := x if {
	is_string(x)
} else := "" if {
	x == null
} else := sprintf("%v", [x])

as_object(x) := x if {
	is_object(x)
} else := {}

as_array(x) := x if {
	is_array(x)
} else := []

key_path(k) := sprintf("[%q]", [k]) if {
	regex.match(`[./\[\]"]`, k)
} else := sprintf("[%q]", [k]) if {
	k == ""
} else := concat("", [".", k])

name_of(r) := str(object.get(r, ["metadata", "name"], "")) if {
	is_object(r)
} else := ""

describe(r) := sprintf("%s '%s'", [r.kind, name_of(r)])

settings := as_object(object.get(input, "settings", {}))

release_namespace := str(object.get(settings, "namespace", ""))

namespace_of(r) := ns if {
	is_object(r)
	ns := str(object.get(r, ["metadata", "namespace"], ""))
	ns != ""
} else := release_namespace

# model is internal/mesh's model of the input (meshready.model, rules/mesh_builtins.go): the
# Istio facts every rule reads instead of working them out in Rego.
model := meshready.model(input)

# istio_version is the target Istio release the model decided for ("1.30").
istio_version := model.version

# owned[i] says why Istio manages input.resources[i] itself (a managed gateway or waypoint, a
# control-plane object, an object in a namespace Istio ignores): no rule judges it.
owned := model.owned

resources_of_kind[kind][i] := r if {
	some i, r in input.resources
	kind := r.kind
	is_string(kind)
	not owned[i]
}

services := object.get(resources_of_kind, "Service", {})

configmaps := object.get(resources_of_kind, "ConfigMap", {})

namespaces := object.get(resources_of_kind, "Namespace", {})

peer_authentications := object.get(resources_of_kind, "PeerAuthentication", {})

destination_rules := object.get(resources_of_kind, "DestinationRule", {})

virtual_services := object.get(resources_of_kind, "VirtualService", {})

envoy_filters := object.get(resources_of_kind, "EnvoyFilter", {})

# configmaps_named[[ns, name]] are the indexes of the rendered ConfigMaps called name in
# namespace ns (one lookup instead of a scan of every ConfigMap per reference).
configmaps_named[key] contains ci if {
	some ci, cm in configmaps
	key := [namespace_of(cm), name_of(cm)]
}

# configmaps_called(ns, name) is configmaps_named[[ns, name]], or the empty set. It reads the
# whole index (built once) rather than evaluating configmaps_named for one key at each call.
configmaps_called(ns, name) := object.get(configmaps_named, [[ns, name]], set())
