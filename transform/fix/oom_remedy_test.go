package fix

import (
	"context"
	"maps"
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

// TestOOMSidecarRemedy: `fix --write` on a copy of an OOM tree, in a mesh
// where the injection the fixer writes applies (testOptions: OpenShift
// Service Mesh 2.x, the namespace a member), then lint: no
// init-container-network or job-sidecar-termination finding that was not
// there before. master targets Kubernetes 1.30 (native sidecars written),
// jakarta an unknown cluster (the fallback: such pods are not injected).
//
// It runs only what it tests. The remedy is decided in the injection
// planning (inject.go: session.remedy, mesh.SidecarRemedy), so the fix runs
// with Only: OpInjection (port names cannot add or remove either finding).
// And only on the charts in which the remedy can act: those whose default
// render (what the lint checks) has a Job/CronJob or a pod template with
// init containers (mesh.SidecarRemedy returns nothing for any other pod,
// and neither rule can fire on one). The rule is applied to the lint's own
// render of every chart of the tree, so no chart is left out by name.
func TestOOMSidecarRemedy(t *testing.T) {
	if testing.Short() {
		t.Skip("fixes and lints whole OOM trees; skipped with -short")
	}
	for _, c := range []struct{ tree, kubernetes string }{
		{"master", "1.30"},
		{"jakarta", ""},
	} {
		t.Run(c.tree, func(t *testing.T) {
			ctx := context.Background()
			root := filepath.Join(t.TempDir(), "kubernetes")
			copyInto(t, testutil.OOMTree(t, c.tree), root)
			o := testOptions(t, filepath.Dir(root))
			o.Render.Set = []string{"global.masterPassword=x"}
			o.Settings.KubernetesVersion = c.kubernetes
			o.Config = &config.Config{NamespaceLabels: o.Settings.NamespaceLabels, IstioFlavor: o.Settings.IstioFlavor, KubernetesVersion: c.kubernetes}
			o.Only = []string{OpInjection}
			linter := func() *lint.Linter {
				return lint.New(o.Engine, lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: filepath.Dir(root)})
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

			// before: lint every chart of the tree, keeping its render
			targets, err := render.Expand([]string{root})
			if err != nil {
				t.Fatal(err)
			}
			l := linter()
			results := make([]lint.ChartResult, len(targets))
			workpool.Run(len(targets), runtime.NumCPU(), func(i int) { results[i] = l.LintTarget(ctx, targets[i]) })
			var acting []render.Target
			var actingPaths []string
			var beforeFindings []finding.Finding
			unrendered := 0
			for _, r := range results {
				if r.Err != nil {
					// as in a lint of the tree: reported, nothing to fix or compare
					t.Logf("does not render, left out: %s: %s: %s", r.Err.Chart, r.Err.File, r.Err.Message)
					unrendered++
					continue
				}
				if !remedyCanAct(r.Rendered) {
					continue
				}
				acting = append(acting, r.Target)
				actingPaths = append(actingPaths, r.Target.Path)
				beforeFindings = append(beforeFindings, r.Findings...)
			}
			if len(acting) == 0 {
				t.Fatalf("no chart of %s renders a Job or a pod with init containers", c.tree)
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
			rep, err := linter().RunTargets(ctx, acting)
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
				c.tree, c.kubernetes, len(acting), len(targets), unrendered, len(res.Changes), native, noSidecar, len(res.Refusals), len(before), len(after), len(added))
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
