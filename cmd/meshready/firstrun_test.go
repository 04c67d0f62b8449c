package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestNoPassByMistake: inputs that lint nothing must never exit 0.
func TestNoPassByMistake(t *testing.T) {
	root := testutil.RepoRoot(t)
	empty := t.TempDir()
	for _, c := range []struct {
		name  string
		dir   string
		stdin string
		args  []string
		want  string
	}{
		{"empty stdin", root, "", []string{"lint", "-"}, "no resources in stdin"},
		{"comments only on stdin", root, "# nothing\n---\n", []string{"lint", "-"}, "no resources in stdin"},
		{"empty stdin, json", root, "", []string{"lint", "-o", "json", "-"}, "no resources in stdin"},
		{"no input outside any chart", empty, "", []string{"lint"}, "no OOM tree or chart around"},
		{"report without input outside any chart", empty, "", []string{"report"}, "no OOM tree or chart around"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := gateCLI(t, c.dir, c.stdin, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, want 2 with %q on stderr:\n%s", r.code, c.want, r.stderr)
			}
		})
	}
}

// TestLintAroundCurrentFolder: without inputs, lint takes the chart or OOM
// tree around the current folder, not the bundled demo.
func TestLintAroundCurrentFolder(t *testing.T) {
	root := testutil.RepoRoot(t)
	for _, c := range []struct {
		dir, want string
	}{
		{filepath.Join(root, "charts-fixtures", "bad-ports", "templates"), "linting .."},
		{filepath.Join(root, "charts-fixtures", "good"), "linting " + filepath.Join(root, "charts-fixtures", "good")},
		{filepath.Join(root, "charts-fixtures"), "linting " + filepath.Join(root, "charts-fixtures")},
	} {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			r := gateCLI(t, c.dir, "", "lint", "-o", "json", "--fail-on", "none")
			if r.code != 0 || !strings.Contains(r.stderr, c.want+" (around the current folder)") {
				t.Errorf("exit %d, want 0 and %q:\n%s", r.code, c.want, r.stderr)
			}
			if strings.Contains(r.stderr, "demo") {
				t.Errorf("lint without inputs fell back to the demo:\n%s", r.stderr)
			}
		})
	}
}

func TestDemoCommand(t *testing.T) {
	r := gateCLI(t, t.TempDir(), "", "demo", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"port-protocol-name"`) || !strings.Contains(r.stderr, "charts-fixtures demo") {
		t.Errorf("meshready demo: exit %d, want 0 with the demo's findings\n%s", r.code, r.stderr)
	}
	if r := gateCLI(t, t.TempDir(), "", "demo", "--fail-on", "error"); r.code != 1 {
		t.Errorf("meshready demo --fail-on error: exit %d, want 1", r.code)
	}
	mk, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "$(BIN)/meshready demo") {
		t.Error("make demo does not run meshready demo")
	}
}

// TestChartErrorsOnStderr: whatever the format, why a chart failed is on
// stderr (a CI log shows it; the report file may not be shown).
func TestChartErrorsOnStderr(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r")
	for _, format := range []string{"text", "json", "sarif", "junit", "gerrit", "github", "html"} {
		t.Run(format, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", "lint", "-o", format, "--output-file", out, "testdata/fixtures/broken/template-error")
			if code != 2 || !strings.Contains(stderr, "chart template-error could not be linted") || !strings.Contains(stderr, "parse error") {
				t.Errorf("exit %d, want 2 with the reason on stderr:\n%s", code, stderr)
			}
		})
	}
	_, stderr, code := runCLI(t, "", "report", "--output-file", out, "testdata/fixtures/broken/template-error")
	if code != 2 || !strings.Contains(stderr, "chart template-error could not be linted") {
		t.Errorf("report: exit %d, want 2 with the reason on stderr:\n%s", code, stderr)
	}
}

// TestOutputFlagsSameEverywhere: -o is the format and --output-file the
// file in lint, report and demo.
func TestOutputFlagsSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	sarif := filepath.Join(dir, "out.sarif")
	_, stderr, code := runCLI(t, "", "report", "-o", "sarif", "--output-file", sarif, "charts-fixtures/bad-ports")
	b, err := os.ReadFile(sarif)
	if code != 1 || err != nil || !strings.Contains(string(b), `"$schema"`) {
		t.Errorf("report -o sarif --output-file: exit %d, %v, want SARIF in %s\n%s", code, err, sarif, stderr)
	}
	if _, err := os.Stat(filepath.Join(testutil.RepoRoot(t), "sarif")); err == nil {
		t.Error("report -o sarif wrote a file named sarif")
	}
	_, stderr, code = runCLI(t, "", "report", "-o", filepath.Join(dir, "r.html"), "charts-fixtures/good")
	if code != 2 || !strings.Contains(stderr, "the file is --output-file") {
		t.Errorf("report -o FILE: exit %d, want 2 explaining -o is the format\n%s", code, stderr)
	}
	for _, cmd := range []string{"lint", "report", "demo"} {
		out, _, _ := runCLI(t, "", cmd, "--help")
		if !strings.Contains(out, "-o, --format") || !strings.Contains(out, "--output-file") {
			t.Errorf("%s --help: want -o, --format and --output-file:\n%s", cmd, out)
		}
	}
	// junit via lint and report are the same document
	j := filepath.Join(dir, "j.xml")
	runCLI(t, "", "report", "-o", "junit", "--output-file", j, "charts-fixtures/good")
	b, _ = os.ReadFile(j)
	if err := xml.Unmarshal(b, new(struct{})); err != nil {
		t.Errorf("report -o junit: %v", err)
	}
}

func TestVersionCommand(t *testing.T) {
	out, stderr, code := runCLI(t, "", "version")
	if code != 0 {
		t.Fatalf("version: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"meshready: ", "commit: ", "helm: v3.", "opa: v1.", "go: go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
	// the lines themselves: internal/action TestVersion
}

// TestUnknownRuleIDs: a typo in the configuration or an ignore annotation
// is an error naming the file, line and closest id, never a silent pass.
func TestUnknownRuleIDs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	typo := write("typo.yaml", "rules: {enable: [sidecar-injections]}\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"enable typo", []string{"lint", "--config", typo, "charts-fixtures/legacy"}, typo + `:1: rules.enable[0]: unknown rule "sidecar-injections" (did you mean "sidecar-injection"?)`},
		{"enable typo, fix", []string{"fix", "--config", typo, "charts-fixtures/legacy"}, `unknown rule "sidecar-injections"`},
		{"enable typo, baseline", []string{"baseline", "--config", typo, "charts-fixtures/legacy"}, `unknown rule "sidecar-injections"`},
		{"ignore typo", []string{"lint", "--config", write("ig.yaml", "ignore:\n  - rules:\n      - port-protocol-nam\n"), "charts-fixtures/good"}, `ig.yaml:3: ignore[0].rules[0]: unknown rule "port-protocol-nam" (did you mean "port-protocol-name"?)`},
		{"enable selects nothing", []string{"lint", "--config", write("none.yaml", "rules:\n  enable: [mtls-host-network]\n  disable: [mtls-host-network]\n"), "charts-fixtures/good"}, "rules.enable selects no rule"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, c.want, stderr)
			}
		})
	}
	manifest := "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    meshready.io/ignore: port-protocol-nme\nspec:\n  ports:\n  - port: 80\n    name: web\n"
	_, stderr, code := runCLI(t, manifest, "lint", "-")
	if code != 2 || !strings.Contains(stderr, `stdin:6: Service/s meshready.io/ignore: unknown rule "port-protocol-nme" (did you mean "port-protocol-name"?)`) {
		t.Errorf("annotation typo: exit %d, want 2 naming stdin:6 and the closest id:\n%s", code, stderr)
	}
}

// TestExcludeAndKnownFailures: a tree with one chart that cannot render
// offline still gates on everything else, by exclude: or by a baseline
// that records the failure; a change elsewhere never fails for it.
func TestExcludeAndKnownFailures(t *testing.T) {
	repo := testutil.FixturesRepo(t)
	testutil.WriteFiles(t, filepath.Join(repo, "kubernetes", "offline"), map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: offline\nversion: 0.1.0\ndependencies:\n  - name: oauth2-proxy\n    version: 8.3.3\n    repository: https://oauth2-proxy.github.io/manifests\n",
		"values.yaml": "{}\n",
	})
	testutil.CommitAll(t, repo, "a chart that needs the internet")

	r := gateCLI(t, repo, "", "lint", "kubernetes", "-o", "json", "--fail-on", "none")
	if r.code != 2 || !strings.Contains(r.stderr, "chart offline could not be linted") {
		t.Fatalf("lint with the offline chart: exit %d, want 2 naming it\n%s", r.code, r.stderr)
	}

	cfg := filepath.Join(t.TempDir(), ".meshready.yaml")
	os.WriteFile(cfg, []byte("exclude: [offline]\n"), 0o644)
	for _, c := range []struct {
		failOn string
		want   int
	}{{"none", 0}, {"error", 1}} {
		r = gateCLI(t, repo, "", "lint", "kubernetes", "--config", cfg, "--fail-on", c.failOn, "-o", "junit")
		if r.code != c.want || !strings.Contains(r.stderr, "chart offline excluded by "+cfg+" (exclude: offline): no reason given") || strings.Contains(r.stdout, "offline") {
			t.Errorf("exclude: [offline] --fail-on %s: exit %d, want %d (by the findings alone)\n%s", c.failOn, r.code, c.want, r.stderr)
		}
	}
	os.WriteFile(cfg, []byte("exclude:\n  - chart: off*\n    reason: needs oauth2-proxy from the internet\n"), 0o644)
	r = gateCLI(t, repo, "", "lint", "kubernetes", "--config", cfg, "--fail-on", "none")
	if r.code != 0 || !strings.Contains(r.stderr, "(exclude: off*): needs oauth2-proxy from the internet") {
		t.Errorf("exclude with a reason: exit %d\n%s", r.code, r.stderr)
	}

	rec := gateRecordBaseline(t, repo, ".meshready-baseline.json", "kubernetes")
	if rec.code != 0 || !strings.Contains(rec.stderr, "chart offline could not be linted; recorded as a known failure") {
		t.Fatalf("baseline: exit %d, want 0 recording the failure\n%s", rec.code, rec.stderr)
	}
	r = gateCLI(t, repo, "", "lint", "kubernetes", "--baseline", ".meshready-baseline.json", "-o", "sarif")
	if r.code != 0 || !strings.Contains(r.stderr, "chart offline could not be linted, a known failure") {
		t.Errorf("lint --baseline with the known failure: exit %d, want 0\n%s", r.code, r.stderr)
	}
	testutil.CommitAll(t, repo, "baseline")
	gateReplace(t, filepath.Join(repo, "kubernetes", "good", "values.yaml"), "name: http-ui", "name: ui")
	testutil.CommitAll(t, repo, "break good")
	r = gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json")
	if r.code != 1 || strings.Contains(r.stderr, "selected offline") || strings.Contains(r.stderr, "offline could not be linted") {
		t.Errorf("a change to good: exit %d, want 1 for good's finding, offline neither selected nor failing\n%s", r.code, r.stderr)
	}
}

func TestColorFlags(t *testing.T) {
	for _, c := range []struct {
		args    []string
		noColor string
		want    bool
	}{
		{[]string{"--color", "always"}, "", true},
		{[]string{"--color", "always"}, "1", true}, // an explicit flag wins over NO_COLOR
		{[]string{"--color", "never"}, "", false},
		{[]string{"--color", "auto"}, "1", false},
		{nil, "1", false},
		{[]string{"--color", "always", "-o", "json"}, "", false},
	} {
		env := []string{"NO_COLOR=" + c.noColor}
		r := gateExec(t, testutil.RepoRoot(t), env, "", testutil.Tool(t, "meshready"), append([]string{"lint", "charts-fixtures/bad-ports"}, c.args...)...)
		if got := strings.Contains(r.stdout, "\x1b["); got != c.want || r.code != 1 {
			t.Errorf("lint %v with NO_COLOR=%q: colour %v, want %v (exit %d)\n%s", c.args, c.noColor, got, c.want, r.code, r.stderr)
		}
	}
	if _, stderr, code := runCLI(t, "", "lint", "--color", "sometimes", "charts-fixtures/good"); code != 2 || !strings.Contains(stderr, `--color "sometimes": want auto, always or never`) {
		t.Errorf("--color sometimes: exit %d\n%s", code, stderr)
	}
	out, _, _ := runCLI(t, "", "lint", "--compact", "charts-fixtures/bad-ports")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, "bad-ports/") || !strings.Contains(l, ": error ") && !strings.Contains(l, ": warning ") && !strings.Contains(l, ": info ") {
			t.Errorf("--compact line is not file:line: severity rule: message: %q", l)
		}
	}
}

// TestOOMMasterFirstRun: lint of OOM master renders every chart but
// authentication (which needs a chart from the internet), and with
// exclude: [authentication] exits by its findings alone. The
// --set global.masterPassword=x stands in for lint mode's stand-ins for
// deploy-time inputs, which another change brings.
func TestOOMMasterFirstRun(t *testing.T) {
	if testing.Short() {
		t.Skip("lints all of OOM master")
	}
	tree := testutil.OOMTree(t, "master")
	const pw = "--set=global.masterPassword=x"
	out, stderr, code := runCLI(t, "", "lint", tree, "-o", "json", pw)
	var rep struct {
		Errors   []struct{ Chart string } `json:"errors"`
		Findings []json.RawMessage        `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 2 || len(rep.Errors) != 1 || rep.Errors[0].Chart != "authentication" || !strings.Contains(stderr, "chart authentication could not be linted") {
		t.Fatalf("exit %d, errors %+v: want only authentication to fail\n%s", code, rep.Errors, stderr)
	}
	cfg := filepath.Join(t.TempDir(), ".meshready.yaml")
	os.WriteFile(cfg, []byte("exclude: [authentication]\n"), 0o644)
	for _, c := range []struct {
		failOn string
		want   int
	}{{"error", 1}, {"none", 0}} {
		_, stderr, code = runCLI(t, "", "lint", tree, "--config", cfg, "--fail-on", c.failOn, pw)
		if code != c.want || strings.Contains(stderr, "could not be linted") {
			t.Errorf("exclude: [authentication], --fail-on %s: exit %d, want %d\n%s", c.failOn, code, c.want, stderr)
		}
	}
	t.Logf("OOM master: %d findings, authentication excluded", len(rep.Findings))
}

// TestUnknownRuleIDsWithPolicy: the catalogue includes --policy rules.
func TestUnknownRuleIDsWithPolicy(t *testing.T) {
	dir := t.TempDir()
	writeTestPolicy(t, dir, `findings contains {"resource": i, "message": "m"} if {
	some i, r in input.resources
	r.kind == "Service"
}`)
	cfg := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(cfg, []byte("rules:\n  enable: [my-rule]\n"), 0o644)
	out, stderr, code := runCLI(t, "", "lint", "--config", cfg, "--policy", dir, "-o", "json", "charts-fixtures/bad-ports")
	if code != 0 || !strings.Contains(out, `"rule": "my-rule"`) || strings.Contains(out, `"rule": "port-protocol-name"`) {
		t.Errorf("enable: [my-rule] with --policy: exit %d, want my-rule only (a warning)\n%s\n%s", code, out, stderr)
	}
	_, stderr, code = runCLI(t, "", "lint", "--config", cfg, "charts-fixtures/bad-ports")
	if code != 2 || !strings.Contains(stderr, `unknown rule "my-rule"`) {
		t.Errorf("enable: [my-rule] without its --policy: exit %d, want 2\n%s", code, stderr)
	}
}

// TestFlagValueCompletion: shell completion offers the fixed values of flags.
func TestFlagValueCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"lint", "--format", ""}, []string{"sarif", "junit", "github"}},
		{[]string{"report", "-o", ""}, []string{"html", "json"}},
		{[]string{"lint", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"lint", "--fail-on", ""}, []string{"error", "none"}},
		{[]string{"fix", "--inject-style", ""}, []string{"annotation", "label"}},
		{[]string{"rules", "--format", ""}, []string{"markdown"}},
	} {
		out, _, code := runCLI(t, "", append([]string{"__complete"}, c.args...)...)
		lines := strings.Split(out, "\n")
		for _, w := range c.want {
			if code != 0 || !slices.Contains(lines, w) {
				t.Errorf("completion of %v: exit %d, lacks %q:\n%s", c.args, code, w, out)
			}
		}
	}
}
