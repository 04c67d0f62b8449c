package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// TestDisabledRulesNotEvaluated: a rule the configuration disables is not
// evaluated (a --policy rule that loops cannot run a chart past its time
// limit) and the report does not list it among the rules that ran.
func TestDisabledRulesNotEvaluated(t *testing.T) {
	policies := t.TempDir()
	loop := `# METADATA
# title: Loops
# description: Runs past any time limit.
# custom:
#   id: slow-rule
#   severity: warning
#   family: ports
#   remediation: None.
package meshready.rules.slow_rule

findings contains f if {
	n := count([1 | some a in numbers.range(1, 200000); some b in numbers.range(1, 200000); a == 0 - b])
	f := {"resource": 0, "message": sprintf("%d", [n])}
}
`
	if err := os.WriteFile(filepath.Join(policies, "slow.rego"), []byte(loop), 0o644); err != nil {
		t.Fatal(err)
	}
	eng, err := rules.NewDefault(context.Background(), policies)
	if err != nil {
		t.Fatal(err)
	}
	eng.Timeout = 5 * time.Second // the loop would take far longer
	root := testutil.RepoRoot(t)
	for _, c := range []struct {
		name     string
		rules    config.Rules
		disabled []string
	}{
		{"disable", config.Rules{Disable: []string{"slow-rule", "port-protocol-name"}}, []string{"slow-rule", "port-protocol-name"}},
		{"enable", config.Rules{Enable: []string{"port-protocol-mismatch"}}, []string{"slow-rule", "port-protocol-name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := lint.New(eng, lint.Options{
				Render:  render.DefaultOptions(),
				Config:  &config.Config{Rules: c.rules},
				WorkDir: root,
			})
			rep, err := l.Run(context.Background(), []string{filepath.Join(root, "charts-fixtures", "bad-ports")})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) > 0 {
				t.Fatalf("a disabled rule was evaluated: %+v", rep.Errors)
			}
			if rep.Summary.Charts != 1 {
				t.Fatalf("linted %d charts, want 1", rep.Summary.Charts)
			}
			for _, id := range c.disabled {
				for _, r := range rep.Rules {
					if r.ID == id {
						t.Errorf("the report lists %s as run", id)
					}
				}
				for _, f := range rep.Findings {
					if f.Rule == id {
						t.Errorf("a finding of %s: %s", id, f.Message)
					}
				}
			}
			if len(rep.Rules) == 0 {
				t.Error("the report lists no rule at all")
			}
		})
	}
}
