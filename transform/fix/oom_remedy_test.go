package fix

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/internal/workpool"
)

// TestMain paces the collector for the OOM-tree renders (testutil.PaceGC).
func TestMain(m *testing.M) {
	testutil.PaceGC()
	os.Exit(m.Run())
}

// TestOOMSidecarRemedy: `fix --write` on a copy of OOM master, in a mesh
// where the injection the fixer writes applies (testOptions: OpenShift
// Service Mesh 2.x, the namespace a member), then lint: no
// init-container-network or job-sidecar-termination finding that was not
// there before. Both remedies run on the same tree: kubernetesVersion 1.30
// (native sidecars written) and an unknown cluster (the fallback: such pods
// are not injected). master has what both act on (readiness init
// containers, Jobs), so each mode's assertions bite there; jakarta, which
// once carried the fallback, cost twice master's CPU for the same
// assertions.
// Mutations that made this form fail as the two-tree form did: a
// mesh.SidecarRemedy that returns nothing (no nativeSidecar written, no pod
// left without a sidecar) and one that always picks native (the fallback
// leaves no pod without a sidecar).
//
// It runs only what it tests. The remedy is decided in the injection
// planning (inject.go: session.remedy, mesh.SidecarRemedy), so the fix runs
// with Only: OpInjection (port names cannot add or remove either finding).
// And only on the charts in which the remedy can act: those whose default
// render (what the lint checks) has a Job/CronJob or a pod template with
// init containers (mesh.SidecarRemedy returns nothing for any other pod,
// and neither rule can fire on one). The rule is applied to the lint's own
// render of every chart of the tree, so no chart is left out by name. The
// tree renders once for the "before" lint of both modes (the render does
// not depend on the rules' settings; each mode evaluates it with its own).
func TestOOMSidecarRemedy(t *testing.T) {
	if testing.Short() {
		t.Skip("fixes and lints a whole OOM tree twice; skipped with -short")
	}
	const tree = "master"
	ctx := context.Background()
	src := testutil.OOMTree(t, tree)
	modes := []struct{ name, kubernetes string }{
		{"native", "1.30"},
		{"fallback", ""},
	}
	options := func(root, kubernetes string) Options {
		o := testOptions(t, filepath.Dir(root))
		o.Render.Set = []string{"global.masterPassword=x"}
		o.Settings.KubernetesVersion = kubernetes
		o.Config = &config.Config{NamespaceLabels: o.Settings.NamespaceLabels, IstioFlavor: o.Settings.IstioFlavor, KubernetesVersion: kubernetes}
		o.Only = []string{OpInjection}
		return o
	}
	// the test reads rules, resources and fields: findings stay unlocated
	linter := func(o Options, root string) *lint.Linter {
		return lint.New(o.Engine, lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: filepath.Dir(root), Unlocated: true})
	}
	remedied := func(fs []finding.Finding) map[string]bool {
		out := map[string]bool{}
		for _, f := range fs {
			if f.Rule == ruleInitNetwork || f.Rule == ruleJobSidecar {
				out[f.Rule+" "+f.Resource.String()+" "+f.Field] = true
			}
		}
		return out
	}

	// before: render and lint every chart of the (unedited) tree once
	targets, err := render.Expand([]string{src})
	if err != nil {
		t.Fatal(err)
	}
	first := linter(options(src, modes[0].kubernetes), src)
	results := make([]lint.ChartResult, len(targets))
	workpool.Run(len(targets), runtime.NumCPU(), func(i int) { results[i] = first.LintTarget(ctx, targets[i]) })
	var acting []lint.ChartResult
	unrendered := 0
	for _, r := range results {
		if r.Err != nil {
			// as in a lint of the tree: reported, nothing to fix or compare
			t.Logf("does not render, left out: %s: %s: %s", r.Err.Chart, r.Err.File, r.Err.Message)
			unrendered++
			continue
		}
		if remedyCanAct(r.Rendered) {
			acting = append(acting, r)
		}
	}
	if len(acting) == 0 {
		t.Fatalf("no chart of %s renders a Job or a pod with init containers", tree)
	}

	for mi, c := range modes {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "kubernetes")
			copyInto(t, src, root)
			o := options(root, c.kubernetes)
			var beforeFindings []finding.Finding
			var actingPaths []string
			var actingTargets []render.Target
			l := linter(o, root)
			for _, r := range acting {
				fs := r.Findings
				if mi > 0 { // this mode's settings over the shared render
					if fs, err = l.Evaluate(ctx, r.Target.Name(), r.Rendered); err != nil {
						t.Fatal(err)
					}
				}
				beforeFindings = append(beforeFindings, fs...)
				rel, err := filepath.Rel(src, r.Target.Path)
				if err != nil {
					t.Fatal(err)
				}
				tg := r.Target
				tg.Path = filepath.Join(root, rel)
				actingTargets = append(actingTargets, tg)
				actingPaths = append(actingPaths, tg.Path)
			}
			before := remedied(beforeFindings)

			res, err := Run(ctx, actingPaths, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Check != nil {
				t.Fatalf("self-check: %v", res.Check)
			}
			if err := res.Write(); err != nil {
				t.Fatal(err)
			}
			native, noSidecar := 0, 0
			for _, ch := range res.Changes {
				if strings.Contains(ch.Message, `sidecar.istio.io/nativeSidecar "true" (Istio`) {
					native++
				}
			}
			for _, r := range res.Refusals {
				if strings.Contains(r.Message, "no sidecar added") {
					noSidecar++
				}
			}
			rep, err := linter(o, root).RunTargets(ctx, actingTargets)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range rep.Errors {
				t.Errorf("after fix --write: %s: %s: %s", e.Chart, e.File, e.Message)
			}
			after := remedied(rep.Findings)
			var added []string
			for _, k := range slices.Sorted(maps.Keys(after)) {
				if !before[k] {
					added = append(added, k)
				}
			}
			t.Logf("%s (kubernetesVersion %q): %d of %d charts render a Job or init containers (%d do not render); on them %d changes written (%d injections with nativeSidecar), %d pods left without a sidecar by the remedy, %d refusals in all; init-container-network + job-sidecar-termination findings: %d before, %d after, %d new",
				tree, c.kubernetes, len(acting), len(targets), unrendered, len(res.Changes), native, noSidecar, len(res.Refusals), len(before), len(after), len(added))
			for _, k := range added {
				t.Errorf("new after fix --write: %s", k)
			}
			if len(res.Changes) == 0 {
				t.Error("fix --write changed nothing on the charts with Jobs and init containers")
			}
			if c.kubernetes != "" && native == 0 {
				t.Error("no nativeSidecar annotation written on a tree full of readiness init containers")
			}
			if c.kubernetes == "" && noSidecar == 0 {
				t.Error("the fallback left no pod without a sidecar on a tree full of readiness init containers")
			}
			if c.kubernetes == "" && native > 0 {
				t.Error("nativeSidecar written for a cluster whose Kubernetes version is unknown")
			}
		})
	}
}

// remedyCanAct reports whether a render has a pod mesh.SidecarRemedy can
// act on: a Job or CronJob, or a pod template with init containers.
func remedyCanAct(res *render.Result) bool {
	for _, r := range res.Resources {
		path := resource.PodTemplatePath(r.Kind)
		if path == nil {
			continue
		}
		if r.Kind == "Job" || r.Kind == "CronJob" {
			return true
		}
		ic, _ := resource.Lookup(r.Object, strings.Join(append(slices.Clone(path), "spec", "initContainers"), "."))
		if l, _ := ic.([]any); len(l) > 0 {
			return true
		}
	}
	return false
}
