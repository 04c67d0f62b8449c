package render

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
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

// enabledTree lists the enabled dependency tree, one line per chart: its
// name (the alias, for an aliased copy) and version, indented by level.
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

// processedPair is one chart processed by Helm's ProcessDependenciesWithMerge
// and by processDependencies, from independent clones and value copies.
type processedPair struct {
	dir                string
	opts               Options
	helm, fast         *chart.Chart
	helmVals, fastVals map[string]any
	helmErr, fastErr   error
}

func processBoth(t testing.TB, h *Helm, dir string) *processedPair {
	t.Helper()
	p := &processedPair{dir: dir, opts: h.Opts}
	p.helm, p.fast, p.helmVals, p.fastVals = loadPair(t, h, dir)
	p.helmErr = lessGC(func() error { return chartutil.ProcessDependenciesWithMerge(p.helm, p.helmVals) })
	p.fastErr = processDependencies(p.fast, p.fastVals)
	return p
}

// referenceGCPercent is the GC target while Helm's dependency processing
// runs in a test. On master's umbrella Helm deep-copies the whole values
// tree at every enabled chart (copystructure, in CoalesceValues), and a
// third of its CPU went to the collector at the default 100. Measured on
// TestProcessDependenciesMatchesHelm/umbrella (user+sys CPU seconds, peak
// RSS): 146 s at 100; 98.5 s, 1.1 GB at 800; 94 s, 3.8 GB at 3200 (go test
// runs packages side by side: the memory is not worth 4 s). Only the
// collector's pacing changes, not what Helm computes.
const referenceGCPercent = 800

// lessGC runs f with the collector at referenceGCPercent. Tests run in
// parallel (parallelOOMTests): the first in sets the pacing, the last out
// restores it.
func lessGC(f func() error) error {
	defer holdGlobal(&gcHeld, func() func() {
		prev := debug.SetGCPercent(referenceGCPercent)
		return func() { debug.SetGCPercent(prev) }
	})()
	return f()
}

// globalsMu guards the process-wide settings tests change while others
// run in parallel (the collector's pacing, the log output).
var (
	globalsMu       sync.Mutex
	gcHeld, logHeld heldGlobal
)

// heldGlobal is one process-wide setting held by n running tests.
type heldGlobal struct {
	n       int
	restore func()
}

// holdGlobal applies set when the first test takes g and calls what set
// returned when the last one lets go (the returned func).
func holdGlobal(g *heldGlobal, set func() (restore func())) func() {
	globalsMu.Lock()
	defer globalsMu.Unlock()
	if g.n == 0 {
		g.restore = set()
	}
	g.n++
	return func() {
		globalsMu.Lock()
		defer globalsMu.Unlock()
		if g.n--; g.n == 0 {
			g.restore()
		}
	}
}

var (
	umbrellaOnce sync.Once
	umbrella     *processedPair
)

// processedUmbrella processes the master umbrella both ways once per test
// binary: Helm takes minutes on it, and two tests need the result.
func processedUmbrella(t testing.TB) *processedPair {
	t.Helper()
	testutil.OOMTree(t, "master") // skips when absent
	umbrellaOnce.Do(func() {
		c := umbrellaCase(t)
		umbrella = processBoth(t, NewHelm(c.opts), c.dir)
	})
	if umbrella == nil {
		t.Fatal("processing the umbrella failed in an earlier test")
	}
	return umbrella
}

// compareProcessing compares everything Helm's dependency processing can
// change, plus the values the engine would see. It returns the number of
// charts in the processed tree.
func compareProcessing(t *testing.T, p *processedPair) int {
	t.Helper()
	dir, hc, fc, hv, fv := p.dir, p.helm, p.fast, p.helmVals, p.fastVals
	if fmt.Sprint(p.helmErr) != fmt.Sprint(p.fastErr) {
		t.Fatalf("%s: errors differ: helm %v, ours %v", dir, p.helmErr, p.fastErr)
	}
	if p.helmErr != nil {
		t.Logf("%s: both fail with: %v", dir, p.helmErr)
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
	caps := capsFor(p.opts)
	hr, herr := chartutil.ToRenderValues(hc, hv, releaseOpts, caps)
	fr, ferr := toRenderValues(fc, fv, releaseOpts, caps)
	if fmt.Sprint(herr) != fmt.Sprint(ferr) {
		t.Fatalf("%s: ToRenderValues errors differ: helm %v, ours %v", dir, herr, ferr)
	}
	if d := cmp.Diff(hr, fr); d != "" {
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

// quietHelm silences the warnings Helm's coalescing logs by the thousand on
// the OOM trees; call the result to restore the log output (when no other
// test holds it quiet).
func quietHelm() func() {
	return holdGlobal(&logHeld, func() func() {
		w := log.Writer()
		log.SetOutput(io.Discard)
		return func() { log.SetOutput(w) }
	})
}

// TestProcessDependenciesMatchesHelm compares processDependencies with
// Helm's ProcessDependenciesWithMerge on every top-level chart of the real
// OOM trees, on our fixtures, and on the master umbrella with everything on.
func TestProcessDependenciesMatchesHelm(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	defer quietHelm()()
	t.Run("fixtures", func(t *testing.T) {
		cases := fixtureCases(t)
		h := NewHelm(cases[0].opts)
		nodes := 0
		for _, c := range cases {
			nodes += compareProcessing(t, processBoth(t, h, c.dir))
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
				nodes += compareProcessing(t, processBoth(t, h, d))
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
		n := compareProcessing(t, processedUmbrella(t))
		t.Logf("umbrella: %d charts in the tree identical", n)
		if n < 50 {
			t.Errorf("umbrella has only %d charts: components were not enabled", n)
		}
	})
}

// TestProcessDependenciesEdgeCases compares both on small charts (in
// testdata/fastdeps) built to exercise what the pruning of the values
// relies on; the OOM trees never reach these corners. Each case also checks
// that Helm's own result shows the behaviour the chart was built for.
func TestProcessDependenciesEdgeCases(t *testing.T) {
	defer quietHelm()()
	valueAt := func(m map[string]any, path ...string) any {
		var v any = m
		for _, k := range path {
			mm, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = mm[k]
		}
		return v
	}
	cases := []struct {
		dir     string
		set     []string
		wantErr string
		want    []string // Helm's enabled tree, when wantErr is empty
		check   func(t *testing.T, c *chart.Chart)
	}{
		// the top's tags, and a's own tags (read at the root), two levels down
		{dir: "tags", want: []string{"top 1.0.0", "  a 1.0.0", "    d 1.0.0"}},
		// a depends on a chart aliased "a", so a condition under a reads
		// globals re-coalesced from the root "global": the top's must win
		{dir: "global-alias", want: []string{"top 1.0.0", "  a 1.0.0", "    a 1.0.0", "    b 1.0.0"}},
		// a scalar at the root under the name of a's dependency
		{dir: "mismatch-grandchild", wantErr: "type mismatch on b: %!t(string=scalar)"},
		// b's dependency aliased "a" is coalesced at the root key "a", the
		// first key of b's path: the whole "a" table, not only the branch
		// along the path, is what it meets
		{dir: "mismatch-alias-branch", wantErr: "type mismatch on c: %!t(string=scalar)"},
		// imported tables are shared with the merged values until Helm's
		// deep copy: the parent's null must not reach d.data
		{dir: "import-null", want: []string{"top 1.0.0", "  d 1.0.0"}, check: func(t *testing.T, c *chart.Chart) {
			if d := cmp.Diff(map[string]any{"k": nil, "x": 1.0}, c.Values["p"]); d != "" {
				t.Errorf("imported p (-want +got):\n%s", d)
			}
			if d := cmp.Diff(map[string]any{"x": 1.0}, valueAt(c.Values, "d", "data")); d != "" {
				t.Errorf("d.data (-want +got):\n%s", d)
			}
			if c.Values["s"] != 1.0 {
				t.Errorf("exports.shared not imported at the root: s = %v", c.Values["s"])
			}
		}},
		// coalescing shares nested global tables, so a subchart's
		// global.a1.b1.z lands in the parent's processed values
		{dir: "global-depth", want: []string{"top 1.0.0", "  a 1.0.0"}, check: func(t *testing.T, c *chart.Chart) {
			if d := cmp.Diff(map[string]any{"x": 1.0, "z": 2.0}, valueAt(c.Values, "global", "a1", "b1")); d != "" {
				t.Errorf("global.a1.b1 (-want +got):\n%s", d)
			}
		}},
		// two aliases of one chart sharing dependency entries, comma and
		// non-bool conditions, user nulls (merged into a subchart table, or
		// dropping one), a condition three levels down, an unlisted chart
		{dir: "mixed", set: []string{"global.sOn=true", "a.s1.w.enabled=false", "a.t.flag=null", "a.u=null"},
			want: []string{"top 1.0.0", "  extra 1.0.0", "  a 1.0.0", "    s1 1.0.0", "    s2 1.0.0", "      w 1.0.0", "    t 1.0.0", "    u 1.0.0"},
			check: func(t *testing.T, c *chart.Chart) {
				a := c.Dependencies()[1]
				if s1 := a.Dependencies()[0]; s1.Metadata.Dependencies != nil {
					t.Errorf("s1 keeps dependency entries %v", s1.Metadata.Dependencies)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Set = tc.set
			p := processBoth(t, NewHelm(opts), filepath.Join("testdata", "fastdeps", tc.dir))
			if tc.wantErr != "" {
				if p.helmErr == nil || p.helmErr.Error() != tc.wantErr {
					t.Fatalf("Helm's error is %v, the chart was built for %q", p.helmErr, tc.wantErr)
				}
			} else {
				if p.helmErr != nil {
					t.Fatalf("Helm fails: %v", p.helmErr)
				}
				var got []string
				enabledTree(p.helm, "", &got)
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Fatalf("Helm's enabled tree is not what the chart was built for (-want +got):\n%s", d)
				}
				if tc.check != nil {
					tc.check(t, p.helm)
				}
			}
			compareProcessing(t, p)
		})
	}
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
// the engine, lint mode's stand-ins applied, and compares the files. Lines
// where two renders of Helm's processing differ from each other (uuidv4,
// randAlphaNum) are masked.
func TestProcessDependenciesRenderSame(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	defer quietHelm()()
	type renderCase struct {
		name string
		pair func(t *testing.T) *processedPair
	}
	var cases []renderCase
	for _, c := range fixtureCases(t) {
		cases = append(cases, renderCase{c.name, func(t *testing.T) *processedPair {
			return processBoth(t, NewHelm(c.opts), c.dir)
		}})
	}
	for _, n := range []string{"so", "aai"} {
		cases = append(cases, renderCase{n, func(t *testing.T) *processedPair {
			if testing.Short() {
				t.Skip("skipping the real OOM trees in -short mode")
			}
			opts := DefaultOptions()
			opts.Set = []string{"global.masterPassword=x"}
			return processBoth(t, NewHelm(opts), filepath.Join(testutil.OOMTree(t, "master"), n))
		}})
	}
	cases = append(cases, renderCase{"onap-umbrella", func(t *testing.T) *processedPair {
		if testing.Short() {
			t.Skip("skipping the onap umbrella in -short mode")
		}
		return processedUmbrella(t)
	}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.pair(t)
			if p.helmErr != nil || p.fastErr != nil {
				t.Fatalf("processing failed: helm %v, ours %v", p.helmErr, p.fastErr)
			}
			// The stand-ins only rewrite templates, which dependency
			// processing never reads, so applying them after it is the same.
			for _, ch := range []*chart.Chart{p.helm, p.fast} {
				templates := make([]*chart.File, len(ch.Templates))
				copy(templates, ch.Templates)
				ch.Templates = templates
				withStandIns(ch)
			}
			want := renderProcessed(t, p.helm, p.helmVals, p.opts)
			got := renderProcessed(t, p.fast, p.fastVals, p.opts)
			// Helm's second render only serves to mask random lines, so it
			// runs only when a file differs (the umbrella takes minutes).
			var again map[string]string
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
				if again == nil {
					again = renderProcessed(t, p.helm, p.helmVals, p.opts)
				}
				n, ok := testutil.SameButRandom([]byte(w), []byte(again[name]), []byte(got[name]))
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

// benchProcessing times one way of processing dependencies on fresh
// clones of a loaded chart.
func benchProcessing(b *testing.B, process func(*chart.Chart, map[string]any) error) {
	defer quietHelm()()
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
