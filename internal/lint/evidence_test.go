package lint_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/meshready/meshready/internal/lint/linttest"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/testutil"
)

// TestURLsIndexedOnce: the rules' evidence built-ins (mesh.Judge) and the
// suggestions read one set of evidence sources per chart, so a chart's
// object URLs are indexed once however many port findings it has and
// however many built-ins ask (mesh.RenderIndexes counts the indexings).
func TestURLsIndexedOnce(t *testing.T) {
	root := testutil.RepoRoot(t)
	for _, c := range []struct {
		chart string
		// fixes: the suggestions the chart gets (TestFixSuggestions), each
		// collecting evidence after the evaluation judged its ports.
		fixes int
	}{
		{"bad-ports", 3},
		{"legacy", 1},
	} {
		t.Run(c.chart, func(t *testing.T) {
			l := linttest.New(t, root)
			before := mesh.RenderIndexes()
			rep, err := l.Run(context.Background(), []string{filepath.Join(root, "charts-fixtures", c.chart)})
			if err != nil || len(rep.Errors) > 0 || rep.Summary.Charts != 1 {
				t.Fatalf("lint %s: %v %+v, %d charts", c.chart, err, rep.Errors, rep.Summary.Charts)
			}
			fixes := 0
			for _, f := range rep.Findings {
				if f.Fix != nil {
					fixes++
				}
			}
			if fixes != c.fixes {
				t.Errorf("%d suggestions, want %d", fixes, c.fixes)
			}
			if got := mesh.RenderIndexes() - before; got != 1 {
				t.Errorf("the chart's object URLs were indexed %d times, want once", got)
			}
		})
	}
}
