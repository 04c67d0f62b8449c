package rules

import (
	"context"
	"slices"
	"testing"
)

func TestPackages(t *testing.T) {
	e, err := New(context.Background(), src(map[string]string{
		// A complete rule.
		"a.rego": rule("rule-a", `findings contains {"resource": 0} if input.x == 1`),
		// No METADATA: it compiles, but Rules() does not list it.
		"b.rego": "package meshready.rules.rule_b\nfindings contains {\"resource\": 0} if input.x == 2\n",
		// METADATA but nothing Evaluate reads.
		"c.rego": rule("rule-c", "other := 1\n"),
		// One package over two files; findings as an object still counts.
		"d1.rego": rule("rule-d", ""),
		"d2.rego": "package meshready.rules.rule_d\nfindings[\"k\"] := {\"resource\": 0} if input.x == 3\n",
		// Not rule packages: nested below a rule package, and outside meshready.rules.
		"e.rego": "package meshready.rules.rule_a.helpers\nfindings := 1\n",
		"f.rego": "package meshready.lib\nfindings := 1\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		files    []string
		id       string
		findings bool
	}
	wants := map[string]want{
		"rule_a": {[]string{"a.rego"}, "rule-a", true},
		"rule_b": {[]string{"b.rego"}, "", true},
		"rule_c": {[]string{"c.rego"}, "rule-c", false},
		"rule_d": {[]string{"d1.rego", "d2.rego"}, "rule-d", true},
	}
	got := e.Packages()
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"rule_a", "rule_b", "rule_c", "rule_d"}) {
		t.Fatalf("packages %v, want rule_a..rule_d sorted, nested and non-rule packages left out", names)
	}
	for _, p := range got {
		w := wants[p.Name]
		if !slices.Equal(p.Files, w.files) || p.Rule.ID != w.id || p.Findings != w.findings {
			t.Errorf("%s: files %v, id %q, findings %v; want %v, %q, %v", p.Name, p.Files, p.Rule.ID, p.Findings, w.files, w.id, w.findings)
		}
	}
	// The metadata is the engine's own: the same rule Rules() lists.
	if r := got[0].Rule; r != e.Rules()[0] || r.Source != "a.rego" {
		t.Errorf("rule_a metadata %+v differs from Rules() %+v", r, e.Rules()[0])
	}
}
