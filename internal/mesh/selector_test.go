package mesh

import "testing"

func TestSelects(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "front"}
	for _, c := range []struct {
		name string
		sel  map[string]string
		want bool
	}{
		{"all pairs present", map[string]string{"app": "web"}, true},
		{"every pair", map[string]string{"app": "web", "tier": "front"}, true},
		{"a value differs", map[string]string{"app": "db"}, false},
		{"a key is missing", map[string]string{"app": "web", "zone": "a"}, false},
		{"empty picks nothing", map[string]string{}, false},
		{"nil picks nothing", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Selects(c.sel, labels); got != c.want {
				t.Errorf("Selects(%v) = %v, want %v", c.sel, got, c.want)
			}
		})
	}
}

func TestLabelSelectorMatches(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "front"}
	req := func(key, op string, values ...string) LabelSelector {
		return LabelSelector{MatchExpressions: []Requirement{{Key: key, Operator: op, Values: values}}}
	}
	for _, c := range []struct {
		name string
		sel  LabelSelector
		want bool
	}{
		{"empty selects everything", LabelSelector{}, true},
		{"matchLabels hit", LabelSelector{MatchLabels: map[string]string{"app": "web"}}, true},
		{"matchLabels miss", LabelSelector{MatchLabels: map[string]string{"app": "db"}}, false},
		{"In hit", req("app", "In", "db", "web"), true},
		{"In miss", req("app", "In", "db"), false},
		{"In on a missing key", req("zone", "In", "a"), false},
		{"NotIn hit", req("app", "NotIn", "db"), true},
		{"NotIn miss", req("app", "NotIn", "web"), false},
		{"NotIn on a missing key", req("zone", "NotIn", "a"), true},
		{"Exists", req("tier", "Exists"), true},
		{"Exists on a missing key", req("zone", "Exists"), false},
		{"DoesNotExist", req("zone", "DoesNotExist"), true},
		{"DoesNotExist on a present key", req("app", "DoesNotExist"), false},
		{"an unknown operator selects nothing", req("app", "Equals", "web"), false},
		{"matchLabels and expressions both hold", LabelSelector{
			MatchLabels:      map[string]string{"tier": "front"},
			MatchExpressions: []Requirement{{Key: "app", Operator: "In", Values: []string{"db"}}},
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.sel.Matches(labels); got != c.want {
				t.Errorf("Matches = %v, want %v", got, c.want)
			}
		})
	}
}

// ParseLabelSelector reads selectors of rendered objects (maps of any);
// the matching itself is Matches'.
func TestParseLabelSelector(t *testing.T) {
	labels := StringMap(map[string]any{"app": "web", "version": int64(2), "canary": true})
	expr := func(op string, values ...any) any {
		return map[string]any{"matchExpressions": []any{map[string]any{"key": "version", "operator": op, "values": values}}}
	}
	for _, c := range []struct {
		name string
		sel  any
		want bool
	}{
		// a monitor's selector is a value, not a pointer: missing is empty
		{"a missing selector is empty and selects everything", nil, true},
		{"an empty selector selects everything", map[string]any{}, true},
		{"matchLabels of numbers and bools read as text", map[string]any{"matchLabels": map[string]any{"version": "2", "canary": "true"}}, true},
		{"matchLabels miss", map[string]any{"matchLabels": map[string]any{"app": "db"}}, false},
		{"In over numbers", expr("In", int64(1), int64(2)), true},
		{"NotIn", expr("NotIn", "2"), false},
		{"an unknown operator selects nothing", expr("Equals", "2"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseLabelSelector(c.sel).Matches(labels); got != c.want {
				t.Errorf("ParseLabelSelector(%v).Matches = %v, want %v", c.sel, got, c.want)
			}
		})
	}
}
