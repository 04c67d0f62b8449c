// Package selector evaluates Kubernetes label selectors, so the chart fixer
// (transform/fix) and the KRM function (transform/krmfn) pick the same
// objects: the pods behind a Service, the Services and pods a monitor
// watches.
package mesh

import "slices"

// Selects reports whether a plain selector map (a Service's spec.selector)
// picks labels: each of its pairs must be there. An empty one picks
// nothing, as a Service without a selector has no pods.
func Selects(sel, labels map[string]string) bool {
	return len(sel) > 0 && subset(sel, labels)
}

// LabelSelector is a metav1.LabelSelector (a monitor's spec.selector). The
// KRM function decodes it from YAML; the fixer fills it from a parsed map.
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

// Matches reports whether s selects labels, as the API evaluates it: an
// empty selector selects everything; an unknown operator makes the selector
// invalid, and it selects nothing.
func (s LabelSelector) Matches(labels map[string]string) bool {
	if !subset(s.MatchLabels, labels) {
		return false
	}
	for _, r := range s.MatchExpressions {
		if !r.matches(labels) {
			return false
		}
	}
	return true
}

func (r Requirement) matches(labels map[string]string) bool {
	v, has := labels[r.Key]
	switch r.Operator {
	case "In":
		return has && slices.Contains(r.Values, v)
	case "NotIn":
		return !has || !slices.Contains(r.Values, v)
	case "Exists":
		return has
	case "DoesNotExist":
		return !has
	}
	return false
}

// subset: every pair of sel is in labels.
func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if lv, ok := labels[k]; !ok || lv != v {
			return false
		}
	}
	return true
}
