package resource_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// TestFastYAMLOnOOM: every document of every chart of the real OOM trees,
// rendered as lint renders it, parses to the same resource with the fast
// path as with yaml.v3 alone; so does every document of casablanca's
// charts rendered exactly as `helm template` prints them, and every
// values.yaml. The fast path must take nearly all rendered documents, or it
// would not pay for itself.
func TestFastYAMLOnOOM(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the whole-tree render in -short mode")
	}
	defer resource.RestoreParser()
	for _, tc := range []struct {
		tree  string
		exact bool // also compare helm's exact output (slow for trees full of derivePassword)
	}{{"casablanca", true}, {"jakarta", false}, {"master", false}} {
		t.Run(tc.tree, func(t *testing.T) {
			modes := []bool{true}
			if tc.exact {
				modes = append(modes, false)
			}
			for _, lint := range modes {
				h, charts := oomRenderer(t, tc.tree, lint)
				var mu sync.Mutex
				docs, fast, diffs := 0, 0, 0
				resource.CompareParsers(func(text string, took bool, diff string) {
					mu.Lock()
					defer mu.Unlock()
					docs++
					if took {
						fast++
					}
					if diff != "" {
						if diffs++; diffs <= 3 {
							t.Errorf("lint mode %v: %s\n--- document:\n%s", lint, diff, text)
						}
					}
				})
				for _, dir := range charts {
					_, _ = h.Render(context.Background(), dir) // errors: charts Helm itself rejects (see TestOOMParity)
				}
				resource.RestoreParser()
				if diffs > 0 {
					t.Fatalf("%d documents parse differently on the fast path", diffs)
				}
				share := 100 * float64(fast) / float64(max(docs, 1))
				t.Logf("%s, lint mode %v: the fast path took %d of %d documents (%.1f%%)", tc.tree, lint, fast, docs, share)
				if docs < 100 {
					t.Fatalf("only %d documents: the tree did not render", docs)
				}
				if share < 90 {
					t.Errorf("the fast path took only %.1f%% of the documents (want at least 90%%)", share)
				}
			}
			checkValuesFiles(t, testutil.OOMTree(t, tc.tree))
		})
	}
}

// oomRenderer returns a renderer (in lint mode or exact) and the top-level
// charts of an OOM tree.
func oomRenderer(tb testing.TB, tree string, lint bool) (*render.Helm, []string) {
	charts, err := charttree.Discover(testutil.OOMTree(tb, tree))
	if err != nil {
		tb.Fatal(err)
	}
	opts := render.DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	opts.LintMode = lint
	return render.NewHelm(opts), charts
}

// checkValuesFiles compares both paths on every values.yaml under root:
// hand-written YAML, more varied than Helm's output.
func checkValuesFiles(t *testing.T, root string) {
	docs, fast := 0, 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "values.yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, doc := range resource.SplitDocs(data) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			docs++
			got, ok := resource.ParseDocFast(doc)
			if !ok {
				continue
			}
			fast++
			want, err := resource.ParseDocYAML(doc)
			if err != nil {
				t.Fatalf("%s: the fast path accepted a document yaml.v3 rejects (%v)", p, err)
			}
			if d := resource.DiffResource(want, got); d != "" {
				t.Fatalf("%s: %s", p, d)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("values.yaml: the fast path took %d of %d documents", fast, docs)
	if docs < 100 {
		t.Fatalf("only %d values.yaml documents under %s", docs, root)
	}
}

// BenchmarkParse parses casablanca's rendered charts (each stream as
// `helm template` prints it) with the fast path and with yaml.v3 alone;
// compare the two ns/op figures of one run.
func BenchmarkParse(b *testing.B) {
	h, charts := oomRenderer(b, "casablanca", false)
	var streams [][]byte
	size := 0
	for _, dir := range charts {
		if res, err := h.Render(context.Background(), dir); err == nil {
			streams = append(streams, []byte(res.Manifest))
			size += len(res.Manifest)
		}
	}
	for _, bc := range []struct {
		name  string
		parse func(string, []byte) ([]*resource.Resource, error)
	}{{"fast", resource.Parse}, {"yaml", resource.ParseYAML}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range streams {
					if _, err := bc.parse("bench", s); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
