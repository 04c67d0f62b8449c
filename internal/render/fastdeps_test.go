package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/testutil"
)

// depsCase is one chart to process with Helm's and our dependency
// processing.
type depsCase struct {
	name string
	dir  string
	opts Options
}

// loadPair loads the chart twice (independent clones, independent value
// copies) with the case's options.
func loadPair(t testing.TB, h *Helm, dir string) (a, b *chart.Chart, va, vb map[string]any) {
	t.Helper()
	a, _, abs, err := h.Load(dir)
	if err != nil {
		t.Fatalf("%s: load: %v", dir, err)
	}
	b, _, _, err = h.Load(dir)
	if err != nil {
		t.Fatalf("%s: load: %v", dir, err)
	}
	if a == b {
		t.Fatalf("%s: Load returned the same chart twice", dir)
	}
	if va, err = h.Values(abs); err != nil {
		t.Fatal(err)
	}
	if vb, err = h.Values(abs); err != nil {
		t.Fatal(err)
	}
	return a, b, va, vb
}

// chartNode is what dependency processing can change in one chart of the
// tree, in a form go-cmp compares.
type chartNode struct {
	Path     string // ChartFullPath: names (aliases applied) up the parent chain
	Metadata *chart.Metadata
	Values   map[string]any
	Children []chartNode
}

func snapshot(c *chart.Chart) chartNode {
	n := chartNode{Path: c.ChartFullPath(), Metadata: c.Metadata, Values: c.Values}
	for _, d := range c.Dependencies() {
		n.Children = append(n.Children, snapshot(d))
	}
	return n
}

// enabledTree lists the enabled dependency tree, one line per chart:
// path, chart name, version.
func enabledTree(c *chart.Chart, indent string, out *[]string) {
	*out = append(*out, fmt.Sprintf("%s%s %s", indent, c.Name(), c.Metadata.Version))
	for _, d := range c.Dependencies() {
		enabledTree(d, indent+"  ", out)
	}
}

func countCharts(c *chart.Chart) int {
	n := 1
	for _, d := range c.Dependencies() {
		n += countCharts(d)
	}
	return n
}

var releaseOpts = chartutil.ReleaseOptions{Name: "onap", Namespace: "onap", Revision: 1, IsInstall: true}

func capsFor(o Options) *chartutil.Capabilities {
	caps := chartutil.DefaultCapabilities.Copy()
	caps.APIVersions = append(caps.APIVersions, o.APIVersions...)
	return caps
}

// compareProcessing runs Helm's ProcessDependenciesWithMerge on one clone
// and processDependencies on the other, and compares everything Helm's
// processing can change, plus the values the engine would see. It returns
// the number of charts in the processed tree.
func compareProcessing(t *testing.T, h *Helm, dir string) int {
	t.Helper()
	hc, fc, hv, fv := loadPair(t, h, dir)
	herr := chartutil.ProcessDependenciesWithMerge(hc, hv)
	ferr := processDependencies(fc, fv)
	if fmt.Sprint(herr) != fmt.Sprint(ferr) {
		t.Fatalf("%s: errors differ: helm %v, ours %v", dir, herr, ferr)
	}
	if herr != nil {
		t.Logf("%s: both fail with: %v", dir, herr)
		return 0
	}
	var ht, ft []string
	enabledTree(hc, "", &ht)
	enabledTree(fc, "", &ft)
	if d := cmp.Diff(ht, ft); d != "" {
		t.Errorf("%s: enabled dependency trees differ (-helm +ours):\n%s", dir, d)
	}
	if d := cmp.Diff(snapshot(hc), snapshot(fc)); d != "" {
		t.Errorf("%s: processed charts differ (-helm +ours):\n%s", dir, d)
	}
	if d := cmp.Diff(hv, fv); d != "" {
		t.Errorf("%s: user values changed differently (-helm +ours):\n%s", dir, d)
	}
	caps := capsFor(h.Opts)
	hr, herr := chartutil.ToRenderValues(hc, hv, releaseOpts, caps)
	fr, ferr := chartutil.ToRenderValues(fc, fv, releaseOpts, caps)
	if fmt.Sprint(herr) != fmt.Sprint(ferr) {
		t.Fatalf("%s: ToRenderValues errors differ: helm %v, ours %v", dir, herr, ferr)
	}
	if d := cmp.Diff(hr["Values"], fr["Values"]); d != "" {
		t.Errorf("%s: render values differ (-helm +ours):\n%s", dir, d)
	}
	return countCharts(hc)
}

func fixtureCases(t testing.TB) []depsCase {
	root := filepath.Join(testutil.RepoRoot(t), "charts-fixtures")
	dirs, err := charttree.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []depsCase
	opts := DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	for _, d := range dirs {
		out = append(out, depsCase{name: filepath.Base(d), dir: d, opts: opts})
	}
	return out
}

// umbrellaCase prepares master's onap umbrella with every component
// enabled. Its authentication dependency (oauth2-proxy, a remote chart)
// cannot be resolved offline, so the umbrella is copied to a temp dir
// without it, and '@local' dependencies resolve against the master tree.
func umbrellaCase(t testing.TB) depsCase {
	t.Helper()
	master := testutil.OOMTree(t, "master")
	dst := filepath.Join(t.TempDir(), "onap")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(master, "onap"))); err != nil {
		t.Fatal(err)
	}
	md, err := chartutil.LoadChartfile(filepath.Join(dst, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.ChartPaths = []string{master}
	// the copy lives outside the tree its file:// dependencies point into
	opts.AllowOutsideRoot = true
	opts.Set = []string{"global.masterPassword=x"}
	var kept []*chart.Dependency
	for _, d := range md.Dependencies {
		if d.Name == "authentication" {
			continue
		}
		kept = append(kept, d)
		for _, c := range strings.Split(d.Condition, ",") {
			if c = strings.TrimSpace(c); c != "" {
				opts.Set = append(opts.Set, c+"=true")
			}
		}
	}
	if len(kept) != len(md.Dependencies)-1 {
		t.Fatalf("onap/Chart.yaml has no authentication dependency to drop")
	}
	md.Dependencies = kept
	if err := chartutil.SaveChartfile(filepath.Join(dst, "Chart.yaml"), md); err != nil {
		t.Fatal(err)
	}
	return depsCase{name: "onap-umbrella", dir: dst, opts: opts}
}

// TestProcessDependenciesMatchesHelm compares processDependencies with
// Helm's ProcessDependenciesWithMerge on every top-level chart of the real
// OOM trees, on our fixtures, and on the master umbrella with everything on.
func TestProcessDependenciesMatchesHelm(t *testing.T) {
	t.Run("fixtures", func(t *testing.T) {
		cases := fixtureCases(t)
		h := NewHelm(cases[0].opts)
		nodes := 0
		for _, c := range cases {
			nodes += compareProcessing(t, h, c.dir)
		}
		t.Logf("fixtures: %d charts (%d charts in their trees) identical", len(cases), nodes)
		if len(cases) < 6 {
			t.Errorf("only %d fixture charts found", len(cases))
		}
	})
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		t.Run(tree, func(t *testing.T) {
			if testing.Short() {
				t.Skip("skipping the real OOM trees in -short mode")
			}
			root := testutil.OOMTree(t, tree)
			dirs, err := charttree.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			opts := DefaultOptions()
			opts.Set = []string{"global.masterPassword=x"}
			h := NewHelm(opts)
			compared, unloadable, nodes := 0, 0, 0
			for _, d := range dirs {
				if _, _, _, err := h.Load(d); err != nil {
					// Not a dependency-processing case: the assembler (or
					// Helm's loader) rejects the chart before it.
					t.Logf("%s: does not load, nothing to compare: %v", filepath.Base(d), err)
					unloadable++
					continue
				}
				nodes += compareProcessing(t, h, d)
				compared++
			}
			t.Logf("%s: %d/%d top-level charts compared (%d charts in their trees), %d do not load", tree, compared, len(dirs), nodes, unloadable)
			if compared == 0 {
				t.Errorf("%s: no chart compared", tree)
			}
		})
	}
	t.Run("umbrella", func(t *testing.T) {
		if testing.Short() {
			t.Skip("skipping the onap umbrella in -short mode")
		}
		c := umbrellaCase(t)
		n := compareProcessing(t, NewHelm(c.opts), c.dir)
		t.Logf("umbrella: %d charts in the tree identical", n)
		if n < 50 {
			t.Errorf("umbrella has only %d charts: components were not enabled", n)
		}
	})
}

// renderProcessed renders a processed chart as lint mode does.
func renderProcessed(t *testing.T, c *chart.Chart, vals map[string]any, o Options) map[string]string {
	t.Helper()
	rv, err := chartutil.ToRenderValues(c, vals, releaseOpts, capsFor(o))
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Engine{}.Render(c, rv)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestProcessDependenciesRenderSame renders charts processed both ways with
// the engine and compares the files. Lines where two renders of Helm's
// processing differ from each other (uuidv4, randAlphaNum) are masked.
func TestProcessDependenciesRenderSame(t *testing.T) {
	cases := fixtureCases(t)
	if !testing.Short() {
		if _, err := os.Stat(filepath.Join(testutil.RepoRoot(t), "..", "shared", "oom", "SOURCE.md")); err == nil {
			master := testutil.OOMTree(t, "master")
			opts := DefaultOptions()
			opts.Set = []string{"global.masterPassword=x"}
			for _, n := range []string{"so", "aai"} {
				cases = append(cases, depsCase{name: n, dir: filepath.Join(master, n), opts: opts})
			}
			cases = append(cases, umbrellaCase(t))
		} else {
			t.Log("the real OOM trees are absent: rendering the fixtures only")
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewHelm(c.opts)
			hc, fc, hv, fv := loadPair(t, h, c.dir)
			for _, ch := range []*chart.Chart{hc, fc} {
				templates := make([]*chart.File, len(ch.Templates))
				copy(templates, ch.Templates)
				ch.Templates = templates
				withStandIns(ch)
			}
			hv2 := charttree.CopyValues(hv)
			if err := chartutil.ProcessDependenciesWithMerge(hc, hv); err != nil {
				t.Fatal(err)
			}
			if err := processDependencies(fc, fv); err != nil {
				t.Fatal(err)
			}
			want := renderProcessed(t, hc, hv, c.opts)
			again := renderProcessed(t, hc, hv2, c.opts)
			got := renderProcessed(t, fc, fv, c.opts)
			if d := cmp.Diff(sortedKeys(want), sortedKeys(got)); d != "" {
				t.Fatalf("rendered file sets differ (-helm +ours):\n%s", d)
			}
			masked, nonEmpty := 0, 0
			for name, w := range want {
				if strings.TrimSpace(w) != "" {
					nonEmpty++
				}
				if got[name] == w {
					continue
				}
				n, ok := sameButRandomLines([]byte(w), []byte(again[name]), []byte(got[name]))
				if !ok {
					t.Errorf("%s differs:\n%s", name, cmp.Diff(w, got[name]))
					continue
				}
				masked += n
			}
			t.Logf("%s: %d files (%d non-empty) identical, %d random lines masked", c.name, len(want), nonEmpty, masked)
			if nonEmpty == 0 {
				t.Errorf("%s rendered nothing", c.name)
			}
		})
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameButRandomLines compares got with a, allowing differences only on
// lines where two renders a and b differ from each other; it returns the
// number of such lines.
func sameButRandomLines(a, b, got []byte) (int, bool) {
	la, lb, lg := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n")), bytes.Split(got, []byte("\n"))
	if len(la) != len(lb) || len(la) != len(lg) {
		return 0, false
	}
	n := 0
	for i := range la {
		if bytes.Equal(la[i], lg[i]) {
			continue
		}
		if bytes.Equal(la[i], lb[i]) {
			return 0, false
		}
		n++
	}
	return n, true
}

// benchProcessing times one way of processing dependencies on fresh
// clones of a loaded chart.
func benchProcessing(b *testing.B, process func(*chart.Chart, map[string]any) error) {
	cases := map[string]func() depsCase{
		"so": func() depsCase {
			opts := DefaultOptions()
			opts.Set = []string{"global.masterPassword=x"}
			return depsCase{name: "so", dir: filepath.Join(testutil.OOMTree(b, "master"), "so"), opts: opts}
		},
		"umbrella": func() depsCase { return umbrellaCase(b) },
	}
	for _, name := range []string{"so", "umbrella"} {
		b.Run(name, func(b *testing.B) {
			c := cases[name]()
			h := NewHelm(c.opts)
			base, _, abs, err := h.Load(c.dir)
			if err != nil {
				b.Fatal(err)
			}
			vals, err := h.Values(abs)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ch := charttree.Clone(base)
				v := charttree.CopyValues(vals)
				b.StartTimer()
				if err := process(ch, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkProcessDependenciesHelm(b *testing.B) {
	benchProcessing(b, func(c *chart.Chart, v map[string]any) error {
		return chartutil.ProcessDependenciesWithMerge(c, v)
	})
}

func BenchmarkProcessDependenciesFast(b *testing.B) {
	benchProcessing(b, processDependencies)
}
