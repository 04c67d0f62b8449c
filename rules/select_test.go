package rules

import (
	"context"
	"testing"
	"time"
)

// TestSelect: a rule Select leaves out is not evaluated (a rule that loops
// cannot run the chart past its limit), nor listed; the kept rules still
// fire.
func TestSelect(t *testing.T) {
	slow := `findings contains f if {
	n := count([1 | some a in numbers.range(1, 200000); some b in numbers.range(1, 200000); a == 0 - b])
	f := {"resource": 0, "message": sprintf("%d", [n])}
}`
	ports := `findings contains {"resource": 0, "field": "spec.ports[0].name", "value": "api"} if input.resources[0].kind == "Service"`
	e, err := New(context.Background(), src(map[string]string{"slow.rego": rule("slow-rule", slow), "ports.rego": rule("port-rule", ports)}))
	if err != nil {
		t.Fatal(err)
	}
	e.Timeout = 2 * time.Second // the slow rule would take far longer
	for _, c := range []struct {
		name  string
		keep  func(string) bool
		rules []string // what Rules lists
		hits  int
	}{
		{"slow rule disabled", func(id string) bool { return id != "slow-rule" }, []string{"port-rule"}, 1},
		{"everything disabled", func(string) bool { return false }, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := e.Select(context.Background(), c.keep)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range s.Rules() {
				ids = append(ids, r.ID)
			}
			if len(ids) != len(c.rules) || len(ids) > 0 && ids[0] != c.rules[0] {
				t.Errorf("Rules() = %v, want %v", ids, c.rules)
			}
			hits, err := s.Evaluate(context.Background(), []map[string]any{svc}, Settings{})
			if err != nil {
				t.Fatalf("a rule left out was evaluated: %v", err)
			}
			if len(hits) != c.hits {
				t.Errorf("%d hits, want %d: %+v", len(hits), c.hits, hits)
			}
		})
	}
	if s, err := e.Select(context.Background(), func(string) bool { return true }); err != nil || s != e {
		t.Errorf("keeping every rule: got %p, %v; want the engine itself", s, err)
	}
}
