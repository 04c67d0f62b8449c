package fix

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/testutil"
)

// TestOOMSidecarRemedy: `fix --write` on every chart of a copy of an OOM
// tree, in a mesh where the injection the fixer writes applies (testOptions:
// OpenShift Service Mesh 2.x, the namespace a member), then lint: no
// init-container-network or job-sidecar-termination finding that was not
// there before. master targets Kubernetes 1.30 (native sidecars written),
// jakarta an unknown cluster (the fallback: such pods are not injected).
func TestOOMSidecarRemedy(t *testing.T) {
	if testing.Short() {
		t.Skip("fixes and lints whole OOM trees; skipped with -short")
	}
	for _, c := range []struct{ tree, kubernetes string }{
		{"master", "1.30"},
		{"jakarta", ""},
	} {
		t.Run(c.tree, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "kubernetes")
			copyInto(t, testutil.OOMTree(t, c.tree), root)
			o := testOptions(t, filepath.Dir(root))
			o.Render.Set = []string{"global.masterPassword=x"}
			o.Settings.KubernetesVersion = c.kubernetes
			o.Config = &config.Config{NamespaceLabels: o.Settings.NamespaceLabels, IstioFlavor: o.Settings.IstioFlavor, KubernetesVersion: c.kubernetes}
			remedied := func() map[string]bool {
				l := lint.New(o.Engine, lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: filepath.Dir(root)})
				rep, err := l.Run(context.Background(), []string{root})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]bool{}
				for _, f := range rep.Findings {
					if f.Rule == ruleInitNetwork || f.Rule == ruleJobSidecar {
						out[f.Rule+" "+f.Resource.String()+" "+f.Field] = true
					}
				}
				return out
			}
			before := remedied()
			res, err := Run(context.Background(), []string{root}, o)
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
			after := remedied()
			var added []string
			for _, k := range slices.Sorted(maps.Keys(after)) {
				if !before[k] {
					added = append(added, k)
				}
			}
			t.Logf("%s (kubernetesVersion %q): %d changes written (%d injections with nativeSidecar), %d pods left without a sidecar by the remedy, %d refusals in all; init-container-network + job-sidecar-termination findings: %d before, %d after, %d new",
				c.tree, c.kubernetes, len(res.Changes), native, noSidecar, len(res.Refusals), len(before), len(after), len(added))
			for _, k := range added {
				t.Errorf("new after fix --write: %s", k)
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
