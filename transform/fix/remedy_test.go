package fix

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
)

// TestSidecarRemedyFixture: fix --write on charts-fixtures/sidecar-remedy
// (a Deployment with OOM's readiness init container, a Job, and a Deployment
// whose init container stays local), then lint: no init-container-network or
// job-sidecar-termination finding, for a mesh that allows native sidecars
// (the annotation is written) and for one that does not (the documented
// fallback: the readiness init container, written in the chart's own
// template, runs as UID 1337; the Job is left without a sidecar, with the
// reason).
func TestSidecarRemedyFixture(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("..", "..", "charts-fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, istio, kubernetes string
		// wantNative are the templates that must carry nativeSidecar "true".
		wantNative []string
		// wantRefused are the resources left without a sidecar.
		wantRefused []string
		// wantInjected are the resources whose injection was written.
		wantInjected []string
	}{
		{"native", "1.26", "1.30", []string{"deployment.yaml", "job.yaml"}, nil,
			[]string{"Deployment/onap-sidecar-remedy-waiter", "Deployment/onap-sidecar-remedy-worker", "Job/onap-sidecar-remedy-migrate"}},
		{"native-by-default", "1.27", "1.33", nil, nil,
			[]string{"Deployment/onap-sidecar-remedy-waiter", "Deployment/onap-sidecar-remedy-worker", "Job/onap-sidecar-remedy-migrate"}},
		{"fallback-old-istio", "1.22", "1.30", nil,
			[]string{"Job/onap-sidecar-remedy-migrate"},
			[]string{"Deployment/onap-sidecar-remedy-waiter", "Deployment/onap-sidecar-remedy-worker"}},
		{"fallback-unknown-kubernetes", "1.30", "", nil,
			[]string{"Job/onap-sidecar-remedy-migrate"},
			[]string{"Deployment/onap-sidecar-remedy-waiter", "Deployment/onap-sidecar-remedy-worker"}},
	}
	// label: --inject-style label, on a copy whose pod templates write one
	// label literally (the fixture's come from common.labels only, which
	// fix refuses to edit); the remedy's annotation goes under the pod
	// template's annotations.
	for _, label := range []bool{false, true} {
		for _, c := range cases {
			name := c.name
			if label {
				name = "label-" + name
			}
			t.Run(name, func(t *testing.T) {
				root := filepath.Join(t.TempDir(), "charts-fixtures")
				for _, d := range []string{"common", "sidecar-remedy"} {
					copyInto(t, filepath.Join(src, d), filepath.Join(root, d))
				}
				chart := filepath.Join(root, "sidecar-remedy")
				if label {
					for _, name := range []string{"deployment.yaml", "job.yaml", "worker.yaml"} {
						f := filepath.Join(chart, "templates", name)
						b, err := os.ReadFile(f)
						if err != nil {
							t.Fatal(err)
						}
						lines := strings.Split(string(b), "\n")
						i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, `include "common.labels"`) })
						if i < 0 {
							t.Fatalf("%s: no common.labels line", name)
						}
						lines = slices.Insert(lines, i+1, "        tier: backend")
						if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
				o := testOptions(t, filepath.Dir(root))
				if label {
					o.InjectStyle = StyleLabel
				}
				o.Settings.IstioVersion, o.Settings.KubernetesVersion = c.istio, c.kubernetes
				o.Config = &config.Config{NamespaceLabels: o.Settings.NamespaceLabels, IstioFlavor: o.Settings.IstioFlavor,
					IstioVersion: c.istio, KubernetesVersion: c.kubernetes}
				lintRules := func() map[string][]string {
					l := lint.New(o.Engine, lint.Options{Render: o.Render, Config: o.Config, Settings: o.Settings, WorkDir: filepath.Dir(root)})
					rep, err := l.Run(context.Background(), []string{chart})
					if err != nil {
						t.Fatal(err)
					}
					out := map[string][]string{}
					for _, f := range rep.Findings {
						out[f.Rule] = append(out[f.Rule], f.Resource.String())
					}
					return out
				}
				before := lintRules()
				if len(before[ruleInjection]) != 3 {
					t.Fatalf("before the fix: sidecar-injection on %v, want the 3 workloads", before[ruleInjection])
				}
				res, err := Run(context.Background(), []string{chart}, o)
				if err != nil {
					t.Fatal(err)
				}
				if res.Check != nil || len(res.Errors) > 0 {
					t.Fatalf("self-check %v, errors %v", res.Check, res.Errors)
				}
				var injected, refused []string
				for _, ch := range res.Changes {
					injected = append(injected, ch.Resource)
				}
				for _, r := range res.Refusals {
					refused = append(refused, r.Resource)
					if !strings.Contains(r.Message, "no sidecar added") {
						t.Errorf("refusal without the reason: %s", r)
					}
				}
				slices.Sort(injected)
				slices.Sort(refused)
				if !slices.Equal(injected, c.wantInjected) || !slices.Equal(refused, c.wantRefused) {
					t.Fatalf("injected %v, refused %v; want %v, %v", injected, refused, c.wantInjected, c.wantRefused)
				}
				if err := res.Write(); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{"deployment.yaml", "job.yaml", "worker.yaml"} {
					b, err := os.ReadFile(filepath.Join(chart, "templates", name))
					if err != nil {
						t.Fatal(err)
					}
					has := strings.Contains(string(b), `sidecar.istio.io/nativeSidecar: "true"`)
					if want := slices.Contains(c.wantNative, name); has != want {
						t.Errorf("%s: nativeSidecar annotation written %v, want %v", name, has, want)
					}
					runAs := strings.Contains(string(b), "          securityContext:\n            runAsUser: 1337\n")
					if want := name == "deployment.yaml" && c.wantNative == nil && len(c.wantRefused) > 0; runAs != want {
						t.Errorf("%s: runAsUser 1337 on the readiness init container written %v, want %v:\n%s", name, runAs, want, b)
					}
					if label && has && !strings.Contains(string(b), "      annotations:\n        sidecar.istio.io/nativeSidecar: \"true\"\n") {
						t.Errorf("%s: nativeSidecar is not under the pod template's annotations:\n%s", name, b)
					}
				}
				after := lintRules()
				for _, rule := range []string{ruleInitNetwork, ruleJobSidecar} {
					if len(after[rule]) > 0 {
						t.Errorf("after fix --write: %s on %v", rule, after[rule])
					}
				}
				if len(after[ruleInjection]) != len(c.wantRefused) {
					t.Errorf("after fix --write: sidecar-injection on %v, want only the refused %v", after[ruleInjection], c.wantRefused)
				}
			})
		}
	}
}
