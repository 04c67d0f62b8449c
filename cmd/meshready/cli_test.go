package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// runCLI runs the built binary from the repository root.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := gateCLI(t, testutil.RepoRoot(t), stdin, args...)
	return r.stdout, r.stderr, r.code
}

// runIn runs the built binary in dir, with nothing on stdin.
func runIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := gateCLI(t, dir, "", args...)
	return r.stdout, r.stderr, r.code
}

func TestBadInputExitCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string // fragment of the one-line error: the file at fault and the cause
	}{
		{"broken Chart.yaml", []string{"render", "testdata/fixtures/broken/bad-chartyaml"}, "bad-chartyaml/Chart.yaml: cannot load Chart.yaml"},
		{"template syntax error", []string{"render", "testdata/fixtures/broken/template-error"}, "template-error/templates/configmap.yaml: parse error"},
		{"missing dependency", []string{"render", "testdata/fixtures/broken/missing-dep"}, `missing-dep/Chart.yaml: dependency "nosuchchart"`},
		{"no version matches", []string{"render", "testdata/fixtures/broken/missing-dep-version"}, "candidates: 13.0.0"},
		{"dependency cycle", []string{"render", "testdata/fixtures/broken/dep-cycle"}, "dep-cycle/Chart.yaml: dependency cycle"},
		{"file:// leaves the tree", []string{"render", "testdata/fixtures/broken/outside-root"}, "leaves the linted tree"},
		{"no such chart", []string{"render", "testdata/fixtures/nope"}, "nope"},
		{"unknown format", []string{"lint", "-o", "yaml-ish", "charts-fixtures/good"}, `unknown format "yaml-ish"`},
		{"unknown flag", []string{"lint", "--frobnicate"}, "unknown flag"},
		{"bad fail-on", []string{"lint", "--fail-on", "fatal", "charts-fixtures/good"}, `failOn: "fatal"`},
		{"bad namespace label", []string{"lint", "--namespace-label", "novalue", "charts-fixtures/good"}, "want key=value"},
		{"bad policy folder", []string{"lint", "--policy", "testdata/fixtures/nope", "charts-fixtures/good"}, "policy folder testdata/fixtures/nope"},
		{"deps without --vendor", []string{"deps", "charts-fixtures/good"}, "--vendor DIR is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", c.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not contain %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("a Go stack or panic reached the user:\n%s", stderr)
			}
		})
	}
}

func TestLintExitCodesAndJSON(t *testing.T) {
	out, stderr, code := runCLI(t, "", "lint", "-o", "json", "charts-fixtures")
	if code != 1 {
		t.Fatalf("lint of the fixtures: exit %d, want 1 (error findings); stderr:\n%s", code, stderr)
	}
	var rep struct {
		Findings []map[string]any `json:"findings"`
		Errors   []map[string]any `json:"errors"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	keys := []string{"rule", "severity", "message", "remediation", "resource", "chart", "file", "line", "field", "value"}
	for _, k := range keys {
		if _, ok := rep.Findings[0][k]; !ok {
			t.Errorf("finding lacks %q: %v", k, rep.Findings[0])
		}
	}
	for _, k := range []string{"charts", "resources", "error", "warning", "info"} {
		if _, ok := rep.Summary[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if rep.Summary["charts"] != 8 || rep.Summary["error"] == 0 || len(rep.Errors) != 0 {
		t.Errorf("summary %v errors %v", rep.Summary, rep.Errors)
	}

	if _, _, code := runCLI(t, "", "lint", "--fail-on", "none", "charts-fixtures"); code != 0 {
		t.Errorf("--fail-on none: exit %d, want 0", code)
	}
	if _, _, code := runCLI(t, "", "lint", "charts-fixtures/good"); code != 0 {
		t.Errorf("the good chart: exit %d, want 0", code)
	}
	// the opt-out info finding fails only at --fail-on info
	if _, _, code := runCLI(t, "", "lint", "--fail-on", "info", "charts-fixtures/good"); code != 0 {
		t.Errorf("the good chart at --fail-on info: exit %d, want 0", code)
	}
}

func TestLintStdinAndNamespaceLabel(t *testing.T) {
	rendered, _, code := runCLI(t, "", "render", "charts-fixtures/legacy")
	if code != 0 {
		t.Fatal("render failed")
	}
	out, _, code := runCLI(t, rendered, "lint", "-o", "json", "-")
	if code != 1 || !strings.Contains(out, `"sidecar-injection"`) || !strings.Contains(out, `"file": "stdin"`) {
		t.Fatalf("lint of stdin: exit %d\n%s", code, out)
	}
	out, _, _ = runCLI(t, rendered, "lint", "-o", "json", "--namespace-label", "istio-injection=enabled", "-")
	if strings.Contains(out, `"rule": "sidecar-injection"`) {
		t.Errorf("a namespace labelled istio-injection=enabled still reports sidecar-injection:\n%s", out)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  disabel: [x]\n"), 0o644)
	_, stderr, code := runCLI(t, "", "lint", "--config", bad, "charts-fixtures/good")
	if code != 2 || !strings.Contains(stderr, "bad.yaml") || !strings.Contains(stderr, "disabel") {
		t.Errorf("unknown config field: exit %d, stderr %s", code, stderr)
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("rules:\n  disable: [port-protocol-name]\n  severity:\n    sidecar-injection: warning\nignore:\n  - rules: [trace-header-dropped]\n    chart: bad-tracing\n"), 0o644)
	out, _, _ := runCLI(t, "", "lint", "-o", "json", "--config", good, "charts-fixtures")
	if strings.Contains(out, `"rule": "port-protocol-name"`) || strings.Contains(out, `"rule": "trace-header-dropped"`) {
		t.Errorf("disabled or ignored rules still reported")
	}
	if strings.Contains(out, `"rule": "sidecar-injection",
      "severity": "error"`) {
		t.Errorf("severity override not applied")
	}
}

// writeTestPolicy writes dir/r.rego, the rule my-rule (a warning) with body.
func writeTestPolicy(t *testing.T, dir, body string) {
	t.Helper()
	head := "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: my-rule\n#   severity: warning\n#   family: ports\n#   remediation: R\npackage meshready.rules.my_rule\n\n"
	if err := os.WriteFile(filepath.Join(dir, "r.rego"), []byte(head+body+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPolicyTestCommand(t *testing.T) {
	dir := t.TempDir()
	writeTestPolicy(t, dir, `findings contains {"resource": 0, "message": "m"} if input.resources[0].kind == "Service"`)
	os.WriteFile(filepath.Join(dir, "r_test.rego"), []byte("package meshready.rules.my_rule_test\nimport data.meshready.rules.my_rule\ntest_fires if count(my_rule.findings) == 1 with input as {\"resources\": [{\"kind\": \"Service\"}]}\n"), 0o644)
	out, _, code := runCLI(t, "", "policy", "test", dir)
	if code != 0 || !strings.Contains(out, "1 passed, 0 failed") {
		t.Errorf("policy test: exit %d\n%s", code, out)
	}
	os.WriteFile(filepath.Join(dir, "r2_test.rego"), []byte("package meshready.rules.my_rule_test2\nimport data.meshready.rules.my_rule\ntest_wrong if count(my_rule.findings) == 2 with input as {\"resources\": [{\"kind\": \"Service\"}]}\n"), 0o644)
	out, _, code = runCLI(t, "", "policy", "test", dir)
	if code != 1 || !strings.Contains(out, "1 passed, 1 failed") {
		t.Errorf("failing policy test: exit %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "", "rules", "--policy", dir, "-o", "json")
	if code != 0 || !strings.Contains(out, `"id": "my-rule"`) || !strings.Contains(out, `"id": "sidecar-injection"`) {
		t.Errorf("rules --policy: exit %d\n%s", code, out)
	}
}

// TestRulesDoc keeps docs/rules.md generated from the rules' metadata.
func TestRulesDoc(t *testing.T) {
	out, _, code := runCLI(t, "", "rules", "--format", "markdown")
	if code != 0 {
		t.Fatal("rules --format markdown failed")
	}
	testutil.Golden(t, filepath.Join(testutil.RepoRoot(t), "docs", "rules.md"), []byte(out))
}

// TestCLIReference keeps the README's command reference generated from the
// commands themselves, so every command and flag that exists is documented.
func TestCLIReference(t *testing.T) {
	var b strings.Builder
	writeCLIReference(&b, newRootCmd())
	testutil.GoldenSection(t, filepath.Join(testutil.RepoRoot(t), "README.md"), "cli-reference", "\n"+b.String()+"\n", nil)
}
