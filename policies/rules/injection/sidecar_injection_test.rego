package meshready.rules.sidecar_injection_test

import data.meshready.rules.sidecar_injection as rule
import data.meshready.test.fixtures

app := fixtures.container("app")

annotated(kind, v) := fixtures.workload(kind, "app", fixtures.pod("app", {"sidecar.istio.io/inject": v}, app))

plain(kind) := fixtures.workload(kind, "app", fixtures.pod("app", {}, app))

test_missing_annotation_fires if {
	fs := rule.findings with input as fixtures.input_of([plain("Deployment")])
	count(fs) == 1
	some f in fs
	f.resource == 0
	f.field == `spec.template.metadata.labels["sidecar.istio.io/inject"]`
	f.value == ""
	not f.severity
	contains(f.message, "Deployment 'app' gets no Istio sidecar")
	contains(f.message, "namespace 'onap'")
}

# Istio's default webhooks select a pod in an unlabelled namespace by its label only
# (mutatingwebhook.yaml objectSelector): the annotation alone does not inject it.
test_true_annotation_alone_fires if {
	fs := rule.findings with input as fixtures.input_of([annotated("Deployment", "true")])
	count(fs) == 1
	some f in fs
	contains(f.message, "the annotation can only opt out")
	count(rule.findings) == 0 with input as fixtures.injected_input([annotated("Deployment", "true")])
}

test_true_label_passes if {
	w := fixtures.deployment("app", {"metadata": {"labels": {"app": "app", "sidecar.istio.io/inject": "true"}}, "spec": {"containers": [app]}})
	count(rule.findings) == 0 with input as fixtures.input_of([w])
}

test_every_pod_kind_is_checked if {
	fs := rule.findings with input as fixtures.input_of([plain(k) | some k in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "DeploymentConfig"]])
	{f.resource | some f in fs} == {0, 1, 2, 3, 4, 5, 6, 7, 8}
}

test_non_workloads_are_ignored if {
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.service("app", []), fixtures.configmap("c", {})])
}

test_cronjob_path if {
	fs := rule.findings with input as fixtures.input_of([plain("CronJob")])
	{f.field | some f in fs} == {`spec.jobTemplate.spec.template.metadata.labels["sidecar.istio.io/inject"]`}
}

test_pod_kind_path if {
	fs := rule.findings with input as fixtures.input_of([plain("Pod")])
	{f.field | some f in fs} == {`metadata.labels["sidecar.istio.io/inject"]`}
}

test_explicit_false_is_info if {
	fs := rule.findings with input as fixtures.injected_input([annotated("StatefulSet", "false")])
	count(fs) == 1
	some f in fs
	f.severity == "info"
	f.value == "false"
	f.field == `spec.template.metadata.annotations["sidecar.istio.io/inject"]`
	contains(f.message, "opts out")
}

test_explicit_false_label_points_at_label if {
	w := fixtures.deployment("app", {"metadata": {"labels": {"sidecar.istio.io/inject": "false"}}, "spec": {"containers": [app]}})
	fs := rule.findings with input as fixtures.input_of([w])
	{[f.field, f.severity] | some f in fs} == {[`spec.template.metadata.labels["sidecar.istio.io/inject"]`, "info"]}
}

test_empty_value_without_namespace_label_fires if {
	fs := rule.findings with input as fixtures.input_of([annotated("Deployment", "")])
	count(fs) == 1
	some f in fs
	f.value == ""
	not f.severity
	f.field == `spec.template.metadata.annotations["sidecar.istio.io/inject"]`
	contains(f.message, "is not labelled istio-injection=enabled or istio.io/rev")
}

test_empty_value_in_injecting_namespace_passes if {
	count(rule.findings) == 0 with input as fixtures.injected_input([annotated("Deployment", "")])
}

test_namespace_label_from_settings_passes if {
	count(rule.findings) == 0 with input as fixtures.injected_input([plain("Deployment"), plain("Pod")])
}

test_revision_label_passes if {
	inp := {"resources": [plain("Deployment")], "settings": {"namespace": "onap", "namespaceLabels": {"istio.io/rev": "stable"}, "revisions": ["stable"]}}
	count(rule.findings) == 0 with input as inp
}

# A default install (revisions unset) answers istio.io/rev=default only.
test_revision_label_of_default_install if {
	inp := {"resources": [plain("Deployment")], "settings": {"namespace": "onap", "namespaceLabels": {"istio.io/rev": "stable"}}}
	some f in rule.findings with input as inp
	contains(f.message, "names none of the installed revisions")
	count(rule.findings) == 0 with input as json.patch(inp, [{"op": "replace", "path": "/settings/namespaceLabels", "value": {"istio.io/rev": "default"}}])
}

test_rendered_namespace_object_counts if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aai", "labels": {"istio-injection": "enabled"}}}
	w := object.union(plain("Deployment"), {"metadata": {"namespace": "aai"}})
	count(rule.findings) == 0 with input as fixtures.input_of([ns, w])
}

test_rendered_namespace_of_other_name_does_not_count if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aai", "labels": {"istio-injection": "enabled"}}}
	fs := rule.findings with input as fixtures.input_of([ns, plain("Deployment")])
	{f.resource | some f in fs} == {1}
}

# No default webhook reaches a namespace labelled istio-injection=disabled: the pod's "true"
# cannot override it.
test_disabled_namespace_wins_over_pod_true if {
	settings := {"namespace": "onap", "namespaceLabels": {"istio-injection": "disabled", "istio.io/rev": "stable"}}
	fs := rule.findings with input as {"resources": [plain("Deployment")], "settings": settings}
	some f in fs
	contains(f.message, "istio-injection=disabled")
	w := fixtures.deployment("app", {"metadata": {"labels": {"app": "app", "sidecar.istio.io/inject": "true"}}, "spec": {"containers": [app]}})
	count(rule.findings) == 1 with input as {"resources": [w], "settings": settings}
	count(rule.findings) == 1 with input as {"resources": [annotated("Deployment", "true")], "settings": settings}
}

# A traffic annotation Istio's injector rejects: the webhook refuses the pod.
test_rejected_traffic_annotation_fires if {
	every bad in [
		{"traffic.sidecar.istio.io/excludeInboundPorts": "*"},
		{"traffic.sidecar.istio.io/excludeOutboundPorts": "70000"},
		{"traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/33"},
	] {
		fs := rule.findings with input as fixtures.injected_input([fixtures.deployment("app", fixtures.pod("app", bad, app))])
		count(fs) == 1
		some f in fs
		contains(f.message, "rejects")
	}
	ok := {"traffic.sidecar.istio.io/excludeInboundPorts": "15020", "traffic.sidecar.istio.io/includeInboundPorts": "*"}
	count(rule.findings) == 0 with input as fixtures.injected_input([fixtures.deployment("app", fixtures.pod("app", ok, app))])
}

# Objects Istio manages itself are not application workloads.
test_istio_managed_objects_pass if {
	gw := object.union(plain("Deployment"), {"metadata": {"labels": {"gateway.istio.io/managed": "istio.io-mesh-controller"}}})
	sys := object.union(plain("Deployment"), {"metadata": {"namespace": "kube-system"}})
	count(rule.findings) == 0 with input as fixtures.input_of([gw, sys])
}
