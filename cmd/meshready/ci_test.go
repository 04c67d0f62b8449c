package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/plugin"

	"github.com/meshready/meshready/internal/testutil"
)

// yamlFile parses a YAML file into a node tree (custom tags kept).
func yamlFile(t *testing.T, path string) *yaml.Node {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(doc.Content) != 1 {
		t.Fatalf("%s: want one YAML document", path)
	}
	return doc.Content[0]
}

// get follows mapping keys and sequence indexes ("triggers", "0", ...).
func get(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

// find returns the first item of a sequence holding key (a one-key map
// like `- shell: ...` or `- job: ...`), and that key's value.
func find(seq *yaml.Node, key string) *yaml.Node {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	for _, it := range seq.Content {
		if v := get(it, key); v != nil {
			return v
		}
	}
	return nil
}

func TestJenkinsJobDefinition(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(t), "ci", "jenkins")
	job := find(yamlFile(t, filepath.Join(dir, "meshready-verify.yaml")), "job")
	if job == nil || get(job, "name").Value != "meshready-verify" {
		t.Fatal("no job meshready-verify")
	}
	trig := find(get(job, "triggers"), "gerrit")
	if trig == nil {
		t.Fatal("no Gerrit Trigger")
	}
	if find(get(trig, "trigger-on"), "patchset-created-event") == nil {
		t.Error("the trigger does not fire on new patch sets")
	}
	fp := get(trig, "projects", "0", "file-paths", "0")
	if get(fp, "compare-type").Value != "ANT" || get(fp, "pattern").Value != "kubernetes/**" {
		t.Errorf("file paths: want ANT kubernetes/**")
	}
	// Gerrit Trigger tests a comment-added pattern against the whole
	// comment text, which Gerrit starts with "Patch Set N:".
	recheck := get(find(get(trig, "trigger-on"), "comment-added-contains-event"), "comment-contains-value")
	if recheck == nil {
		t.Fatal("no recheck trigger")
	}
	re := regexp.MustCompile(`(?s)\A(?:` + recheck.Value + `)\z`)
	for comment, want := range map[string]bool{
		"Patch Set 3:\n\nrecheck":                  true,
		"Patch Set 12:\n\nreverify\n":              true,
		"Patch Set 1: recheck":                     true,
		"Patch Set 3:\n\nno need to recheck this?": false,
		"Patch Set 3: Code-Review+1":               false,
	} {
		if got := re.MatchString(comment); got != want {
			t.Errorf("recheck pattern %q on comment %q: match %v, want %v", recheck.Value, comment, got, want)
		}
	}
	// The shell step is verify.sh, embedded by JJB from beside the job.
	var script *yaml.Node
	for _, b := range get(job, "builders").Content {
		if s := get(b, "shell"); s != nil && strings.HasPrefix(s.Tag, "!include-raw") {
			script = s
		}
	}
	if script == nil || script.Value != "verify.sh" {
		t.Fatal("no builder includes verify.sh")
	}
	b, err := os.ReadFile(filepath.Join(dir, script.Value))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"lint \"$root\" --changed-from HEAD~1 --format gerrit --gerrit-label Verified",
		"--baseline \"$baseline\"",
		`ssh -p "$port" "$target" gerrit review --json "$GERRIT_PATCHSET_REVISION" < review.json`,
		"GERRIT_HOST", "GERRIT_PATCHSET_REVISION",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("verify.sh does not contain %q", want)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "verify.sh")); err != nil || st.Mode()&0o111 == 0 {
		t.Error("verify.sh is not executable")
	}
	// The parameter the install step and verify.sh share.
	var names []string
	for _, p := range get(job, "parameters").Content {
		names = append(names, get(p, "string", "name").Value)
	}
	for _, want := range []string{"MESHREADY", "MESHREADY_VERSION", "MESHREADY_ARGS"} {
		if !slices.Contains(names, want) {
			t.Errorf("no job parameter %s (have %v)", want, names)
		}
	}
}

func TestZuulJob(t *testing.T) {
	root := testutil.RepoRoot(t)
	conf := yamlFile(t, filepath.Join(root, "ci", "zuul", "meshready.yaml"))
	job := find(conf, "job")
	if job == nil || get(job, "name").Value != "meshready-lint" {
		t.Fatal("no job meshready-lint")
	}
	files := get(job, "files")
	if files == nil || len(files.Content) != 1 || !regexp.MustCompile(files.Content[0].Value).MatchString("kubernetes/so/values.yaml") ||
		regexp.MustCompile(files.Content[0].Value).MatchString("docs/index.md") {
		t.Error("files: want the job to run for kubernetes/ changes only")
	}
	proj := find(conf, "project")
	if proj == nil || get(proj, "check", "jobs", "0").Value != "meshready-lint" {
		t.Error("the project does not run meshready-lint in check")
	}
	run := get(job, "run").Value
	play := yamlFile(t, filepath.Join(root, filepath.FromSlash(run)))
	tasks := get(play, "0", "tasks")
	if get(play, "0", "hosts").Value != "all" || tasks == nil {
		t.Fatalf("%s: not a playbook with tasks", run)
	}
	var lintCmd string
	var returned bool
	for _, task := range tasks.Content {
		if s := get(task, "shell"); s != nil && strings.Contains(s.Value, "meshready lint") {
			lintCmd = s.Value
		}
		if get(task, "zuul_return", "data", "zuul", "file_comments") != nil {
			returned = true
		}
	}
	for _, want := range []string{"--changed-from origin/{{ zuul.branch", "--baseline", "--format json"} {
		if !strings.Contains(lintCmd, want) {
			t.Errorf("the lint task %q lacks %q", lintCmd, want)
		}
	}
	if !returned {
		t.Error("no zuul_return of file_comments")
	}
}

// shellWords splits a command line as pre-commit does (shlex): spaces
// separate words, single and double quotes group them.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				t.Fatalf("unbalanced quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// preCommitHook is an entry of .pre-commit-hooks.yaml (the fields used here).
type preCommitHook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	RequireSerial bool     `yaml:"require_serial"`
	Stages        []string `yaml:"stages"`
	MinVersion    string   `yaml:"minimum_pre_commit_version"`
}

func TestPreCommitHook(t *testing.T) {
	root := testutil.RepoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []preCommitHook
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&hooks); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(hooks, func(h preCommitHook) bool {
		return h.ID == "meshready-lint"
	})
	if i < 0 {
		t.Fatal("no meshready-lint hook")
	}
	h := hooks[i]
	if h.Language != "golang" && h.Language != "system" {
		t.Errorf("language %q, want golang or system", h.Language)
	}
	if h.PassFilenames == nil || *h.PassFilenames {
		t.Error("pass_filenames must be false: the entry reads the staged files from git, and args are meshready flags")
	}
	if h.MinVersion == "" {
		t.Error("no minimum_pre_commit_version: an older pre-commit fails with an obscure schema error")
	}
	// The pre-commit Debian 12 ships (3.0.4) must accept the manifest.
	if pc, err := exec.LookPath("pre-commit"); err != nil {
		t.Logf("skipping the manifest check: pre-commit is not installed (apt-get install pre-commit; .ci/run does)")
	} else {
		out, err := exec.Command(pc, "validate-manifest", filepath.Join(root, ".pre-commit-hooks.yaml")).CombinedOutput()
		if err != nil {
			t.Errorf("pre-commit validate-manifest rejects .pre-commit-hooks.yaml: %v\n%s", err, out)
		}
		ver, _ := exec.Command(pc, "--version").Output()
		t.Logf("validated with %s", strings.TrimSpace(string(ver)))
	}
	files := regexp.MustCompile(h.Files)
	if !files.MatchString("kubernetes/so/values.yaml") || files.MatchString("docs/kubernetes.md") {
		t.Errorf("files %q: want kubernetes/ paths only", h.Files)
	}

	// Run the entry as pre-commit would, in an OOM-style repository with a
	// staged change, the meshready binary on PATH.
	repo := testutil.FixturesRepo(t)
	mr := testutil.Tool(t, "meshready")
	env := []string{"PATH=" + filepath.Dir(mr) + string(os.PathListSeparator) + os.Getenv("PATH")}
	words := shellWords(t, h.Entry)
	run := func(args ...string) gateResult {
		argv := append(slices.Clone(words[1:]), args...)
		return gateExec(t, repo, env, "", words[0], argv...)
	}
	if rec := gateRecordBaseline(t, repo, ".meshready-baseline.json", "kubernetes"); rec.code != 0 {
		t.Fatalf("baseline: %s", rec.stderr)
	}
	testutil.CommitAll(t, repo, "baseline")

	appendTo := func(rel, text string) {
		f, err := os.OpenFile(filepath.Join(repo, rel), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
	appendTo("kubernetes/bad-ports/values.yaml", "\n# staged edit\n")
	testutil.Git(t, repo, "add", "kubernetes/bad-ports/values.yaml")
	appendTo("kubernetes/bad-tracing/values.yaml", "\n# unstaged edit: pre-commit stashes it\n")

	r := run()
	if r.code != 1 || !slices.Equal(selectedLines(r.stderr), []string{"selected bad-ports: bad-ports/values.yaml changed"}) {
		t.Errorf("hook on a staged bad-ports edit: exit %d, want 1 with bad-ports selected only\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "port-protocol-name") {
		t.Errorf("the hook's report does not show bad-ports' findings:\n%s", r.stdout)
	}
	// args from .pre-commit-config.yaml reach meshready lint.
	r = run("--baseline", ".meshready-baseline.json")
	if r.code != 0 || !strings.Contains(r.stderr, "0 new findings") {
		t.Errorf("hook with --baseline: exit %d, want 0 (nothing new)\n%s", r.code, r.stderr)
	}
	testutil.Git(t, repo, "reset", "-q")
	r = run()
	if r.code != 0 || !strings.Contains(r.stderr, "no chart selected") {
		t.Errorf("hook with nothing staged: exit %d, want 0 and nothing selected\n%s", r.code, r.stderr)
	}
}

func TestHelmPlugin(t *testing.T) {
	root := testutil.RepoRoot(t)
	// Helm's own loader: plugin.yaml must load strictly, as `helm plugin install` does.
	p, err := plugin.LoadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if p.Metadata.Name != "meshready" {
		t.Fatalf("plugin name %q", p.Metadata.Name)
	}
	helm := testutil.Tool(t, "helm")
	mr := testutil.Tool(t, "meshready")
	home := t.TempDir()
	env := []string{
		"HELM_PLUGINS=" + filepath.Join(home, "plugins"),
		"HELM_DATA_HOME=" + filepath.Join(home, "data"),
		"HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
		"HELM_CACHE_HOME=" + filepath.Join(home, "cache"),
		"MESHREADY_BIN=" + mr,
	}
	if err := os.MkdirAll(filepath.Join(home, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := gateExec(t, home, env, "", helm, "plugin", "install", root)
	if r.code != 0 || !strings.Contains(r.stdout, "Installed plugin: meshready") {
		t.Fatalf("helm plugin install: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = gateExec(t, home, env, "", helm, "plugin", "list")
	if !strings.Contains(r.stdout, "meshready") {
		t.Errorf("helm plugin list:\n%s", r.stdout)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"meshready", "lint", filepath.Join(root, "charts-fixtures", "bad-ports")}, 1, "error port-protocol-name"},
		{[]string{"meshready", "lint", filepath.Join(root, "charts-fixtures", "good")}, 0, "No findings."},
		{[]string{"meshready", "lint", "-n", "istio-apps", "-o", "json", filepath.Join(root, "charts-fixtures", "bad-ports")}, 1, `"namespace": "istio-apps"`},
	} {
		r := gateExec(t, home, env, "", helm, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout, c.want) {
			t.Errorf("helm %s: exit %d, want %d and %q\n%s%s", strings.Join(c.args, " "), r.code, c.code, c.want, r.stdout, r.stderr)
		}
	}
}

// TestGitHubWorkflow runs the example workflow's lint step as the runner
// would: in a repository with a pull request's change, meshready on PATH,
// $GITHUB_STEP_SUMMARY set.
func TestGitHubWorkflow(t *testing.T) {
	root := testutil.RepoRoot(t)
	wf := yamlFile(t, filepath.Join(root, "ci", "github", "meshready.yml"))
	steps := get(wf, "jobs", "mesh-readiness", "steps")
	if steps == nil {
		t.Fatal("no jobs.mesh-readiness.steps")
	}
	var script *yaml.Node
	var base string
	for _, s := range steps.Content {
		if n := get(s, "name"); n != nil && strings.HasPrefix(n.Value, "Lint") {
			script = get(s, "run")
			base = get(s, "env", "MESHREADY_BASE").Value
		}
		if u := get(s, "uses"); u != nil && strings.HasPrefix(u.Value, "actions/checkout") {
			if d := get(s, "with", "fetch-depth"); d == nil || d.Value != "0" {
				t.Error("checkout without fetch-depth: 0: --changed-from has no base commit")
			}
		}
	}
	if script == nil || base != "${{ github.event.pull_request.base.sha }}" {
		t.Fatalf("no lint step with MESHREADY_BASE from the pull request's base (%q)", base)
	}

	repo := testutil.FixturesRepo(t)
	gateReplace(t, filepath.Join(repo, "kubernetes", "good", "values.yaml"), "name: http-ui", "name: ui")
	testutil.CommitAll(t, repo, "the pull request")
	summary := filepath.Join(t.TempDir(), "summary.md")
	mr := testutil.Tool(t, "meshready")
	env := []string{
		"PATH=" + filepath.Dir(mr) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"MESHREADY_BASE=HEAD~1", "GITHUB_STEP_SUMMARY=" + summary,
	}
	r := gateExec(t, repo, env, "", "bash", "-e", "-c", script.Value)
	if r.code != 1 || !strings.Contains(r.stdout, "::error file=kubernetes/good/values.yaml,line=") {
		t.Errorf("lint step: exit %d, want 1 with an annotation on good's values.yaml\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(b), "### good\n\n| Rule | Severity | Location |") {
		t.Errorf("job summary: %v\n%s", err, b)
	}
}
