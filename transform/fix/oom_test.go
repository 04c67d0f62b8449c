package fix

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/testutil"
)

// TestOOMCharts fixes real OOM charts with unprefixed port names (copied
// to a temporary kubernetes/ root with their common charts) and lints the
// result: port-protocol-name, port-protocol-mismatch and sidecar-injection
// must be clean.
//
//   - master aai, policy, robot: master deploys into a namespace labelled
//     istio-injection=enabled, and its charts rely on it; with that label
//     the fixer only names ports (aai-resources/aai-traversal `metrics`,
//     policy-pap `debug-port`, robot `httpd`).
//   - master aai without the label: injection goes through the
//     podAnnotations value that common.templateMetadata renders.
//   - jakarta uui, vid, log: no label; literal pod metadata is annotated,
//     common.templateMetadata pods get podAnnotations, ports are named.
func TestOOMCharts(t *testing.T) {
	if testing.Short() {
		t.Skip("renders real OOM charts many times")
	}
	for _, c := range []struct {
		name, tree string
		charts     []string
		nsLabels   map[string]string
		// wantFixed are changes the run must make (resource names).
		wantFixed []string
	}{
		{"master-namespace-label", "master", []string{"aai", "policy", "robot"}, map[string]string{"istio-injection": "enabled"},
			[]string{"Service/aai-resources", "Service/aai-traversal", "Service/policy-pap", "Service/robot"}},
		{"master-podAnnotations", "master", []string{"aai"}, nil,
			[]string{"Service/aai-resources", "Deployment/onap-aai-resources", "Deployment/onap-aai-traversal"}},
		{"jakarta", "jakarta", []string{"uui", "vid", "log"}, nil,
			[]string{"Service/uui", "Service/vid", "Service/log-es", "Deployment/onap-uui-nlp", "Job/onap-vid-mariadb-init-config-job"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := testutil.OOMTree(t, c.tree)
			root := filepath.Join(t.TempDir(), "kubernetes")
			for _, d := range append([]string{"common"}, c.charts...) {
				copyInto(t, filepath.Join(src, d), filepath.Join(root, d))
			}
			o := testOptions(t, filepath.Dir(root))
			o.Render.Set = []string{"global.masterPassword=x"}
			if c.nsLabels != nil {
				// Upstream Istio: the namespace label injects. Without it the
				// test keeps testOptions' OpenShift Service Mesh 2.x member
				// namespace, where the annotation the fixer writes opts in.
				o.Settings.IstioFlavor = mesh.FlavorIstio
				o.Settings.NamespaceLabels = c.nsLabels
			}
			// A cluster where native sidecars work: OOM's Jobs and readiness
			// init containers get sidecar.istio.io/nativeSidecar (mesh.SidecarRemedy).
			o.Settings.KubernetesVersion = "1.30"
			o.Config = &config.Config{NamespaceLabels: o.Settings.NamespaceLabels, IstioFlavor: o.Settings.IstioFlavor, KubernetesVersion: "1.30"}
			res, err := Run(context.Background(), []string{root}, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Check != nil {
				t.Fatalf("self-check: %v", res.Check)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("chart errors: %v", res.Errors)
			}
			for _, r := range res.Refusals {
				t.Errorf("refused: %s", r)
			}
			for _, want := range c.wantFixed {
				found := false
				for _, ch := range res.Changes {
					found = found || ch.Resource == want
				}
				if !found {
					t.Errorf("%s was not fixed", want)
				}
			}
			if err := res.Write(); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %v: %d fixes in %d files", c.tree, c.charts, len(res.Changes), len(res.Files))

			l := lint.New(o.Engine, lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: filepath.Dir(root)})
			rep, err := l.Run(context.Background(), []string{root})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				switch f.Rule {
				case rulePortName, ruleMismatch, ruleInjection:
					if f.Value == "false" {
						continue // a deliberate opt-out stays
					}
					t.Errorf("after the fix: %s %s %s: %s", f.Rule, f.Resource, f.Field, f.Message)
				}
			}
		})
	}
}

func copyInto(t *testing.T, src, dst string) {
	t.Helper()
	tmp := copyTree(t, src)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}
