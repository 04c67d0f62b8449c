package meshready.rules.port_reserved_test

import data.meshready.rules.port_reserved as rule
import data.meshready.test.fixtures

with_ports(numbers) := fixtures.deployment("app", fixtures.pod("app", {}, object.union(fixtures.container("app"), {"ports": [{"containerPort": n} | some n in numbers]})))

test_reserved_ports_fire if {
	reserved := [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090]
	fs := rule.findings with input as fixtures.input_of([with_ports(reserved)])
	{f.value | some f in fs} == {sprintf("%v", [n]) | some n in reserved}
	some f in fs
	f.field == "spec.template.spec.containers[0].ports[0].containerPort"
	contains(f.message, "container 'app' listens on 15000")
}

test_ordinary_ports_pass if {
	count(rule.findings) == 0 with input as fixtures.input_of([with_ports([8080, 15002, 15010, 9090])])
}

test_container_uid_1337_fires if {
	c := object.union(fixtures.container("app"), {"securityContext": {"runAsUser": 1337}})
	fs := rule.findings with input as fixtures.input_of([fixtures.workload("Pod", "app", fixtures.pod("app", {}, c))])
	{[f.field, f.value] | some f in fs} == {["spec.containers[0].securityContext.runAsUser", "1337"]}
}

test_pod_uid_1337_fires if {
	w := fixtures.workload("CronJob", "app", {"spec": {"securityContext": {"runAsUser": 1337}, "containers": [fixtures.container("app")]}})
	fs := rule.findings with input as fixtures.input_of([w])
	{f.field | some f in fs} == {"spec.jobTemplate.spec.template.spec.securityContext.runAsUser"}
}

test_pod_uid_overridden_by_every_container_passes if {
	c := object.union(fixtures.container("app"), {"securityContext": {"runAsUser": 1000}})
	w := fixtures.deployment("app", {"spec": {"securityContext": {"runAsUser": 1337}, "containers": [c]}})
	count(rule.findings) == 0 with input as fixtures.input_of([w])
}

test_init_container_uid_1337_passes if {
	init := {"name": "wait", "image": "busybox", "securityContext": {"runAsUser": 1337}}
	w := fixtures.deployment("app", {"spec": {"initContainers": [init], "containers": [fixtures.container("app")]}})
	count(rule.findings) == 0 with input as fixtures.input_of([w])
}

test_other_uids_pass if {
	c := object.union(fixtures.container("app"), {"securityContext": {"runAsUser": 1000}})
	count(rule.findings) == 0 with input as fixtures.input_of([fixtures.deployment("app", fixtures.pod("app", {}, c))])
}

# Istio's own istio-proxy (15090, UID 1337) in an already injected pod is not the application's.
test_kube_injected_pod_passes if {
	every native in [true, false] {
		count(rule.findings) == 0 with input as fixtures.input_of([fixtures.deployment("app", fixtures.kube_injected("app", fixtures.container("app"), native))])
	}
}
