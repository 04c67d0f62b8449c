package krmfn

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

const plainInput = `# Source: demo/templates/all.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: onap
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: onap
spec:
  selector: {app: web}
  ports:
  - name: web
    port: 80
`

func TestRunModes(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	write(t, cfg, "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata: {name: x}\nspec: {destinationRule: {enabled: false}}\n")
	manifest := filepath.Join(dir, "m.yaml")
	write(t, manifest, plainInput)
	rl := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + indentItems(plainInput) +
		"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data: {injection.style: annotation}\n"

	for _, c := range []struct {
		name      string
		opts      Options
		stdin     string
		code      int
		outHas    []string
		outLacks  []string
		stderrHas []string
		emptyOut  bool
	}{
		{name: "plain stdin with config", stdin: plainInput, opts: Options{ConfigFile: cfg},
			outHas:    []string{"# Source: demo/templates/all.yaml", "name: http-web", "kind: PeerAuthentication", "---\n"},
			outLacks:  []string{"kind: ResourceList", "kind: DestinationRule", "results:"},
			stderrHas: []string{"[info] v1/Service/onap/web spec.ports[0].name: port 80 (web): named http-web"}},
		{name: "file argument", opts: Options{ConfigFile: cfg, Files: []string{manifest}},
			outHas: []string{"name: http-web"}, outLacks: []string{"kind: ResourceList"}},
		{name: "two files make one stream", opts: Options{Files: []string{manifest, manifest}},
			outHas: []string{"name: http-web"}, outLacks: []string{"kind: ResourceList"}},
		{name: "resourcelist on stdin uses its functionConfig", stdin: rl,
			outHas:   []string{"kind: ResourceList", "annotations:\n          sidecar.istio.io/inject: \"true\"", "results:", "functionConfig:"},
			outLacks: []string{"labels: {app: web, sidecar"}},
		{name: "--config wins over the ResourceList's", stdin: rl, opts: Options{ConfigFile: cfg},
			outHas: []string{"kind: ResourceList", `sidecar.istio.io/inject: "true"`}, outLacks: []string{"annotations:\n          sidecar", "kind: DestinationRule"}},
		{name: "missing config file", stdin: plainInput, opts: Options{ConfigFile: filepath.Join(dir, "nope.yaml")}, code: ExitBadInput,
			emptyOut: true, stderrHas: []string{"cannot read functionConfig", "nope.yaml"}},
		{name: "missing input file", opts: Options{Files: []string{filepath.Join(dir, "nope.yaml")}}, code: ExitBadInput,
			emptyOut: true, stderrHas: []string{"cannot read", "nope.yaml"}},
		{name: "broken resourcelist still answers with one", stdin: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: [\n", code: ExitBadInput,
			outHas: []string{"kind: ResourceList", "results:", "does not parse"}},
		{name: "plain bad config writes nothing", stdin: plainInput, opts: Options{ConfigFile: manifest}, code: ExitBadInput,
			emptyOut: true, stderrHas: []string{"[error]", "not supported"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, stderr bytes.Buffer
			o := c.opts
			o.Stdin, o.Stdout, o.Stderr = strings.NewReader(c.stdin), &out, &stderr
			if code := Run(o); code != c.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, c.code, stderr.String())
			}
			for _, s := range c.outHas {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range c.outLacks {
				if strings.Contains(out.String(), s) {
					t.Errorf("output has %q:\n%s", s, out.String())
				}
			}
			for _, s := range c.stderrHas {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			if c.emptyOut && out.Len() > 0 {
				t.Errorf("output should be empty:\n%s", out.String())
			}
		})
	}
}

// indentItems turns a stream into ResourceList items.
func indentItems(stream string) string {
	var b strings.Builder
	for _, doc := range strings.Split(stream, "---\n") {
		for i, l := range strings.Split(strings.TrimRight(doc, "\n"), "\n") {
			if strings.HasPrefix(l, "#") {
				continue
			}
			if i == 0 || strings.HasPrefix(l, "apiVersion") {
				b.WriteString("- " + l + "\n")
			} else {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	return b.String()
}

func TestRunValidation(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		failOn string
		v      Validator
		code   int
		stderr string
	}{
		{"failOn error hit", "error", fakeFindings(finding.Error), ExitFailOn, "[error] apps/v1/Deployment/onap/web spec.template: bad"},
		{"failOn error, only a warning", "error", fakeFindings(finding.Warning), ExitOK, "[warning]"},
		{"failOn warning hit by a warning", "warning", fakeFindings(finding.Warning), ExitFailOn, "[warning]"},
		{"failOn info hit by an info", "info", fakeFindings(finding.Info), ExitFailOn, "[info] apps/v1/Deployment/onap/web spec.template: bad"},
		{"failOn none", "none", fakeFindings(finding.Error), ExitOK, "[error]"},
		{"validator fails", "error", ValidatorFunc(func(context.Context, []*resource.Resource) ([]finding.Finding, error) {
			return nil, errors.New("rules did not compile")
		}), ExitBadInput, "validation failed: rules did not compile"},
		{"no validator, failOn set", "error", nil, ExitOK, "validation skipped"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := filepath.Join(dir, "cfg.yaml")
			write(t, cfg, "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {validation: {failOn: "+c.failOn+"}}\n")
			var out, stderr bytes.Buffer
			code := Run(Options{Stdin: strings.NewReader(plainInput), Stdout: &out, Stderr: &stderr, ConfigFile: cfg, Validator: c.v})
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr.String())
			}
			if c.code != ExitBadInput && !strings.Contains(out.String(), "name: http-web") {
				t.Errorf("the transformed output is missing:\n%s", out.String())
			}
		})
	}
}

// fakeFindings reports one finding of severity s on the first Deployment.
func fakeFindings(s finding.Severity) Validator {
	return ValidatorFunc(func(_ context.Context, rs []*resource.Resource) ([]finding.Finding, error) {
		for _, r := range rs {
			if r.Kind == "Deployment" {
				return []finding.Finding{{Rule: "r", Severity: s, Message: "bad", Field: "spec.template", Resource: r.Ref, ResourceIndex: r.Index}}, nil
			}
		}
		return nil, nil
	})
}

func TestResources(t *testing.T) {
	items := parseItems(t, `apiVersion: v1
kind: Service
metadata:
  name: a
  annotations:
    internal.config.kubernetes.io/path: charts/a/service.yaml
spec: {ports: [{port: 80}]}
---
# Source: so/charts/so-bpmn/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: other}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {config.kubernetes.io/path: legacy.yaml}
`)
	rs, err := Resources(items, "onap")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ref          resource.Ref
		source, file string
		chart        string
	}{
		{resource.Ref{APIVersion: "v1", Kind: "Service", Namespace: "onap", Name: "a"}, "charts/a/service.yaml", "charts/a/service.yaml", "charts"},
		{resource.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "other", Name: "b"}, "so/charts/so-bpmn/templates/deployment.yaml", "", "so"},
		{resource.Ref{APIVersion: "v1", Kind: "ConfigMap", Namespace: "onap", Name: "c"}, "legacy.yaml", "legacy.yaml", "legacy.yaml"},
	}
	for i, w := range want {
		r := rs[i]
		if r.Ref != w.ref || r.Source != w.source || r.File != w.file || r.Index != i || r.Chart != w.chart {
			t.Errorf("resource %d = %+v (source %q, file %q, chart %q), want %+v", i, r.Ref, r.Source, r.File, r.Chart, w)
		}
		if r.Object["kind"] != w.ref.Kind || r.Raw == "" {
			t.Errorf("resource %d: object or raw text missing", i)
		}
	}
	ports := rs[0].Object["spec"].(map[string]any)["ports"].([]any)
	if ports[0].(map[string]any)["port"] != 80 {
		t.Errorf("ports = %#v", ports)
	}
}

func TestFindingResult(t *testing.T) {
	items := parseItems(t, `apiVersion: v1
kind: Service
metadata:
  name: a
  namespace: onap
  annotations: {config.kubernetes.io/path: svc.yaml, config.kubernetes.io/index: '3'}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: onap}
`)
	for _, c := range []struct {
		name string
		f    finding.Finding
		want framework.Result
	}{
		{"error with file", finding.Finding{Rule: "port-name", Severity: finding.Error, Message: "m", Field: "spec.ports[0].name", Value: "api",
			Resource: resource.Ref{APIVersion: "v1", Kind: "Service", Namespace: "onap", Name: "a"}, ResourceIndex: 0},
			framework.Result{Message: "m", Severity: framework.Error, Field: &framework.Field{Path: "spec.ports[0].name", CurrentValue: "api"},
				File: &framework.File{Path: "svc.yaml", Index: 3}, Tags: map[string]string{"rule": "port-name"}}},
		{"warning found by identity despite a wrong index", finding.Finding{Severity: finding.Warning, Message: "w",
			Resource: resource.Ref{Kind: "Service", Namespace: "onap", Name: "a"}, ResourceIndex: 1},
			framework.Result{Message: "w", Severity: framework.Warning, File: &framework.File{Path: "svc.yaml", Index: 3}}},
		{"info without file", finding.Finding{Severity: finding.Info, Message: "i", Resource: resource.Ref{Kind: "Service", Name: "b"}, ResourceIndex: 1},
			framework.Result{Message: "i", Severity: framework.Info}},
		{"chart file when the item has none", finding.Finding{Severity: finding.Info, Message: "i", File: "so/values.yaml", Resource: resource.Ref{Kind: "Service", Name: "b"}},
			framework.Result{Message: "i", Severity: framework.Info, File: &framework.File{Path: "so/values.yaml"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := FindingResult(c.f, items)
			if got.Message != c.want.Message || got.Severity != c.want.Severity ||
				got.ResourceRef == nil || got.ResourceRef.Name != c.f.Resource.Name || got.ResourceRef.Kind != c.f.Resource.Kind ||
				!equalJSON(got.Field, c.want.Field) || !equalJSON(got.File, c.want.File) || !equalJSON(got.Tags, c.want.Tags) {
				t.Errorf("FindingResult = %+v (field %+v, file %+v), want %+v (field %+v, file %+v)", got, got.Field, got.File, c.want, c.want.Field, c.want.File)
			}
		})
	}
}

func equalJSON(a, b any) bool {
	x, _ := yaml.Marshal(a)
	y, _ := yaml.Marshal(b)
	return string(x) == string(y)
}

func parseItems(t *testing.T, s string) []*yaml.RNode {
	t.Helper()
	rns, err := (&kio.ByteReader{Reader: strings.NewReader(s), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	return rns
}
