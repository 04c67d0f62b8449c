package mesh

import (
	"fmt"
	"slices"
	"strings"
)

// Injection keys and labels, as istio/istio spells them (istio.io/api
// annotation and label packages).
const (
	InjectKey            = "sidecar.istio.io/inject"
	NamespaceInjectLabel = "istio-injection"
	RevisionLabel        = "istio.io/rev"
	// OpenShiftMemberLabel marks a namespace that belongs to an OpenShift
	// Service Mesh 2.x control plane (ServiceMeshMemberRoll).
	OpenShiftMemberLabel = "maistra.io/member-of"
)

// Flavours of Istio whose injection rules differ.
const (
	// FlavorIstio is upstream Istio with its default injection webhooks
	// (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml).
	FlavorIstio = "istio"
	// FlavorOpenShift2 is OpenShift Service Mesh 2.x (Maistra): the webhook
	// reaches the member namespaces of a ServiceMeshMemberRoll, and only a pod
	// that asks for the sidecar, by annotation or label, gets it.
	FlavorOpenShift2 = "openshift-servicemesh-2"
)

// IgnoredNamespaces are the namespaces Istio's injector never injects
// (pkg/kube/inject/initializer.go IgnoredNamespaces, 1.20-1.30).
var IgnoredNamespaces = []string{"kube-system", "kube-public", "kube-node-lease", "local-path-storage"}

// Profile is the mesh a decision is made for.
type Profile struct {
	Version Version
	// Flavor is FlavorIstio (the default when empty) or FlavorOpenShift2.
	Flavor string
	// Revisions are the installed revisions and revision tags an
	// istio.io/rev label may name. Empty is a default, non-revisioned
	// install: the default revision, which answers istio-injection=enabled,
	// the pod label sidecar.istio.io/inject="true" and istio.io/rev=default
	// only (mutatingwebhook.yaml, 1.20-1.30: the namespace. and object.
	// webhooks, and rev.namespace./rev.object. with the value "default").
	Revisions []string
}

// Pod is what the injection decision reads from a pod template.
type Pod struct {
	Namespace       string
	Labels          map[string]string
	Annotations     map[string]string
	HostNetwork     bool
	NamespaceLabels map[string]string
	// Injected: the template already carries Istio's sidecar (kube-inject
	// output): the sidecar.istio.io/status annotation, or an istio-proxy
	// container beside istio-init or istio-validation.
	Injected bool
}

// Setting is the sidecar.istio.io/inject value the injector reads: the
// label when there is one, else the annotation.
type Setting struct {
	Value  string
	Source string // "label" or "annotation"
}

// Decision is whether Istio gives a pod its sidecar, and why.
type Decision struct {
	Injected bool
	// Reason says why, in words a finding prints.
	Reason string
	// Setting is the pod's sidecar.istio.io/inject, nil when it sets none.
	Setting *Setting
	// OptOut: the pod itself turns injection off.
	OptOut bool
}

// InjectValue is how the injector reads a sidecar.istio.io/inject value
// (pkg/kube/inject/inject.go injectRequired): inject, do not inject, or
// fall back to the default policy. Up to 1.26: "y", "yes", "true", "on" in
// any case inject, "" is the default, any other value does not inject. From
// 1.27: "true" injects, "false" does not, anything else is the default.
// OpenShift Service Mesh 2.x reads values as the older releases do.
type InjectValue int

const (
	InjectDefault InjectValue = iota
	InjectYes
	InjectNo
)

// ReadInject reads value as the injector of this profile does.
func (p Profile) ReadInject(value string) InjectValue {
	if p.Flavor != FlavorOpenShift2 && p.Version.orLatest().AtLeast(injectBoolStrict) {
		switch value {
		case "true":
			return InjectYes
		case "false":
			return InjectNo
		}
		return InjectDefault
	}
	switch strings.ToLower(value) {
	case "y", "yes", "true", "on":
		return InjectYes
	case "":
		return InjectDefault
	}
	return InjectNo
}

// CanonicalInject reports whether value is one the injector reads the same
// way in every covered release: exactly "true" or "false".
func CanonicalInject(value string) bool { return value == "true" || value == "false" }

// InjectSetting is the sidecar.istio.io/inject the injector reads from a
// pod template: the label wins over the annotation.
func InjectSetting(labels, annotations map[string]string) *Setting {
	if v, ok := labels[InjectKey]; ok {
		return &Setting{Value: v, Source: "label"}
	}
	if v, ok := annotations[InjectKey]; ok {
		return &Setting{Value: v, Source: "annotation"}
	}
	return nil
}

// Decide is Istio's injection decision for a pod: first whether one of the
// default webhooks reaches it (their namespaceSelector and objectSelector,
// mutatingwebhook.yaml), then the injector's own check (injectRequired:
// hostNetwork, ignored namespaces, the sidecar.istio.io/inject value with
// the label over the annotation, policy enabled). When the pod opts out
// itself, that is the reason given.
func (p Profile) Decide(pod Pod) Decision {
	d := p.decide(pod)
	if d.Setting != nil && p.ReadInject(d.Setting.Value) == InjectNo {
		d.OptOut = true
		if !d.Injected {
			d.Reason = fmt.Sprintf("its pod %s sets sidecar.istio.io/inject to %q, which Istio %s reads as do not inject", d.Setting.Source, d.Setting.Value, p.name())
		}
	}
	return d
}

func (p Profile) decide(pod Pod) Decision {
	d := Decision{Setting: InjectSetting(pod.Labels, pod.Annotations)}
	if pod.Injected {
		d.Injected, d.Reason = true, "its pod template already carries Istio's sidecar (sidecar.istio.io/status, or istio-proxy with istio-init or istio-validation)"
		return d
	}
	if pod.HostNetwork {
		d.Reason = "it uses the host network, which Istio's injector never injects"
		return d
	}
	if slices.Contains(IgnoredNamespaces, pod.Namespace) {
		d.Reason = fmt.Sprintf("namespace '%s' is one Istio's injector ignores", pod.Namespace)
		return d
	}
	reached, why := p.webhook(pod)
	if !reached {
		d.Reason = why
		return d
	}
	if d.Setting != nil {
		switch p.ReadInject(d.Setting.Value) {
		case InjectNo:
			d.Reason = fmt.Sprintf("its pod %s sets sidecar.istio.io/inject to %q, which Istio %s reads as do not inject", d.Setting.Source, d.Setting.Value, p.name())
			return d
		case InjectDefault:
			if p.Flavor == FlavorOpenShift2 {
				d.Reason = fmt.Sprintf("its pod template does not ask for the sidecar (sidecar.istio.io/inject %q), which OpenShift Service Mesh 2.x requires", d.Setting.Value)
				return d
			}
		}
	} else if p.Flavor == FlavorOpenShift2 {
		d.Reason = "its pod template has no sidecar.istio.io/inject: \"true\", which OpenShift Service Mesh 2.x requires"
		return d
	}
	d.Injected, d.Reason = true, why
	return d
}

func (p Profile) name() string {
	if p.Flavor == FlavorOpenShift2 {
		return "(OpenShift Service Mesh 2.x)"
	}
	return p.Version.orLatest().String()
}

// webhook reports whether one of the default injection webhooks reaches the
// pod, and why (or why not).
func (p Profile) webhook(pod Pod) (bool, string) {
	ns := pod.NamespaceLabels
	nsInj, hasNsInj := ns[NamespaceInjectLabel]
	nsRev, hasNsRev := ns[RevisionLabel]
	lbl, hasLbl := pod.Labels[InjectKey]
	podRev, hasPodRev := pod.Labels[RevisionLabel]
	if p.Flavor == FlavorOpenShift2 {
		if _, ok := ns[OpenShiftMemberLabel]; ok {
			return true, fmt.Sprintf("namespace '%s' is a member of the service mesh (%s) and its pod template asks for the sidecar", pod.Namespace, OpenShiftMemberLabel)
		}
		return false, fmt.Sprintf("namespace '%s' is not a member of an OpenShift Service Mesh (no %s label)", pod.Namespace, OpenShiftMemberLabel)
	}
	// The object selectors compare label values exactly.
	podOff := hasLbl && lbl == "false"
	switch {
	case hasNsInj && nsInj == "enabled":
		if !p.defaultWebhooks() {
			return false, fmt.Sprintf("namespace '%s' is labelled istio-injection=enabled, which only the default revision's webhooks read, and the installed revisions (%s) have none and no 'default' tag", pod.Namespace, strings.Join(p.Revisions, ", "))
		}
		if podOff {
			return false, "its pod label sidecar.istio.io/inject is \"false\""
		}
		return true, fmt.Sprintf("namespace '%s' is labelled istio-injection=enabled", pod.Namespace)
	case hasNsInj:
		return false, fmt.Sprintf("namespace '%s' is labelled istio-injection=%s, which turns injection off whatever the pod says", pod.Namespace, nsInj)
	case hasNsRev:
		if !p.revision(nsRev) {
			return false, fmt.Sprintf("namespace '%s' is labelled istio.io/rev=%s, which names none of the installed revisions (%s)", pod.Namespace, nsRev, p.revisionList())
		}
		if podOff {
			return false, "its pod label sidecar.istio.io/inject is \"false\""
		}
		return true, fmt.Sprintf("namespace '%s' is labelled istio.io/rev=%s", pod.Namespace, nsRev)
	}
	// No namespace label: only the pod's labels can select it.
	switch {
	case hasPodRev && p.revision(podRev) && !podOff:
		return true, fmt.Sprintf("its pod label istio.io/rev=%s selects an installed revision", podRev)
	case hasLbl && lbl == "true" && !hasPodRev && p.defaultWebhooks():
		return true, "its pod label sidecar.istio.io/inject is \"true\""
	case hasLbl && lbl == "true" && !hasPodRev:
		return false, fmt.Sprintf("its pod label sidecar.istio.io/inject is \"true\", which only the default revision's webhooks read, and the installed revisions (%s) have none and no 'default' tag", strings.Join(p.Revisions, ", "))
	}
	why := fmt.Sprintf("namespace '%s' is not labelled istio-injection=enabled or istio.io/rev, and its pod template has no label sidecar.istio.io/inject: \"true\"", pod.Namespace)
	if pod.Annotations[InjectKey] != "" && !hasLbl {
		why += " (Istio's webhooks select pods by label; the annotation can only opt out)"
	}
	return false, why
}

// revision: rev names an installed revision or tag. With Revisions unset
// (a default install) only "default" does: the default revision's
// rev.namespace. and rev.object. webhooks match istio.io/rev=default
// (mutatingwebhook.yaml:73-77, 104-108 @1.30.0).
func (p Profile) revision(rev string) bool {
	if len(p.Revisions) == 0 {
		return rev == "default"
	}
	return rev != "" && slices.Contains(p.Revisions, rev)
}

// revisionList names the installed revisions for a reason.
func (p Profile) revisionList() string {
	if len(p.Revisions) == 0 {
		return "a default install answers istio.io/rev=default only; list the installed revisions and tags under revisions in .meshready.yaml"
	}
	return strings.Join(p.Revisions, ", ")
}

// defaultWebhooks: the namespace. and object. webhooks, which read
// istio-injection=enabled and the pod label sidecar.istio.io/inject="true",
// exist only for the default revision ({{- if (eq .Values.revision "") }},
// mutatingwebhook.yaml:112 @1.30.0) or for a revision tag named "default"
// (revision-tags-mwc.yaml:97 @1.30.0). A revisions list without "default"
// describes a revision-only install.
func (p Profile) defaultWebhooks() bool {
	return len(p.Revisions) == 0 || slices.Contains(p.Revisions, "default")
}

// NamespaceLabels are the labels of namespace ns: a Namespace object in the
// input (its labels, all of them) wins over the configured labels, which
// describe the release namespace (every namespace when release is "").
func NamespaceLabels(ns, release string, configured map[string]string, objects map[string]map[string]string) map[string]string {
	if l, ok := objects[ns]; ok {
		return l
	}
	if release == "" || release == ns {
		return configured
	}
	return nil
}
