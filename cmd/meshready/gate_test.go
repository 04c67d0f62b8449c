package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/testutil"
)

// gateResult is what a command printed and its exit code.
type gateResult struct {
	stdout, stderr string
	code           int
}

// gateExec runs a program in dir with extra environment and stdin.
func gateExec(t testing.TB, dir string, env []string, stdin, name string, args ...string) gateResult {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	r := gateResult{stdout: o.String(), stderr: e.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// gateCLI runs the built meshready binary in dir.
func gateCLI(t testing.TB, dir, stdin string, args ...string) gateResult {
	t.Helper()
	return gateExec(t, dir, nil, stdin, testutil.Tool(t, "meshready"), args...)
}

// gateReplace replaces one exact occurrence of old in a file and returns
// the 1-based line the new text starts on.
func gateReplace(t testing.TB, path, old, new string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, old)
	if i < 0 || strings.Count(s, old) != 1 {
		t.Fatalf("%s: want exactly one %q", path, old)
	}
	if err := os.WriteFile(path, []byte(s[:i]+new+s[i+len(old):]), 0o644); err != nil {
		t.Fatal(err)
	}
	return strings.Count(s[:i], "\n") + 1
}

// gateRecordBaseline runs `meshready baseline ARGS > FILE` in repo.
func gateRecordBaseline(t testing.TB, repo, file string, args ...string) gateResult {
	t.Helper()
	r := gateCLI(t, repo, "", append([]string{"baseline"}, args...)...)
	if err := os.WriteFile(filepath.Join(repo, file), []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

// reviewInput is Gerrit's ReviewInput (REST API, `gerrit review --json`):
// decoding with unknown fields disallowed checks the JSON is one.
type reviewInput struct {
	Message                string                    `json:"message"`
	Tag                    string                    `json:"tag"`
	Labels                 map[string]int            `json:"labels"`
	Comments               map[string][]commentInput `json:"comments"`
	RobotComments          json.RawMessage           `json:"robot_comments"`
	Drafts                 string                    `json:"drafts"`
	Notify                 string                    `json:"notify"`
	NotifyDetails          json.RawMessage           `json:"notify_details"`
	OmitDuplicateComments  bool                      `json:"omit_duplicate_comments"`
	OnBehalfOf             string                    `json:"on_behalf_of"`
	Reviewers              json.RawMessage           `json:"reviewers"`
	Ready                  bool                      `json:"ready"`
	WorkInProgress         bool                      `json:"work_in_progress"`
	AddToAttentionSet      json.RawMessage           `json:"add_to_attention_set"`
	RemoveFromAttentionSet json.RawMessage           `json:"remove_from_attention_set"`
}

type commentInput struct {
	Line           int             `json:"line"`
	Range          json.RawMessage `json:"range"`
	Message        string          `json:"message"`
	Unresolved     bool            `json:"unresolved"`
	FixSuggestions json.RawMessage `json:"fix_suggestions"`
	Side           string          `json:"side"`
	InReplyTo      string          `json:"in_reply_to"`
}

func parseReview(t testing.TB, data string) reviewInput {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	var r reviewInput
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("not a Gerrit ReviewInput: %v\n%s", err, data)
	}
	if r.Message == "" {
		t.Errorf("ReviewInput without a message:\n%s", data)
	}
	return r
}

func countComments(r reviewInput) int {
	n := 0
	for _, cs := range r.Comments {
		n += len(cs)
	}
	return n
}

func selectedLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "selected ") {
			out = append(out, l)
		}
	}
	return out
}

func TestGateFlagErrors(t *testing.T) {
	notGit := t.TempDir()
	tree, err := chartsfixtures.Extract(notGit)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"both change sources", []string{"lint", tree, "--changed-from", "HEAD~1", "--changed-files", "x"}, "give one of them"},
		{"update without baseline", []string{"lint", tree, "--baseline-update"}, "--baseline-update needs --baseline FILE"},
		{"label without gerrit", []string{"lint", tree, "--gerrit-label", "Verified"}, "--gerrit-label applies to --format gerrit"},
		{"changed-only without input", []string{"lint", "--changed-from", "HEAD~1"}, "need the tree to lint"},
		{"stdin twice", []string{"lint", "-", "--changed-files", "-"}, "cannot both read stdin"},
		{"not a git repository", []string{"lint", tree, "--changed-from", "HEAD~1"}, "cannot map changed files to charts"},
		{"missing baseline", []string{"lint", tree, "--baseline", filepath.Join(notGit, "none.json")}, "none.json: no such file"},
		{"missing list", []string{"lint", tree, "--repo-root", notGit, "--changed-files", filepath.Join(notGit, "list.txt")}, "list.txt"},
		{"bad repo root", []string{"lint", tree, "--repo-root", filepath.Join(notGit, "nope")}, "--repo-root"},
		{"baseline without input", []string{"baseline"}, "give the tree or charts to record"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := gateCLI(t, notGit, "", c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", r.code, r.stderr, c.want)
			}
		})
	}
}

// TestGateFixtures runs the gate on a repository of the charts-fixtures tree.
func TestGateFixtures(t *testing.T) {
	repo := testutil.FixturesRepo(t)
	rec := gateRecordBaseline(t, repo, ".meshready-baseline.json", "kubernetes")
	if rec.code != 0 {
		t.Fatalf("baseline: exit %d\n%s", rec.code, rec.stderr)
	}
	base, err := baseline.Load(filepath.Join(repo, ".meshready-baseline.json"), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Findings) == 0 || !strings.Contains(rec.stderr, "recorded ") {
		t.Fatalf("baseline recorded %d findings; stderr:\n%s", len(base.Findings), rec.stderr)
	}
	testutil.CommitAll(t, repo, "baseline")

	t.Run("nothing selected", func(t *testing.T) {
		r := gateCLI(t, repo, "kubernetes/README.md\nREADME.md\n", "lint", "kubernetes", "--changed-files", "-", "--format", "gerrit", "--gerrit-label", "Verified")
		if r.code != 0 || !strings.Contains(r.stderr, "no chart selected") || len(selectedLines(r.stderr)) != 0 {
			t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
		rv := parseReview(t, r.stdout)
		if rv.Labels["Verified"] != 1 || countComments(rv) != 0 {
			t.Errorf("vote %v with %d comments, want +1 and none", rv.Labels, countComments(rv))
		}
	})

	t.Run("a template edit: inline comments only on the changed file", func(t *testing.T) {
		// A comment line on top shifts every line of the template.
		tmpl := filepath.Join(repo, "kubernetes", "bad-ports", "templates", "service.yaml")
		b, _ := os.ReadFile(tmpl)
		if err := os.WriteFile(tmpl, append([]byte("# reviewed\n"), b...), 0o644); err != nil {
			t.Fatal(err)
		}
		testutil.CommitAll(t, repo, "template comment")
		defer testutil.Git(t, repo, "reset", "-q", "--hard", "HEAD~1")

		r := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--format", "gerrit", "--gerrit-label", "Verified")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
		}
		if got := selectedLines(r.stderr); !slices.Equal(got, []string{"selected bad-ports: bad-ports/templates/service.yaml changed"}) {
			t.Errorf("selection %q", got)
		}
		rv := parseReview(t, r.stdout)
		var files []string
		for f := range rv.Comments {
			files = append(files, f)
		}
		if !slices.Equal(files, []string{"kubernetes/bad-ports/templates/service.yaml"}) {
			t.Errorf("comments on %v, want only the changed template", files)
		}
		if !strings.Contains(rv.Message, "Findings on files this change does not touch") || !strings.Contains(rv.Message, "kubernetes/bad-ports/values.yaml:") {
			t.Errorf("the findings on values.yaml are not in the message:\n%s", rv.Message)
		}
		if rv.Labels["Verified"] != -1 {
			t.Errorf("vote %v, want Verified -1", rv.Labels)
		}
		t.Logf("without baseline: %d inline comments on the changed template", countComments(rv))

		// With the baseline the shifted findings are all known.
		r = gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json", "--format", "gerrit", "--gerrit-label", "Verified")
		rv = parseReview(t, r.stdout)
		if r.code != 0 || countComments(rv) != 0 || rv.Labels["Verified"] != 1 {
			t.Errorf("with the baseline: exit %d, %d comments, vote %v; want 0, none, +1\n%s", r.code, countComments(rv), rv.Labels, r.stderr)
		}
		if !strings.Contains(rv.Message, "Baseline .meshready-baseline.json: 0 new") {
			t.Errorf("message does not give the baseline counts:\n%s", rv.Message)
		}
	})

	t.Run("a renamed port: one new, one fixed; --baseline-update drops the fixed one", func(t *testing.T) {
		values := filepath.Join(repo, "kubernetes", "bad-ports", "values.yaml")
		line := gateReplace(t, values, "- name: api\n", "- name: apx\n")
		testutil.CommitAll(t, repo, "rename port api")
		defer testutil.Git(t, repo, "reset", "-q", "--hard", "HEAD~1")

		r := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json", "-o", "json")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
		}
		var doc struct {
			Findings []struct {
				Rule, File, Value string
				Line              int
			} `json:"findings"`
			Errors   []any          `json:"errors"`
			Summary  map[string]int `json:"summary"`
			Baseline map[string]int `json:"baseline"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("json output: %v\n%s", err, r.stdout)
		}
		var top map[string]json.RawMessage
		_ = json.Unmarshal([]byte(r.stdout), &top)
		var keys []string
		for k := range top {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"baseline", "errors", "findings", "istioVersion", "summary"}) {
			t.Errorf("top-level keys %v: the contract's three, istioVersion and baseline only", keys)
		}
		if v := string(top["istioVersion"]); v != `"1.30"` {
			t.Errorf(`"istioVersion" %s, want "1.30" (the default target)`, v)
		}
		if len(doc.Findings) != 1 || doc.Findings[0].Value != "apx" || doc.Findings[0].Line != line || doc.Findings[0].File != "kubernetes/bad-ports/values.yaml" {
			t.Errorf("findings %+v, want only port-protocol-name apx at kubernetes/bad-ports/values.yaml:%d", doc.Findings, line)
		}
		if doc.Baseline["new"] != 1 || doc.Baseline["fixed"] != 1 || len(doc.Baseline) != 2 || doc.Summary["error"] != 1 {
			t.Errorf(`"baseline" %v, summary %v; want {"new":1,"fixed":1} and 1 error`, doc.Baseline, doc.Summary)
		}

		text := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json")
		if !strings.Contains(text.stdout, "baseline .meshready-baseline.json: 1 new, ") || !strings.Contains(text.stdout, ", 1 fixed\n") {
			t.Errorf("text output lacks the baseline line:\n%s", text.stdout)
		}
		if !strings.Contains(text.stderr, "1 baseline finding is fixed: drop them with --baseline-update") {
			t.Errorf("stderr does not say a baseline finding is fixed:\n%s", text.stderr)
		}

		upd := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json", "--baseline-update")
		after, err := baseline.Load(filepath.Join(repo, ".meshready-baseline.json"), false)
		if err != nil {
			t.Fatal(err)
		}
		if upd.code != 1 || len(after.Findings) != len(base.Findings)-1 {
			t.Errorf("--baseline-update: exit %d, %d entries, want 1 and %d\n%s", upd.code, len(after.Findings), len(base.Findings)-1, upd.stderr)
		}
		for _, e := range after.Findings {
			if e.Value == "api" && e.Rule == "port-protocol-name" {
				t.Error("the fixed finding is still in the updated baseline")
			}
		}
		again := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json")
		if !strings.Contains(again.stderr, "1 new finding, ") || !strings.Contains(again.stderr, ", 0 fixed") {
			t.Errorf("after the update:\n%s", again.stderr)
		}
	})

	t.Run("github and sarif paths are repository-relative", func(t *testing.T) {
		sub := filepath.Join(repo, "kubernetes")
		r := gateCLI(t, sub, "", "lint", "bad-ports", "--format", "github")
		if r.code != 1 || !strings.Contains(r.stdout, "file=kubernetes/bad-ports/values.yaml,") {
			t.Errorf("run in kubernetes/: exit %d, want annotations on kubernetes/bad-ports/values.yaml:\n%s", r.code, r.stdout)
		}
		r = gateCLI(t, sub, "", "lint", "bad-ports", "--format", "github", "--repo-root", ".")
		if !strings.Contains(r.stdout, "file=bad-ports/values.yaml,") {
			t.Errorf("--repo-root . does not win over the git top level:\n%s", r.stdout)
		}
		r = gateCLI(t, sub, "", "lint", "bad-ports", "--format", "sarif")
		if !strings.Contains(r.stdout, `"uri": "kubernetes/bad-ports/values.yaml"`) {
			t.Errorf("sarif URIs are not repository-relative")
		}
	})
}

// TestGateOOMMaster is the gate on a throwaway repository of OOM master:
// the baseline recorded before the change, then a change that introduces an
// unprefixed port name in cps-temporal's values.yaml.
func TestGateOOMMaster(t *testing.T) {
	if testing.Short() {
		t.Skip("renders all of OOM master")
	}
	repo := testutil.GitRepo(t, testutil.OOMTree(t, "master"))
	const pw = "--set=global.masterPassword=x"
	rec := gateRecordBaseline(t, repo, ".meshready-baseline.json", "kubernetes", pw, "-q")
	// authentication needs a chart from the internet: it is recorded as a
	// known failure, so the gate judges the others by their findings.
	if rec.code != 0 || !strings.Contains(rec.stderr, "chart authentication could not be linted; recorded as a known failure") {
		t.Fatalf("baseline: exit %d, want 0 recording authentication as a known failure\n%s", rec.code, rec.stderr)
	}
	base, err := baseline.Load(filepath.Join(repo, ".meshready-baseline.json"), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("baseline of OOM master: %d findings (%s)", len(base.Findings), strings.TrimSpace(strings.Split(rec.stderr, "\n")[0]))
	testutil.CommitAll(t, repo, "baseline")

	values := filepath.Join(repo, "kubernetes", "cps", "components", "cps-temporal", "values.yaml")
	line := gateReplace(t, values, "- name: http-management\n", "- name: management\n")
	testutil.CommitAll(t, repo, "cps-temporal: rename the management port")
	head := strings.TrimSpace(testutil.Git(t, repo, "rev-parse", "HEAD"))
	const file = "kubernetes/cps/components/cps-temporal/values.yaml"

	t.Run("gerrit: one comment on the changed line", func(t *testing.T) {
		r := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json",
			"--format", "gerrit", "--gerrit-label", "Verified", pw)
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
		}
		if got := selectedLines(r.stderr); !slices.Equal(got, []string{"selected cps: cps/components/cps-temporal/values.yaml changed"}) {
			t.Errorf("selection %q, want cps only", got)
		}
		rv := parseReview(t, r.stdout)
		cs := rv.Comments[file]
		if countComments(rv) != 1 || len(cs) != 1 || cs[0].Line != line || !strings.Contains(cs[0].Message, "port-protocol-name") || !strings.Contains(cs[0].Message, "'management'") {
			t.Errorf("comments %+v, want exactly one port-protocol-name comment on %s:%d", rv.Comments, file, line)
		}
		if rv.Labels["Verified"] != -1 {
			t.Errorf("vote %v, want Verified -1", rv.Labels)
		}

		// Without the baseline, the selected chart's old findings count too
		// (the Gerrit format comments only on the change's files, so count
		// them in JSON).
		all := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--format", "gerrit", "--gerrit-label", "Verified", pw)
		allRv := parseReview(t, all.stdout)
		var js struct {
			Findings []json.RawMessage `json:"findings"`
		}
		raw := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "-o", "json", pw)
		if err := json.Unmarshal([]byte(raw.stdout), &js); err != nil {
			t.Fatalf("json without the baseline: %v\n%s", err, raw.stderr)
		}
		if len(js.Findings) <= countComments(rv) {
			t.Errorf("without the baseline %d findings in the selected chart, with it %d comments: the baseline suppressed nothing", len(js.Findings), countComments(rv))
		}
		t.Logf("comments with the baseline: %d; without: %d (on %s: %d)", countComments(rv), countComments(allRv), file, len(allRv.Comments[file]))
	})

	t.Run("verify.sh posts the review over ssh", func(t *testing.T) {
		fake := t.TempDir()
		script := `#!/bin/sh
printf '%s\n' "$@" > "$FAKE_SSH_DIR/args"
cat > "$FAKE_SSH_DIR/stdin"
`
		if err := os.WriteFile(filepath.Join(fake, "ssh"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		mr := testutil.Tool(t, "meshready")
		env := []string{
			"PATH=" + fake + string(os.PathListSeparator) + filepath.Dir(mr) + string(os.PathListSeparator) + os.Getenv("PATH"),
			"FAKE_SSH_DIR=" + fake,
			"GERRIT_HOST=gerrit.example.org", "GERRIT_PORT=29418", "GERRIT_PROJECT=oom", "GERRIT_BRANCH=master",
			"GERRIT_CHANGE_NUMBER=4242", "GERRIT_PATCHSET_NUMBER=1", "GERRIT_PATCHSET_REVISION=" + head,
			"GERRIT_REFSPEC=refs/changes/42/4242/1",
			"MESHREADY_ARGS=" + pw,
		}
		verify := filepath.Join(testutil.RepoRoot(t), "ci", "jenkins", "verify.sh")
		r := gateExec(t, repo, env, "", "sh", verify)
		if r.code != 1 {
			t.Fatalf("verify.sh: exit %d, want 1 (new finding)\n%s", r.code, r.stderr)
		}
		args, err := os.ReadFile(filepath.Join(fake, "args"))
		if err != nil {
			t.Fatalf("ssh was not called: %v\n%s", err, r.stderr)
		}
		want := []string{"-p", "29418", "gerrit.example.org", "gerrit", "review", "--json", head}
		if got := strings.Split(strings.TrimSpace(string(args)), "\n"); !slices.Equal(got, want) {
			t.Errorf("ssh %q\nwant %q", got, want)
		}
		stdin, _ := os.ReadFile(filepath.Join(fake, "stdin"))
		rv := parseReview(t, string(stdin))
		if rv.Labels["Verified"] != -1 || countComments(rv) != 1 || len(rv.Comments[file]) != 1 || rv.Comments[file][0].Line != line {
			t.Errorf("posted vote %v with comments %+v; want Verified -1 and one comment on %s:%d", rv.Labels, rv.Comments, file, line)
		}

		// A follow-up change that touches no chart: +1, nothing to comment.
		if err := os.WriteFile(filepath.Join(repo, "kubernetes", "README.md"), []byte("docs only\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		testutil.CommitAll(t, repo, "docs")
		head2 := strings.TrimSpace(testutil.Git(t, repo, "rev-parse", "HEAD"))
		env = append(env, "GERRIT_PATCHSET_REVISION="+head2) // the last one wins
		r = gateExec(t, repo, env, "", "sh", verify)
		stdin, _ = os.ReadFile(filepath.Join(fake, "stdin"))
		rv = parseReview(t, string(stdin))
		if r.code != 0 || rv.Labels["Verified"] != 1 || countComments(rv) != 0 || !strings.Contains(r.stderr, "no chart selected") {
			t.Errorf("docs-only change: exit %d, vote %v, %d comments\n%s", r.code, rv.Labels, countComments(rv), r.stderr)
		}
		args, _ = os.ReadFile(filepath.Join(fake, "args"))
		if !strings.Contains(string(args), head2) {
			t.Errorf("the review went to %q, not the new patch set %s", args, head2)
		}
	})
}

// TestGateOOMMasterComposedPort: in OOM master, common names a Service port
// printf "%s-%s" .port_protocol .name. A change that breaks one
// port_protocol value gets exactly one Gerrit comment, on that line.
// (--set global.masterPassword=x stands in for lint mode's stand-ins for
// deploy-time inputs, which another change brings.)
func TestGateOOMMasterComposedPort(t *testing.T) {
	if testing.Short() {
		t.Skip("renders all of OOM master")
	}
	repo := testutil.GitRepo(t, testutil.OOMTree(t, "master"))
	const pw = "--set=global.masterPassword=x"
	if rec := gateRecordBaseline(t, repo, ".meshready-baseline.json", "kubernetes", pw, "-q"); rec.code != 0 {
		t.Fatalf("baseline: exit %d\n%s", rec.code, rec.stderr)
	}
	testutil.CommitAll(t, repo, "baseline")
	const file = "kubernetes/portal-ng/components/portal-ng-ui/values.yaml"
	line := gateReplace(t, filepath.Join(repo, file), "      port_protocol: http\n", "      port_protocol: web\n")
	testutil.CommitAll(t, repo, "portal-ng-ui: a port_protocol that names no protocol")

	r := gateCLI(t, repo, "", "lint", "kubernetes", "--changed-from", "HEAD~1", "--baseline", ".meshready-baseline.json",
		"--format", "gerrit", "--gerrit-label", "Verified", pw)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	rv := parseReview(t, r.stdout)
	cs := rv.Comments[file]
	if countComments(rv) != 1 || len(cs) != 1 || cs[0].Line != line || !strings.Contains(cs[0].Message, "port-protocol-name") ||
		!strings.Contains(cs[0].Message, "composed with "+file+":") {
		t.Errorf("comments %+v, want exactly one port-protocol-name comment on %s:%d naming the name line", rv.Comments, file, line)
	}
	// lint and sarif point at the same line.
	r = gateCLI(t, repo, "", "lint", "kubernetes/portal-ng", "--compact", pw)
	if !strings.Contains(r.stdout, fmt.Sprintf("%s:%d: error port-protocol-name", file, line)) {
		t.Errorf("lint does not point at %s:%d:\n%s", file, line, r.stdout)
	}
	r = gateCLI(t, repo, "", "lint", "kubernetes/portal-ng", "-o", "sarif", pw)
	if !strings.Contains(r.stdout, fmt.Sprintf("\"startLine\": %d", line)) || !strings.Contains(r.stdout, `"relatedLocations"`) {
		t.Errorf("sarif does not point at line %d with the name line related", line)
	}
}
