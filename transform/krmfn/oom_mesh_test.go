package krmfn

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

// TestOOMTreesMeshReady runs the function over every chart of the shared OOM
// trees, then lints its output as lint would. In a namespace labelled
// istio-injection=enabled (as OOM documents it) no pod may stay without a
// sidecar and no Service port without a protocol Istio reads. With
// injection.style annotation and a namespace without labels, the pods are
// reported as not injected: Istio's webhooks read the annotation only to
// opt out.
//
// The charts are rendered as `meshready lint` renders them (lint mode: the
// same charts render, the same objects, TestLintModeRendersWhatHelmRenders;
// only scrypt passwords, generated certificates and Secret data from chart
// files are stand-ins, and the function reads none of them), twenty times
// cheaper than Helm's exact path. The function over the exact render is the
// end-to-end tests' subject (TestE2E*OOM). Measured once over the three
// trees: the function's and lint's findings on both renders were identical
// for every chart and both injection styles.
func TestOOMTreesMeshReady(t *testing.T) {
	if testing.Short() {
		t.Skip("renders the shared OOM trees; skipped with -short")
	}
	eng, err := rules.NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	validator := func(labels map[string]string) lint.Validator {
		return lint.Validator{Linter: lint.New(eng, lint.Options{Render: render.DefaultOptions(),
			Settings: rules.Settings{Namespace: "onap", NamespaceLabels: labels, TraceFormat: "b3"}})}
	}
	labelled, unlabelled := validator(map[string]string{"istio-injection": "enabled"}), validator(map[string]string{})
	opts := render.DefaultOptions()
	opts.Set = []string{"global.masterPassword=x"}
	opts.LintMode = true
	h := render.NewHelm(opts)
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		t.Run(tree, func(t *testing.T) {
			root := testutil.OOMTree(t, tree)
			targets, err := render.Expand([]string{root})
			if err != nil {
				t.Fatal(err)
			}
			rendered, workloads := 0, 0
			for _, tg := range targets {
				manifest, err := lintModeManifest(h, tg.Path)
				if err != nil {
					t.Logf("%s does not render: %v", tg.Name(), firstLine(err.Error()))
					continue
				}
				fs, err := fnThenLint(t, manifest, "", labelled)
				if err != nil {
					// The function refuses bad input (duplicate keys) with exit 2, as it must.
					t.Logf("%s: the function refuses the chart: %v", tg.Name(), firstLine(err.Error()))
					continue
				}
				rendered++
				for _, r := range fs {
					switch r.Rule {
					case "sidecar-injection", "port-protocol-name", "port-protocol-mismatch":
						if r.Severity != finding.Info {
							t.Errorf("%s: %s on %s %s: %s", tg.Name(), r.Rule, r.Resource, r.Field, r.Message)
						}
					}
				}
				n, notInjected := 0, 0
				fs, err = fnThenLint(t, manifest, "annotation", unlabelled)
				if err != nil {
					t.Fatalf("%s: %v", tg.Name(), err)
				}
				for _, r := range fs {
					if r.Rule == "sidecar-injection" && r.Severity == finding.Error {
						notInjected++
					}
				}
				for _, it := range newRun(DefaultSpec(), parseItems(t, manifest)).items {
					if it.template != nil && str(it.podSpec(), "hostNetwork") != "true" && !it.optsOut() {
						n++
					}
				}
				workloads += n
				if notInjected != n {
					t.Errorf("%s, injection.style annotation, namespace without labels: %d pods reported not injected, want %d", tg.Name(), notInjected, n)
				}
			}
			if rendered == 0 || workloads == 0 {
				t.Fatalf("%d charts rendered, %d workloads: nothing was checked", rendered, workloads)
			}
			t.Logf("%s: %d of %d charts rendered and transformed, %d pod templates checked", tree, rendered, len(targets), workloads)
		})
	}
}

// lintModeManifest renders a chart in lint mode and writes its objects
// back as Helm's stream does: "---", "# Source: <template>", the document.
func lintModeManifest(h *render.Helm, dir string) (string, error) {
	res, err := h.Render(context.Background(), dir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range res.Resources {
		b.WriteString("---\n# Source: " + r.Source + "\n" + r.Raw + "\n")
	}
	return b.String(), nil
}

// optsOut: the pod template says "false" (the function leaves it as it is).
func (it *item) optsOut() bool {
	md := get(it.template, "metadata")
	return str(md, "labels", InjectKey) == "false" || str(md, "annotations", InjectKey) == "false"
}

// fnThenLint runs the function (injection style as given, validation off)
// over a rendered manifest, then lints its output.
func fnThenLint(t *testing.T, manifest, style string, v lint.Validator) ([]finding.Finding, error) {
	t.Helper()
	cfg := "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata:\n  name: m\nspec:\n  namespace: onap\n  validation:\n    enabled: false\n"
	if style != "" {
		cfg += "  injection:\n    enabled: true\n    style: " + style + "\n"
	}
	rl := &framework.ResourceList{Items: parseItems(t, manifest), FunctionConfig: yaml.MustParse(cfg)}
	if err := (&Processor{}).Process(rl); err != nil {
		return nil, err
	}
	rs, err := Resources(rl.Items, "onap")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := v.Validate(context.Background(), rs)
	if err != nil {
		t.Fatal(err)
	}
	return fs, nil
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
