package fix

import "testing"

// The fixer reads selectors from parsed objects (maps of any); these check
// its reading, the matching itself is internal/mesh's.
func TestLabelSelectorOfRenderedObjects(t *testing.T) {
	labels := labelSet(map[string]any{"app": "web", "version": int64(2), "canary": true})
	expr := func(op string, values ...any) any {
		return map[string]any{"matchExpressions": []any{map[string]any{"key": "version", "operator": op, "values": values}}}
	}
	for _, c := range []struct {
		name string
		sel  any
		want bool
	}{
		{"a missing selector selects nothing here", nil, false},
		{"an empty selector selects everything", map[string]any{}, true},
		{"matchLabels of numbers and bools read as text", map[string]any{"matchLabels": map[string]any{"version": "2", "canary": "true"}}, true},
		{"matchLabels miss", map[string]any{"matchLabels": map[string]any{"app": "db"}}, false},
		{"In over numbers", expr("In", int64(1), int64(2)), true},
		{"NotIn", expr("NotIn", "2"), false},
		// It used to be ignored, selecting like no expression at all; the
		// API refuses such a selector, so it selects nothing.
		{"an unknown operator selects nothing", expr("Equals", "2"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := labelSelector(c.sel, labels); got != c.want {
				t.Errorf("labelSelector(%v) = %v, want %v", c.sel, got, c.want)
			}
		})
	}
}
