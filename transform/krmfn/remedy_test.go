package krmfn

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// TestSidecarRemedyFn runs the function over charts-fixtures/sidecar-remedy
// (a Deployment with OOM's readiness init container, a Job, and a Deployment
// whose init container stays local), then lints its output as lint would
// for the same Istio and Kubernetes: no init-container-network or
// job-sidecar-termination finding, with native sidecars where they are
// allowed and the documented fallback where not (the readiness container
// runs as UID 1337; the Job is not injected, with a warning saying why).
func TestSidecarRemedyFn(t *testing.T) {
	chart := filepath.Join(testutil.RepoRoot(t), "charts-fixtures", "sidecar-remedy")
	res, err := render.NewHelm(render.DefaultOptions()).Render(context.Background(), chart)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, istio, kubernetes string
		wantNative              []string // workloads annotated nativeSidecar "true"
		wantRunAsProxy          bool     // the readiness init container runs as 1337
		wantNotInjected         []string // sidecar-injection findings after the function
	}{
		{"native", "1.25", "1.29", []string{"Deployment/onap-sidecar-remedy-waiter", "Job/onap-sidecar-remedy-migrate"}, false, nil},
		{"native-by-default", "1.28", "1.33", nil, false, nil},
		{"fallback-old-istio", "1.23", "1.33", nil, true, []string{"Job/onap/onap-sidecar-remedy-migrate"}},
		{"fallback-old-kubernetes", "1.30", "1.28", nil, true, []string{"Job/onap/onap-sidecar-remedy-migrate"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata:\n  name: m\nspec:\n  namespace: onap\n  validation:\n    enabled: false\n" +
				"  istio:\n    version: \"" + c.istio + "\"\n    kubernetesVersion: \"" + c.kubernetes + "\"\n"
			rl := &framework.ResourceList{Items: parseItems(t, res.Manifest), FunctionConfig: yaml.MustParse(cfg)}
			if err := (&Processor{}).Process(rl); err != nil {
				t.Fatal(err)
			}
			var native []string
			runAs := false
			for _, it := range rl.Items {
				ref := it.GetKind() + "/" + it.GetName()
				tmpl := []string{"spec", "template"}
				if v, _ := it.Pipe(yaml.Lookup(append(tmpl, "metadata", "annotations", "sidecar.istio.io/nativeSidecar")...)); v != nil && v.YNode().Value == "true" {
					native = append(native, ref)
				}
				if v, _ := it.Pipe(yaml.Lookup(append(tmpl, "spec", "initContainers", "[name=sidecar-remedy-readiness]", "securityContext", "runAsUser")...)); v != nil && v.YNode().Value == "1337" {
					runAs = true
				}
			}
			slices.Sort(native)
			if !slices.Equal(native, c.wantNative) || runAs != c.wantRunAsProxy {
				t.Errorf("nativeSidecar on %v, runAsUser 1337 %v; want %v, %v", native, runAs, c.wantNative, c.wantRunAsProxy)
			}
			said := false
			for _, r := range rl.Results {
				said = said || strings.Contains(r.Message, "native sidecar") || strings.Contains(r.Message, "runAsUser: 1337")
			}
			if did := len(c.wantNative) > 0 || c.wantRunAsProxy; said != did {
				t.Errorf("the function's results mention a remedy: %v, want %v: %v", said, did, rl.Results)
			}
			rs, err := Resources(rl.Items, "onap")
			if err != nil {
				t.Fatal(err)
			}
			v := lint.Validator{Linter: lint.New(eng, lint.Options{Render: render.DefaultOptions(),
				Settings: rules.Settings{Namespace: "onap", TraceFormat: "b3", IstioVersion: c.istio, KubernetesVersion: c.kubernetes}})}
			fs, err := v.Validate(context.Background(), rs)
			if err != nil {
				t.Fatal(err)
			}
			var notInjected []string
			for _, f := range fs {
				switch f.Rule {
				case "init-container-network", "job-sidecar-termination":
					t.Errorf("after fn: %s on %s: %s", f.Rule, f.Resource, f.Message)
				case "sidecar-injection":
					notInjected = append(notInjected, f.Resource.String())
				}
			}
			if !slices.Equal(notInjected, c.wantNotInjected) {
				t.Errorf("not injected after fn: %v, want %v", notInjected, c.wantNotInjected)
			}
		})
	}
}
