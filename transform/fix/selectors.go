package fix

import (
	"fmt"

	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

func asList(v any) []any { l, _ := v.([]any); return l }

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asMaps(v any) []map[string]any {
	var out []map[string]any
	for _, x := range asList(v) {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// podLabels are a workload's pod template labels.
func podLabels(w *resource.Resource) map[string]any {
	v, _ := resource.Lookup(w.Object, fieldPath(podPath(w.Kind), "metadata", "labels"))
	return asMap(v)
}

// backends are the workloads a Service selects, in its namespace.
func backends(res *render.Result, svc *resource.Resource) []*resource.Resource {
	sel, _ := resource.Lookup(svc.Object, "spec.selector")
	sm := asMap(sel)
	if len(sm) == 0 {
		return nil
	}
	var out []*resource.Resource
	for _, r := range res.Resources {
		if !resource.IsWorkload(r.Kind) || r.Namespace != svc.Namespace {
			continue
		}
		if matchLabels(sm, podLabels(r)) {
			out = append(out, r)
		}
	}
	return out
}

func podSpecs(ws []*resource.Resource) []map[string]any {
	var out []map[string]any
	for _, w := range ws {
		v, _ := resource.Lookup(w.Object, fieldPath(podPath(w.Kind), "spec"))
		if m := asMap(v); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func matchLabels(sel, labels map[string]any) bool {
	for k, v := range sel {
		if fmt.Sprint(labels[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

// labelSelector evaluates a LabelSelector (matchLabels and the simple
// matchExpressions); an empty selector selects everything.
func labelSelector(sel any, labels map[string]any) bool {
	s := asMap(sel)
	if s == nil {
		return false
	}
	if !matchLabels(asMap(s["matchLabels"]), labels) {
		return false
	}
	for _, e := range asMaps(s["matchExpressions"]) {
		key, _ := e["key"].(string)
		v, has := labels[key]
		in := false
		for _, x := range asList(e["values"]) {
			in = in || fmt.Sprint(x) == fmt.Sprint(v)
		}
		switch e["operator"] {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}

// monitorNamespace tells whether a monitor's namespaceSelector covers ns.
func monitorNamespace(m *resource.Resource, ns string) bool {
	sel, _ := resource.Lookup(m.Object, "spec.namespaceSelector")
	s := asMap(sel)
	if s["any"] == true {
		return true
	}
	if names := asList(s["matchNames"]); len(names) > 0 {
		for _, n := range names {
			if n == ns {
				return true
			}
		}
		return false
	}
	return m.Namespace == ns
}
