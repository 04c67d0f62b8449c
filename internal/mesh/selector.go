package mesh

import (
	"k8s.io/apimachinery/pkg/labels"

	"github.com/meshready/meshready/internal/resource"
	"k8s.io/apimachinery/pkg/selection"
)

// Selects reports whether a plain selector map (a Service's spec.selector)
// picks labels: each of its pairs must be there. An empty one picks
// nothing, as a Service without a selector has no pods (Kubernetes'
// endpoints controller skips it: pkg/controller/endpoint).
func Selects(sel, lbls map[string]string) bool {
	return len(sel) > 0 && labels.SelectorFromValidatedSet(sel).Matches(labels.Set(lbls))
}

// LabelSelector is a metav1.LabelSelector (a monitor's spec.selector, a
// PeerAuthentication's spec.selector). The KRM function decodes it from
// YAML; the fixer fills it from a parsed map.
type LabelSelector struct {
	MatchLabels      map[string]string `yaml:"matchLabels"`
	MatchExpressions []Requirement     `yaml:"matchExpressions"`
}

// Requirement is one entry of matchExpressions.
type Requirement struct {
	Key      string   `yaml:"key"`
	Operator string   `yaml:"operator"`
	Values   []string `yaml:"values"`
}

var operators = map[string]selection.Operator{
	"In": selection.In, "NotIn": selection.NotIn, "Exists": selection.Exists, "DoesNotExist": selection.DoesNotExist,
}

// Matches reports whether s selects lbls, as the API evaluates it
// (k8s.io/apimachinery labels): an empty selector selects everything; an
// unknown operator or a malformed requirement makes the selector invalid,
// and it selects nothing.
func (s LabelSelector) Matches(lbls map[string]string) bool {
	sel := labels.SelectorFromValidatedSet(s.MatchLabels)
	for _, r := range s.MatchExpressions {
		op, ok := operators[r.Operator]
		if !ok {
			return false
		}
		req, err := labels.NewRequirement(r.Key, op, r.Values)
		if err != nil {
			return false
		}
		sel = sel.Add(*req)
	}
	return sel.Matches(labels.Set(lbls))
}

// Backends are the workloads among rs that Service svc selects
// (BackendsOf, reading each object's namespace as it is written): the
// objects PlanPort and Generate edit.
func Backends(rs []*resource.Resource, svc *resource.Resource) []*resource.Resource {
	objects := make([]map[string]any, len(rs))
	for i, r := range rs {
		objects[i] = r.Object
	}
	var out []*resource.Resource
	for _, b := range BackendsOf(svc.Object, "", Workloads(objects, "")) {
		out = append(out, rs[b.Index])
	}
	return out
}

// PodTemplate is the pod template of a pod-bearing object (a Pod is its
// own), or nil.
func PodTemplate(kind string, o map[string]any) map[string]any {
	path := resource.PodTemplatePath(kind)
	if path == nil {
		return nil
	}
	var cur any = o
	for _, k := range path {
		cur = field(cur, k)
	}
	m, _ := cur.(map[string]any)
	return m
}
