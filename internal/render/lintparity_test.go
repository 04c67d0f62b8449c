package render_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// TestLintModeRendersWhatHelmRenders renders every top-level chart of every
// shared OOM tree twice: in lint mode (stand-ins, no --set) and through
// Helm's exact path (with the deploy-time secret OOM requires passed as a
// user would). The same charts must render, and each must give the same
// objects (kind/namespace/name): a stand-in may change a value no rule
// reads, never whether or what a chart renders.
func TestLintModeRendersWhatHelmRenders(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	if testing.Short() {
		t.Skip("skipping the whole-tree lint/exact comparison in -short mode")
	}
	for _, tc := range []struct{ tree, helmCompat string }{
		{"casablanca", ""}, {"jakarta", ""}, {"honolulu", ""}, {"montreal", ""}, {"master", ""},
		// honolulu as OOM built it, with Helm 3.6 (--helm-compat)
		{"honolulu", "3.6"},
	} {
		tree := tc.tree
		name := tree
		if tc.helmCompat != "" {
			name += "-helm" + tc.helmCompat
		}
		t.Run(name, func(t *testing.T) {
			root := testutil.OOMTree(t, tree)
			charts, err := charttree.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			exactOpts := render.DefaultOptions()
			exactOpts.Set = []string{"global.masterPassword=x"}
			exactOpts.HelmCompat = tc.helmCompat
			lintOpts := render.DefaultOptions()
			lintOpts.LintMode = true
			lintOpts.HelmCompat = tc.helmCompat
			// a shared machine's load, not the charts, decides the wall time
			exactOpts.Timeout, lintOpts.Timeout = 10*time.Minute, 10*time.Minute
			exact := render.NewHelm(exactOpts)
			lint := render.NewHelm(lintOpts)
			rendered, failed, objects := 0, 0, 0
			for _, dir := range charts {
				name := filepath.Base(dir)
				er := renderOnce(exact, dir)
				eerr := er.err
				lr, lerr := lint.Render(context.Background(), dir)
				switch {
				case eerr != nil && lerr != nil:
					failed++
					continue
				case eerr != nil:
					t.Errorf("%s: lint mode renders it, Helm's exact path fails: %v", name, eerr)
					continue
				case lerr != nil:
					t.Errorf("%s: Helm's exact path renders it, lint mode fails: %v", name, lerr)
					continue
				}
				want, got := er.refs, refs(lr)
				if strings.Join(want, "\n") != strings.Join(got, "\n") {
					t.Errorf("%s: lint mode renders other objects than Helm:\n%s", name, setDiff(want, got))
					continue
				}
				rendered++
				objects += len(want)
			}
			fmt.Printf("lint/exact parity %s: %d charts render the same %d objects in both modes, %d fail in both, of %d\n", name, rendered, objects, failed, len(charts))
		})
	}
}

func refs(r *render.Result) []string {
	out := make([]string, 0, len(r.Resources))
	for _, x := range r.Resources {
		out = append(out, x.Kind+"/"+x.Namespace+"/"+x.Name)
	}
	sort.Strings(out)
	return out
}

// setDiff lists what only one side has ("-" Helm only, "+" lint only).
func setDiff(want, got []string) string {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		count[g]--
	}
	var b strings.Builder
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch n := count[k]; {
		case n > 0:
			fmt.Fprintf(&b, "  - %s (x%d)\n", k, n)
		case n < 0:
			fmt.Fprintf(&b, "  + %s (x%d)\n", k, -n)
		}
	}
	return b.String()
}
