// Package resource is meshready's model of a rendered Kubernetes object: the
// object itself plus its provenance (chart, template, position, raw text), so
// that every later stage (rules, source mapping, transforms, reports) can point
// back at the chart line a person edits.
package resource

// Ref is a Kubernetes object as a finding names it (with the apiVersion it
// was written in); its identity is Ref.ID.
type Ref struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

func (r Ref) String() string { return r.ID().String() }

// Resource is one rendered document.
type Resource struct {
	Ref
	// Chart is the chart the object was rendered for: the top-level chart
	// directory (relative to the linted root where there is one).
	Chart string `json:"chart,omitempty"`
	// Source is Helm's "# Source:" path, e.g. "so/charts/so-bpmn-infra/templates/service.yaml".
	Source string `json:"source,omitempty"`
	// File is the file the document was read from when it was not rendered
	// by meshready (already-rendered YAML input).
	File string `json:"file,omitempty"`
	// Index is the document's position in the rendered stream (0-based,
	// counting only documents that hold an object).
	Index int `json:"index"`
	// StartLine is the 1-based line of the document's first line in the stream or file.
	StartLine int `json:"startLine,omitempty"`
	// Raw is the document text exactly as rendered.
	Raw string `json:"-"`
	// Object is the parsed document (duplicate keys resolved last-wins, as
	// the Kubernetes API server does).
	Object map[string]any `json:"-"`
	// Warnings note parse oddities that did not stop parsing (duplicate keys).
	Warnings []string `json:"warnings,omitempty"`
	// AliasNodes counts the nodes alias expansion produced while parsing
	// the document (budgeted per stream: MaxAliasNodes).
	AliasNodes int `json:"-"`
}

// PodTemplatePath returns the path of the pod template inside a pod-bearing
// object, or nil if the kind carries none. Pods are their own template. The
// kinds are the ones Istio injects (istio/istio pkg/kube/inject/initializer.go
// kinds: ReplicationController and OpenShift DeploymentConfig included).
func PodTemplatePath(kind string) []string {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "DeploymentConfig":
		return []string{"spec", "template"}
	case "CronJob":
		return []string{"spec", "jobTemplate", "spec", "template"}
	case "Pod":
		return []string{}
	}
	return nil
}

// IsWorkload reports whether kind carries a pod template.
func IsWorkload(kind string) bool { return PodTemplatePath(kind) != nil }
