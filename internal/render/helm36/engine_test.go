package helm36

import (
	"os"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// testdata/tiny.helm-v3.6.3.yaml is `helm template t testdata/tiny` of the
// helm v3.6.3 CLI (built from the module proxy as the render tests'
// oldHelm does), and tinyLocalErr part of its error with --set local=true.
// The chart uses what changed since: sprig's merge functions over mergo
// v0.3.11 (a struct pointer in a map kept, empty values written over),
// tpl losing the calling file's defines and preferring the files' define
// over its own, .Chart without IsRoot, .Files.Lines counting a final empty
// line.
const tinyLocalErr = `error calling include: template: no template "tiny.local" associated with template "gotpl"`

func renderTiny(t *testing.T, today bool, set map[string]any) (string, error) {
	t.Helper()
	ch, err := loader.Load("testdata/tiny")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(ch, set, chartutil.ReleaseOptions{Name: "t", Namespace: "default", IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	var files map[string]string
	if today {
		files, err = engine.Engine{}.Render(ch, vals)
	} else {
		files, err = Engine{}.Render(ch, vals)
	}
	return strings.TrimSpace(files["tiny/templates/cm.yaml"]), err
}

func TestRendersAsHelm363(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.helm-v3.6.3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(strings.TrimPrefix(string(b), "---\n# Source: tiny/templates/cm.yaml\n"))
	defer func(v bool) { cloneBase = v }(cloneBase)
	for _, c := range []struct {
		name       string
		cloneBase  bool
		local      bool
		wantErr    string
		todayFails bool
	}{
		{name: "tpl on the render's set", cloneBase: true, todayFails: true},
		{name: "Helm v3.6.3's tpl path", cloneBase: false, todayFails: true},
		{name: "calling file's define, on the render's set", cloneBase: true, local: true, wantErr: tinyLocalErr},
		{name: "calling file's define, Helm's path", cloneBase: false, local: true, wantErr: tinyLocalErr},
	} {
		cloneBase = c.cloneBase
		got, err := renderTiny(t, false, map[string]any{"local": c.local})
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want one containing %q (helm v3.6.3's)", c.name, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case got != want:
			t.Errorf("%s: got\n%s\nwant (helm v3.6.3)\n%s", c.name, got, want)
		}
		if c.todayFails {
			// the chart is one today's Helm refuses: the difference is real
			if _, err := renderTiny(t, true, map[string]any{"local": c.local}); err == nil || !strings.Contains(err.Error(), "reflect: call of reflect.Value.Field on map Value") {
				t.Errorf("%s: today's Helm engine: %v, want the mergeOverwrite error", c.name, err)
			}
		}
	}
}
