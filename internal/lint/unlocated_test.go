package lint_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/lint/linttest"
	"github.com/meshready/meshready/internal/testutil"
)

// TestUnlocated: Options.Unlocated (set by the fixer) gives the same
// findings with File, Line, Also and Fix left empty, on charts whose
// findings lint locates and suggests fixes for.
func TestUnlocated(t *testing.T) {
	root := testutil.RepoRoot(t)
	run := func(unlocated bool, chart string) []finding.Finding {
		rep := linttest.Run(t, linttest.New(t, root, func(o *lint.Options) { o.Unlocated = unlocated }), filepath.Join(root, "charts-fixtures", chart))
		return rep.Findings
	}
	for _, chart := range []string{"bad-ports", "bad-injection", "umbrella"} {
		t.Run(chart, func(t *testing.T) {
			located, unlocated := run(false, chart), run(true, chart)
			lines, fixes := 0, 0
			for i := range located {
				if located[i].Line > 0 {
					lines++
				}
				if located[i].Fix != nil {
					fixes++
				}
				located[i].File, located[i].Line, located[i].Also, located[i].Fix = "", 0, nil, nil
			}
			if lines == 0 {
				t.Fatalf("no finding on %s is located: the test shows nothing", chart)
			}
			if chart == "bad-ports" && fixes == 0 {
				t.Fatalf("no finding on %s has a suggested fix: the test shows nothing", chart)
			}
			// the report sorts by file and line: compare in another order
			byField := cmpopts.SortSlices(func(a, b finding.Finding) bool {
				return a.Rule+"\x00"+a.Resource.String()+"\x00"+a.Field+"\x00"+a.Message < b.Rule+"\x00"+b.Resource.String()+"\x00"+b.Field+"\x00"+b.Message
			})
			if d := cmp.Diff(located, unlocated, byField); d != "" {
				t.Errorf("unlocated findings differ from located ones with File, Line, Also and Fix emptied (-located +unlocated):\n%s", d)
			}
		})
	}
}
