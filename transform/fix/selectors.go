package fix

import (
	"fmt"

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
func podLabels(w *resource.Resource) map[string]string {
	v, _ := resource.Lookup(w.Object, fieldPath(podPath(w.Kind), "metadata", "labels"))
	return labelSet(v)
}

// labelSet reads a label map of a rendered object as the strings the API
// holds (a number or a bool reads as its text, null as "").
func labelSet(v any) map[string]string {
	out := map[string]string{}
	for k, x := range asMap(v) {
		out[k] = text(x)
	}
	return out
}

// text is a scalar as the API's string fields hold it.
func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
