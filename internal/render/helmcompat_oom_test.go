package render_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/internal/workpool"
)

// TestHonoluluAsHelm36RendersIt renders every top-level chart of honolulu
// (built by OOM with Helm 3.6) with --helm-compat 3.6 and compares it with
// `helm template` of the real helm v3.6.3 CLI (oldHelm) over the chart as
// `meshready deps` vendors it, as TestOOMParity does with today's helm: the
// same charts must render, each object byte-equal. Without --helm-compat
// the charts using OOM common's subChartDot fail as they fail in today's
// helm, which the test runs on aaf: the setting is what makes the
// difference. MESHREADY_HELM36_CHARTS (comma-separated chart names, e.g.
// "oof") limits the comparison to those charts.
func TestHonoluluAsHelm36RendersIt(t *testing.T) {
	t.Parallel() // a whole-tree comparison: see parallelOOMTests
	if testing.Short() {
		t.Skip("skipping the whole-tree helm 3.6.3 comparison in -short mode")
	}
	root := testutil.OOMTree(t, "honolulu")
	helm36 := oldHelm(t, "v3.6.3")
	charts, err := charttree.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("MESHREADY_HELM36_CHARTS")
	if only != "" {
		charts = onlyCharts(t, charts, strings.Split(only, ","))
	}
	opts := render.DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	opts.Timeout = 10 * time.Minute // a shared machine's load, not the charts, decides the wall time
	today := render.NewHelm(opts)
	opts.HelmCompat = "3.6"
	compat := render.NewHelm(opts)
	vendor := t.TempDir()
	// one row per chart, in chart order; charts run four at a time,
	// largest first by the renderer's own cost rule (Helm.Costs: charts in
	// the folder), as lint schedules them: helm 3.6.3 parses every template
	// again on each tpl call, so so takes minutes and must not start last
	targets := make([]render.Target, len(charts))
	for i, c := range charts {
		targets[i] = render.Target{Path: c, Root: root, Kind: render.KindChart}
	}
	rows := make([]helm36Row, len(charts))
	workpool.RunLargestFirst(compat.Costs(targets), 4, func(i int) {
		rows[i] = helm36Chart(t, charts[i], vendor, opts, compat, today, helm36)
	})
	var table strings.Builder
	rendered, objects, onlyCompat := 0, 0, 0
	for _, r := range rows {
		switch {
		case r.name == "":
			continue // reported
		case r.failedBoth:
			fmt.Fprintf(&table, "| %s | fails in helm 3.6.3 and meshready | | |\n", r.name)
			continue
		}
		fmt.Fprintf(&table, "| %s | %d | %d | %v |\n", r.name, r.objects, r.equal, r.objects == r.equal)
		if r.needsCompat {
			onlyCompat++
		}
		if r.objects == r.equal {
			rendered++
		}
		objects += r.objects
	}
	fmt.Printf("helm 3.6.3 parity honolulu (--helm-compat 3.6), per chart:\n| chart | objects | byte-equal | same |\n|---|---|---|---|\n%s", table.String())
	fmt.Printf("helm 3.6.3 parity honolulu: %d/%d charts byte-equal to helm v3.6.3, %d objects rendered by both, %d charts fail without --helm-compat\n", rendered, len(charts), objects, onlyCompat)
	if onlyCompat == 0 && only == "" { // a chosen chart may render in today's Helm too (aaf below does not)
		t.Error("no chart needed --helm-compat 3.6: the comparison proves nothing about it")
	}

	// aaf: today's helm refuses it as meshready without the setting does.
	ch, _, _, err := today.Load(filepath.Join(root, "aaf"))
	if err != nil {
		t.Fatal(err)
	}
	vdir, err := charttree.Vendor(ch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, herr := runHelm(testutil.Tool(t, "helm"), nil, []string{"template", "onap", vdir, "--set", "global.masterPassword=x"})
	if herr == nil || !strings.Contains(herr.Error(), mergeOverwriteErr) {
		t.Errorf("aaf: today's helm: %v, want the mergeOverwrite error %q", herr, mergeOverwriteErr)
	}
	if _, err := today.Render(context.Background(), filepath.Join(root, "aaf")); err == nil || !strings.Contains(err.Error(), mergeOverwriteErr) {
		t.Errorf("aaf: meshready without --helm-compat: %v, want the mergeOverwrite error", err)
	}
	if _, err := compat.Render(context.Background(), filepath.Join(root, "aaf")); err != nil {
		t.Errorf("aaf: meshready --helm-compat 3.6: %v", err)
	}
}

// onlyCharts keeps the charts named in names (MESHREADY_HELM36_CHARTS); a
// name that is no chart of the tree fails the test, so a typo cannot make
// it compare nothing.
func onlyCharts(t *testing.T, charts, names []string) []string {
	t.Helper()
	byName := map[string]string{}
	for _, c := range charts {
		byName[filepath.Base(c)] = c
	}
	var out []string
	for _, n := range names {
		c, ok := byName[strings.TrimSpace(n)]
		if !ok {
			t.Fatalf("MESHREADY_HELM36_CHARTS: %q is no chart of the tree", n)
		}
		out = append(out, c)
	}
	return out
}

// helm36Row is one chart's result in TestHonoluluAsHelm36RendersIt.
type helm36Row struct {
	name                    string
	objects, equal          int
	failedBoth, needsCompat bool
}

// helm36Chart compares one chart (TestHonoluluAsHelm36RendersIt); a row
// with no name was reported as an error.
func helm36Chart(t *testing.T, dir, vendor string, opts render.Options, compat, today *render.Helm, helm36 string) (r helm36Row) {
	name := filepath.Base(dir)
	ch, _, _, err := compat.Load(dir)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return r
	}
	vdir, err := charttree.Vendor(ch, vendor)
	if err != nil {
		t.Errorf("%s: vendor: %v", name, err)
		return r
	}
	args := []string{"template", "onap", vdir, "--namespace", "onap",
		"--set", "global.masterPassword=x", "--api-versions", strings.Join(opts.APIVersions, ",")}
	want, herr := runHelm(helm36, nil, args)
	res := renderOnce(compat, dir)
	err = res.err
	switch {
	case herr != nil && err != nil:
		t.Logf("%s: fails in both: helm 3.6.3: %s; meshready: %s", name, firstLine(herr.Error()), firstLine(err.Error()))
		r.name, r.failedBoth = name, true
		return r
	case herr != nil:
		t.Errorf("%s: meshready --helm-compat 3.6 renders it, helm 3.6.3 fails: %v", name, herr)
		return r
	case err != nil:
		t.Errorf("%s: helm 3.6.3 renders it, meshready --helm-compat 3.6 fails: %v", name, err)
		return r
	}
	r.name = name
	r.objects, r.equal = sameObjects(t, helm36, args, want, []byte(res.manifest), "helm36-honolulu-"+name)
	if r.equal != r.objects {
		t.Errorf("%s: %d of helm 3.6.3's %d objects differ", name, r.objects-r.equal, r.objects)
	}
	if terr := renderOnce(today, dir).err; terr != nil {
		r.needsCompat = true
		if !strings.Contains(terr.Error(), mergeOverwriteErr) {
			t.Errorf("%s: renders with --helm-compat 3.6; without it fails, but not on mergeOverwrite: %v", name, terr)
		}
	}
	t.Logf("%s: %d objects, %d byte-equal to helm 3.6.3", name, r.objects, r.equal)
	return r
}

// runHelm runs helm (env nil: this process's environment) and returns its
// stdout, or an error with its stderr.
func runHelm(helm string, env, args []string) ([]byte, error) {
	cmd := exec.Command(helm, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("helm %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// sameObjects compares, object by object, helm's stream want with got: it
// returns how many objects helm printed and how many of got's are
// byte-equal to them. Templates calling uuidv4 or randAlphaNum differ on
// every run, helm's own included: an object that differs is compared again
// against a second helm run, accepting differences only on the lines where
// helm differs from itself. Both streams are written under dump in the temp
// folder when an object differs.
func sameObjects(t *testing.T, helm string, args []string, want, got []byte, dump string) (int, int) {
	t.Helper()
	w, g := splitObjects(want), splitObjects(got)
	var again [][]byte
	equal := 0
	for i := range w {
		if i < len(g) && bytes.Equal(w[i], g[i]) {
			equal++
			continue
		}
		if again == nil {
			second, err := runHelm(helm, nil, args)
			if err != nil {
				t.Fatal(err)
			}
			again = splitObjects(second)
		}
		if i < len(g) && len(again) == len(w) {
			if _, ok := testutil.SameButRandom(w[i], again[i], g[i]); ok {
				equal++
			}
		}
	}
	if equal != len(w) || len(g) != len(w) {
		p := filepath.Join(os.TempDir(), "meshready-"+dump)
		_ = os.WriteFile(p+".helm.yaml", want, 0o644)
		_ = os.WriteFile(p+".meshready.yaml", got, 0o644)
		t.Logf("%s: %d of helm's %d objects byte-equal (meshready printed %d); see %s.*", dump, equal, len(w), len(g), p)
	}
	if len(g) != len(w) {
		return len(w), -1 // not the same objects at all
	}
	return len(w), equal
}

// splitObjects cuts a `helm template` stream at its "---\n# Source:" lines
// (one object each, as Helm prints them).
func splitObjects(stream []byte) [][]byte {
	var out [][]byte
	for _, part := range bytes.Split(stream, []byte("---\n# Source: ")) {
		if len(bytes.TrimSpace(part)) > 0 {
			out = append(out, part)
		}
	}
	return out
}
