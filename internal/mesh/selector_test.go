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
