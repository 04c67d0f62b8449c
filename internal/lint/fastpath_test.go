package lint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// TestFastPathFindingsIdentical lints each real OOM tree twice: with lint
// mode's shortcuts (parallel workers, direct engine render, stand-ins for
// derivePassword and certificate generation) and with a plain, sequential
// `helm template`-exact render. The findings must be identical JSON.
func TestFastPathFindingsIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the whole-tree comparison in -short mode")
	}
	eng, err := rules.NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		t.Run(tree, func(t *testing.T) {
			root := testutil.OOMTree(t, tree)
			run := func(plain bool, workers int) []byte {
				o := render.DefaultOptions()
				o.Set = []string{"global.masterPassword=x"}
				l := lint.New(eng, lint.Options{Render: o, PlainRender: plain, Workers: workers,
					Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3"}})
				rep, err := l.Run(context.Background(), []string{root})
				if err != nil {
					t.Fatal(err)
				}
				b, err := json.MarshalIndent(rep, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			fast, plain := run(false, 0), run(true, 1)
			if d := cmp.Diff(string(plain), string(fast)); d != "" {
				t.Fatalf("lint mode changed the report (-plain +fast):\n%s", d)
			}
			var rep struct {
				Findings []any
				Summary  map[string]int
			}
			_ = json.Unmarshal(fast, &rep)
			fmt.Printf("fast path %s: %d findings identical to the plain sequential render (%v)\n", tree, len(rep.Findings), rep.Summary)
		})
	}
}
