package action

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/transform/krmfn"
)

func TestRenderAndDeps(t *testing.T) {
	broken := filepath.Join(testutil.RepoRoot(t), "testdata", "fixtures", "broken")
	vendor := t.TempDir()
	for _, c := range []struct {
		name     string
		run      func(IO) error
		code     int
		out, err string
	}{
		{"render", func(s IO) error { return NewRender().Run(ctx, s, fixture(t, "bad-ports")) }, ExitOK, "kind: Service", ""},
		{"render error", func(s IO) error { return NewRender().Run(ctx, s, filepath.Join(broken, "template-error")) }, ExitError, "", "template-error/templates/configmap.yaml"},
		{"deps without --vendor", func(s IO) error { return NewDeps().Run(ctx, s, fixture(t, "good")) }, ExitError, "", "--vendor DIR is required"},
		{"deps", func(s IO) error {
			a := NewDeps()
			a.Vendor = vendor
			return a.Run(ctx, s, fixture(t, "good"))
		}, ExitOK, filepath.Join(vendor, "good"), ""},
	} {
		t.Run(c.name, func(t *testing.T) { call("", c.run).check(t, c.code, c.out, c.err) })
	}
	if _, err := os.Stat(filepath.Join(vendor, "good", "charts")); err != nil {
		t.Errorf("deps vendored no charts/: %v", err)
	}
}

func TestFix(t *testing.T) {
	tree := t.TempDir()
	testutil.CopyDir(t, filepath.Join(testutil.RepoRoot(t), "transform", "fix", "testdata", "charts"), tree)
	web := filepath.Join(tree, "web")
	for _, c := range []struct {
		name     string
		set      func(*Fix)
		code     int
		out, err string
	}{
		{"diff", func(a *Fix) { a.RelativeTo = tree }, ExitOK, "+++ b/web/templates/deployment.yaml", "fix: web"},
		{"quiet", func(a *Fix) { a.RelativeTo, a.Quiet = tree, true }, ExitOK, "+++ b/web/", ""},
		{"bad port table", func(a *Fix) { a.Protocols = []string{"8080"} }, ExitError, "", `--port-protocol "8080": want PORT=PROTOCOL`},
		{"bad label", func(a *Fix) { a.NamespaceLabels = []string{"x"} }, ExitError, "", `--namespace-label "x"`},
		{"relative-to not a folder", func(a *Fix) { a.RelativeTo = filepath.Join(tree, "nope") }, ExitError, "", "--relative-to " + filepath.Join(tree, "nope") + ": not a folder"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewFix()
			c.set(a)
			call("", func(s IO) error { return a.Run(ctx, s, []string{web}) }).check(t, c.code, c.out, c.err)
		})
	}
	before, _ := os.ReadFile(filepath.Join(web, "templates", "deployment.yaml"))
	a := NewFix()
	a.Write = true
	call("", func(s IO) error { return a.Run(ctx, s, []string{web}) }).check(t, ExitOK, "", "meshready: fix: wrote ")
	after, _ := os.ReadFile(filepath.Join(web, "templates", "deployment.yaml"))
	if string(after) == string(before) || !strings.Contains(string(after), "sidecar.istio.io/inject") {
		t.Errorf("--write left deployment.yaml without the injection switch:\n%s", after)
	}
	call("", func(s IO) error { return NewFix().Run(ctx, s, []string{web}) }).check(t, ExitOK, "", "nothing to fix")
}

func TestFn(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"m.yaml":   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: onap}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n",
		"cfg.yaml": "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {validation: {failOn: error}}\n",
		"bad.yaml": "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {injection: {style: sidecar}}\n",
	})
	m, cfg := filepath.Join(dir, "m.yaml"), filepath.Join(dir, "cfg.yaml")
	broken := func(context.Context) (krmfn.Validator, error) { return nil, errors.New("policies do not compile") }
	for _, c := range []struct {
		name     string
		a        Fn
		code     int
		out, err string
	}{
		{"no validation", Fn{ConfigFile: cfg}, ExitOK, `sidecar.istio.io/inject: "true"`, ""},
		{"lint's rules", Fn{ConfigFile: cfg, Validator: FnValidator}, ExitOK, `sidecar.istio.io/inject: "true"`, ""},
		{"the rules do not load", Fn{ConfigFile: cfg, Validator: broken}, ExitError, "", "policies do not compile"},
		{"bad config", Fn{ConfigFile: filepath.Join(dir, "bad.yaml")}, ExitError, "", `"sidecar" is not one of label, annotation`},
	} {
		t.Run(c.name, func(t *testing.T) {
			call("", func(s IO) error { return c.a.Run(ctx, s, []string{m}) }).check(t, c.code, c.out, c.err)
		})
	}
}

func TestRulesAndPolicyTest(t *testing.T) {
	pol := t.TempDir()
	testutil.WriteFiles(t, pol, map[string]string{
		"r_test.rego":   "package meshready.rules.t_test\ntest_ok if true\n",
		"bad_test.rego": "package meshready.rules.u_test\ntest_no if false\n",
	})
	empty := t.TempDir()
	for _, c := range []struct {
		name     string
		run      func(IO) error
		code     int
		out, err string
	}{
		{"rules text", (&Rules{Format: "text"}).run, ExitOK, "port-protocol-name", ""},
		{"rules json", (&Rules{Format: "json"}).run, ExitOK, `"id": "sidecar-injection"`, ""},
		{"rules markdown", (&Rules{Format: "markdown"}).run, ExitOK, "## port-protocol-name", ""},
		{"rules bad format", (&Rules{Format: "yaml"}).run, ExitError, "", `unknown format "yaml"`},
		{"policy test fails", func(s IO) error { return NewPolicyTest().Run(ctx, s, []string{pol}) }, ExitFindings, "1 passed, 1 failed", ""},
		{"no rego files", func(s IO) error { return NewPolicyTest().Run(ctx, s, []string{empty}) }, ExitError, "", "holds no .rego files"},
		{"no folder", func(s IO) error { return NewPolicyTest().Run(ctx, s, nil) }, ExitError, "", "name at least one folder"},
	} {
		t.Run(c.name, func(t *testing.T) { call("", c.run).check(t, c.code, c.out, c.err) })
	}
}

func (a *Rules) run(s IO) error { return a.Run(ctx, s) }

func TestVersion(t *testing.T) {
	full := &debug.BuildInfo{
		GoVersion: "go1.99", Main: debug.Module{Version: "(devel)"},
		Deps:     []*debug.Module{{Path: "helm.sh/helm/v3", Version: "v3.9.9"}},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}},
	}
	bare := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v0.0.0-x"}}
	for _, c := range []struct {
		name     string
		a        Version
		code     int
		out, err string
	}{
		{"vcs settings", Version{Version: "v1.2.3", Build: func() (*debug.BuildInfo, bool) { return full, true }}, ExitOK,
			"meshready: v1.2.3\ncommit: abc123 (modified)\nhelm: v3.9.9\nopa: not linked\nkyaml: not linked\ngo: go1.99\n", ""},
		{"ldflags commit", Version{Version: "dev", Commit: "def456", Build: func() (*debug.BuildInfo, bool) { return bare, true }}, ExitOK,
			"meshready: v0.0.0-x\ncommit: def456\n", ""},
		{"no build information", Version{Build: func() (*debug.BuildInfo, bool) { return nil, false }}, ExitError, "", "no build information"},
		{"this test binary", Version{}, ExitOK, "go: go1.", ""},
	} {
		t.Run(c.name, func(t *testing.T) { call("", func(s IO) error { return c.a.Run(s) }).check(t, c.code, c.out, c.err) })
	}
}

func TestProfile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		p       Profile
		code    int
		written []string
	}{
		{"none", Profile{}, ExitOK, nil},
		{"cpu and heap", Profile{CPU: filepath.Join(dir, "cpu.out"), Mem: filepath.Join(dir, "mem.out")}, ExitOK, []string{"cpu.out", "mem.out"}},
		{"no such folder", Profile{CPU: filepath.Join(dir, "no", "cpu.out")}, ExitError, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Start()
			c.p.Stop()
			c.p.Stop() // main and a failed command may both stop it
			if Code(err) != c.code {
				t.Fatalf("Start: %v, want exit %d", err, c.code)
			}
			for _, f := range c.written {
				if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}
