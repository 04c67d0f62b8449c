package gate_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/gate"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

func appendTo(t testing.TB, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// commitEdit appends a comment to each file (repository-relative) and commits.
func commitEdit(t testing.TB, repo string, files ...string) {
	t.Helper()
	for _, f := range files {
		text := "\n# edited by the gate test\n"
		if strings.HasSuffix(f, ".tpl") {
			text = "\n{{/* edited by the gate test */}}\n"
		}
		appendTo(t, filepath.Join(repo, f), text)
	}
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "edit "+strings.Join(files, " "))
}

// selector resolves graphs as lint does: render.Helm's Load, with the
// declared graph as fallback.
func selector() *gate.Selector {
	h := render.NewHelm(render.DefaultOptions())
	return &gate.Selector{
		Graph: func(dir string) (*charttree.Node, error) {
			_, g, _, err := h.Load(dir)
			return g, err
		},
		Fallback: func(dir string) (*charttree.Node, []string, error) {
			return gate.Declared(dir, []string{charttree.TreeRoot(dir)})
		},
	}
}

func selectIn(t testing.TB, s *gate.Selector, root string, c *gate.Change) (names []string, reasons map[string]string, ds []gate.Decision) {
	t.Helper()
	targets, err := render.Expand([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	ds = s.Select(context.Background(), targets, c)
	reasons = map[string]string{}
	for _, d := range ds {
		if d.Selected {
			names = append(names, d.Target.Name())
			reasons[d.Target.Name()] = d.Reason
		}
	}
	return names, reasons, ds
}

func list(t testing.TB, repo string, files ...string) *gate.Change {
	t.Helper()
	c, err := gate.ReadList(strings.NewReader(strings.Join(files, "\n")+"\n"), "list", repo)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSelectOOMMaster builds a throwaway repository from OOM master and
// checks the selection of real changes against an independent reading of
// the charts' dependency declarations.
func TestSelectOOMMaster(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every chart of OOM master")
	}
	tree := testutil.OOMTree(t, "master")
	repo := testutil.GitRepo(t, tree)
	root := filepath.Join(repo, "kubernetes")
	ctx := context.Background()
	users := declaredUsers(t, root)

	t.Run("one component's values.yaml selects its chart only", func(t *testing.T) {
		commitEdit(t, repo, "kubernetes/so/components/so-bpmn-infra/values.yaml")
		c, err := gate.Diff(ctx, repo, "HEAD~1")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Files, []string{"kubernetes/so/components/so-bpmn-infra/values.yaml"}) {
			t.Fatalf("git diff listed %v", c.Files)
		}
		names, reasons, _ := selectIn(t, selector(), root, c)
		if !slices.Equal(names, []string{"so"}) {
			t.Errorf("selected %v, want [so]", names)
		}
		if want := "so/components/so-bpmn-infra/values.yaml changed"; reasons["so"] != want {
			t.Errorf("reason %q, want %q", reasons["so"], want)
		}
	})

	t.Run("common/common selects every chart whose graph includes it", func(t *testing.T) {
		commitEdit(t, repo, "kubernetes/common/common/templates/_service.tpl")
		c, err := gate.Diff(ctx, repo, "HEAD~1")
		if err != nil {
			t.Fatal(err)
		}
		names, reasons, _ := selectIn(t, selector(), root, c)
		want := users["common/common"]
		if len(want) == 0 {
			t.Fatal("the independent scan found no user of common/common")
		}
		if !slices.Equal(names, want) {
			t.Errorf("selected %v\nwant     %v (charts whose declared dependencies reach common/common)", names, want)
		}
		t.Logf("common/common/templates/_service.tpl selects %d charts: %v", len(names), names)
		for _, n := range names {
			if w := "depends on common/common (common/common/templates/_service.tpl changed)"; reasons[n] != w {
				t.Errorf("%s: reason %q, want %q", n, reasons[n], w)
			}
		}
	})

	// Shared charts used by some components only: the selection must follow
	// each graph, not select everything.
	for _, shared := range []string{"common/cassandra", "common/mariadb-galera", "common/mongodb", "common/postgres", "common/elasticsearch"} {
		t.Run(shared, func(t *testing.T) {
			if !charttree.IsChartDir(filepath.Join(root, shared)) {
				t.Skipf("%s is not in this tree", shared)
			}
			names, _, _ := selectIn(t, selector(), root, list(t, repo, "kubernetes/"+shared+"/values.yaml"))
			want := users[shared]
			if !slices.Equal(names, want) {
				t.Errorf("selected %v\nwant     %v", names, want)
			}
			t.Logf("%s/values.yaml selects %d charts: %v", shared, len(names), names)
		})
	}

	t.Run("files outside every chart select nothing", func(t *testing.T) {
		names, _, _ := selectIn(t, selector(), root, list(t, repo, "kubernetes/README.md", "docs/notes.md", "kubernetes/helm/plugins/deploy/deploy.sh"))
		if len(names) != 0 {
			t.Errorf("selected %v, want nothing", names)
		}
	})
}

// declaredUsers reads Chart.yaml and requirements.yaml dependency
// declarations recursively (file:// paths, '@local' names, charts/ folders),
// independently of charttree, and maps each chart folder (relative to root)
// to the sorted top-level charts whose dependencies reach it.
func declaredUsers(t testing.TB, root string) map[string][]string {
	t.Helper()
	byName := map[string][]string{}
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "Chart.yaml" {
			byName[chartYAML(t, filepath.Dir(p)).name] = append(byName[chartYAML(t, filepath.Dir(p)).name], filepath.Dir(p))
		}
		return nil
	})
	for n := range byName {
		slices.SortFunc(byName[n], func(a, b string) int { return len(a) - len(b) }) // the shared copy, not a vendored one
	}
	users := map[string][]string{}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		top := filepath.Join(root, e.Name())
		if !e.IsDir() || e.Name() == "common" || e.Name() == "onap" || !fileExists(filepath.Join(top, "Chart.yaml")) {
			continue
		}
		seen := map[string]bool{}
		var walk func(dir string)
		walk = func(dir string) {
			if seen[dir] {
				return
			}
			seen[dir] = true
			sub, _ := os.ReadDir(filepath.Join(dir, "charts"))
			for _, s := range sub {
				if d := filepath.Join(dir, "charts", s.Name()); fileExists(filepath.Join(d, "Chart.yaml")) {
					walk(d)
				}
			}
			for _, dep := range chartYAML(t, dir).deps {
				switch {
				case strings.HasPrefix(dep[1], "file://"):
					walk(filepath.Clean(filepath.Join(dir, strings.TrimPrefix(dep[1], "file://"))))
				case dep[1] == "" || strings.HasPrefix(dep[1], "@"):
					if c := byName[dep[0]]; len(c) > 0 {
						walk(c[0])
					}
				}
			}
		}
		walk(top)
		for dir := range seen {
			rel, _ := filepath.Rel(root, dir)
			users[filepath.ToSlash(rel)] = append(users[filepath.ToSlash(rel)], e.Name())
		}
	}
	for k := range users {
		slices.Sort(users[k])
	}
	return users
}

type chartDecl struct {
	name string
	deps [][2]string // name, repository
}

// chartYAML reads name and dependencies with a line scanner (no YAML
// library), so the test shares nothing with the code under test.
func chartYAML(t testing.TB, dir string) chartDecl {
	t.Helper()
	var d chartDecl
	for _, f := range []string{"Chart.yaml", "requirements.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		inDeps, itemIndent := false, -1
		for _, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "#") || trimmed == "" {
				continue
			}
			indent := len(line) - len(strings.TrimLeft(line, " "))
			if indent == 0 && !strings.HasPrefix(line, "-") {
				inDeps, itemIndent = strings.HasPrefix(line, "dependencies:"), -1
				if v, ok := strings.CutPrefix(line, "name:"); ok && f == "Chart.yaml" {
					d.name = unquote(v)
				}
				continue
			}
			if !inDeps {
				continue
			}
			if strings.HasPrefix(trimmed, "- ") {
				if itemIndent < 0 {
					itemIndent = indent
				}
				if indent > itemIndent {
					continue // a list inside an item (tags:)
				}
				d.deps = append(d.deps, [2]string{})
				trimmed = strings.TrimPrefix(trimmed, "- ")
			}
			if len(d.deps) == 0 {
				continue
			}
			if v, ok := strings.CutPrefix(trimmed, "name:"); ok {
				d.deps[len(d.deps)-1][0] = unquote(v)
			} else if v, ok := strings.CutPrefix(trimmed, "repository:"); ok {
				d.deps[len(d.deps)-1][1] = unquote(v)
			}
		}
	}
	return d
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return strings.Trim(s, `'"`)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// TestSelectFixtures covers the cases OOM master does not have, on the
// small charts-fixtures tree.
func TestSelectFixtures(t *testing.T) {
	repo := testutil.FixturesRepo(t)
	root := filepath.Join(repo, "kubernetes")
	for _, c := range []struct {
		name    string
		files   []string
		want    []string
		reasons map[string]string
	}{
		{"a subchart under components/ selects its chart and the umbrella that depends on it",
			[]string{"kubernetes/good/components/good-api/values.yaml"},
			[]string{"good", "umbrella"},
			map[string]string{
				"good":     "good/components/good-api/values.yaml changed",
				"umbrella": "depends on good (good/components/good-api/values.yaml changed)",
			}},
		{"an embedded subchart in charts/",
			[]string{"kubernetes/legacy/charts/legacy-b/values.yaml"},
			[]string{"legacy", "umbrella"},
			map[string]string{"legacy": "legacy/charts/legacy-b/values.yaml changed"}},
		{"several files: the chart's own named first, the others counted",
			[]string{"kubernetes/bad-ports/values.yaml", "kubernetes/bad-ports/templates/service.yaml", "kubernetes/common/common/values.yaml"},
			[]string{"bad-ports", "bad-injection", "bad-mtls", "bad-tracing", "good", "legacy", "sidecar-remedy", "umbrella"},
			map[string]string{
				"bad-ports": "bad-ports/templates/service.yaml changed (and 1 more file)",
				"good":      "depends on common/common (common/common/values.yaml changed)",
			}},
		{"nothing", []string{"kubernetes/README.md", "README.md"}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			names, reasons, _ := selectIn(t, selector(), root, list(t, repo, c.files...))
			slices.Sort(names)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Errorf("selected %v, want %v", names, want)
			}
			for n, r := range c.reasons {
				if reasons[n] != r {
					t.Errorf("%s: reason %q, want %q", n, reasons[n], r)
				}
			}
		})
	}

	t.Run("a shared values file selects every chart", func(t *testing.T) {
		s := selector()
		s.Shared = []gate.Shared{{Path: filepath.Join(repo, "ci", "values.yaml"), Label: "--values ci/values.yaml"}}
		names, reasons, ds := selectIn(t, s, root, list(t, repo, "ci/values.yaml"))
		if len(names) != len(ds) || len(ds) != 8 {
			t.Errorf("selected %v of %d charts, want all 8", names, len(ds))
		}
		if r := reasons["good"]; r != "--values ci/values.yaml (ci/values.yaml changed)" {
			t.Errorf("reason %q", r)
		}
	})

	t.Run("per-chart values from the configuration", func(t *testing.T) {
		s := selector()
		s.Extra = func(dir string) []string {
			if filepath.Base(dir) == "bad-tracing" {
				return []string{filepath.Join(repo, "overrides", "tracing.yaml")}
			}
			return nil
		}
		names, reasons, _ := selectIn(t, s, root, list(t, repo, "overrides/tracing.yaml"))
		if !slices.Equal(names, []string{"bad-tracing"}) || reasons["bad-tracing"] != "reads overrides/tracing.yaml (overrides/tracing.yaml changed)" {
			t.Errorf("selected %v (%q), want [bad-tracing] for its own values file", names, reasons["bad-tracing"])
		}
	})

	t.Run("a chart that does not load is judged on its declarations", func(t *testing.T) {
		dir := filepath.Join(root, "remote-dep")
		if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		chart := "apiVersion: v2\nname: remote-dep\nversion: 13.0.0\ndependencies:\n" +
			"  - name: common\n    version: ~13.x-0\n    repository: '@local'\n" +
			"  - name: oauth2-proxy\n    version: 8.3.3\n    repository: https://oauth2-proxy.github.io/manifests\n"
		if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(chart), 0o644); err != nil {
			t.Fatal(err)
		}
		names, reasons, ds := selectIn(t, selector(), root, list(t, repo, "kubernetes/common/common/templates/_name.tpl"))
		if !slices.Contains(names, "remote-dep") {
			t.Fatalf("selected %v: remote-dep uses common/common and must be among them", names)
		}
		if r := reasons["remote-dep"]; r != "depends on common/common (common/common/templates/_name.tpl changed)" {
			t.Errorf("reason %q", r)
		}
		i := slices.IndexFunc(ds, func(d gate.Decision) bool { return d.Target.Name() == "remote-dep" })
		if w := ds[i].Warning; !strings.Contains(w, "declarations") || !strings.Contains(w, "cannot be resolved offline") {
			t.Errorf("warning %q: want it to say the graph comes from declarations, and why", w)
		}
		// Without a fallback only its own files count.
		s := selector()
		s.Fallback = nil
		names, _, _ = selectIn(t, s, root, list(t, repo, "kubernetes/common/common/templates/_name.tpl"))
		if slices.Contains(names, "remote-dep") {
			t.Errorf("without a fallback, remote-dep was selected for a dependency it cannot resolve")
		}
		names, _, _ = selectIn(t, s, root, list(t, repo, "kubernetes/remote-dep/Chart.yaml"))
		if !slices.Equal(names, []string{"remote-dep"}) {
			t.Errorf("selected %v for remote-dep's own Chart.yaml, want [remote-dep]", names)
		}
	})

	t.Run("manifest inputs and stdin", func(t *testing.T) {
		manifest := filepath.Join(repo, "rendered", "so.yaml")
		targets := []render.Target{{Path: manifest, Kind: render.KindManifests}, {Path: "-", Kind: render.KindManifests}}
		ds := selector().Select(context.Background(), targets, list(t, repo, "rendered/so.yaml"))
		if !ds[0].Selected || ds[0].Reason != "rendered/so.yaml changed" {
			t.Errorf("manifest: %+v", ds[0])
		}
		if !ds[1].Selected || ds[1].Reason != "reads stdin" {
			t.Errorf("stdin: %+v", ds[1])
		}
		ds = selector().Select(context.Background(), targets[:1], list(t, repo, "rendered/other.yaml"))
		if ds[0].Selected {
			t.Errorf("an unchanged manifest was selected: %+v", ds[0])
		}
	})
}

func TestReadList(t *testing.T) {
	repo := t.TempDir()
	for _, c := range []struct {
		name, in string
		want     []string
		err      string
	}{
		{"lines, CRLF, ./, blanks, comments, duplicates",
			"kubernetes/so/values.yaml\r\n./kubernetes/aai/Chart.yaml\n\n# a comment\nkubernetes/so/values.yaml\nkubernetes//cps/x.yaml\n",
			[]string{"kubernetes/aai/Chart.yaml", "kubernetes/cps/x.yaml", "kubernetes/so/values.yaml"}, ""},
		{"absolute inside the repository", filepath.Join(repo, "kubernetes", "so", "values.yaml") + "\n",
			[]string{"kubernetes/so/values.yaml"}, ""},
		{"empty list", "\n", []string{}, ""},
		{"absolute outside", "/etc/passwd\n", nil, "list:1: /etc/passwd is outside the repository"},
		{"leaves the repository", "ok.yaml\n../x.yaml\n", nil, "list:2: ../x.yaml leaves the repository"},
		{"NUL separated (git diff -z)", "a\x00b c\x00\"q\"\x00", []string{"\"q\"", "a", "b c"}, ""},
		{"C-quoted (git diff --name-only)", "\"k/caf\\303\\251/values.yaml\"\n\"k/tab\\there/\\\"q\\\".yaml\"\n", []string{"k/caf\u00e9/values.yaml", "k/tab\there/\"q\".yaml"}, ""},
		{"bad C quoting", "\"k/x\\q\"\n", nil, "list:1: "},
		{"unterminated C quoting", "\"k/x\n", nil, "list:1: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := gate.ReadList(strings.NewReader(c.in), "list", repo)
			if testutil.WantErr(t, err, c.err) {
				return
			}
			if !slices.Equal(got.Files, c.want) {
				t.Errorf("files %q, want %q", got.Files, c.want)
			}
		})
	}
}

// TestReadListGitQuoting feeds ReadList what git itself prints for a file
// with a non-ASCII name: the C-quoted --name-only list and the -z list both
// name the file as it is on disk.
func TestReadListGitQuoting(t *testing.T) {
	repo := testutil.FixturesRepo(t)
	name := "kubernetes/good/templates/caf\u00e9 \"x\".yaml"
	testutil.WriteFiles(t, repo, map[string]string{name: "# empty\n"})
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "non-ASCII name")
	for _, z := range []bool{false, true} {
		args := []string{"-C", repo, "diff", "--name-only", "HEAD~1", "HEAD"}
		if z {
			args = append(args, "-z")
		}
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !z && !strings.HasPrefix(string(out), `"`) {
			t.Fatalf("git did not quote the name: %q", out)
		}
		got, err := gate.ReadList(bytes.NewReader(out), "list", repo)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Files, []string{name}) {
			t.Errorf("-z=%v: files %q, want %q", z, got.Files, name)
		}
	}
}

func TestDiff(t *testing.T) {
	repo := testutil.FixturesRepo(t)
	ctx := context.Background()
	// A rename out of one chart into another counts for both charts.
	testutil.Git(t, repo, "mv", "kubernetes/bad-ports/templates/db.yaml", "kubernetes/bad-mtls/templates/db.yaml")
	commitEdit(t, repo, "kubernetes/good/values.yaml")
	c, err := gate.Diff(ctx, repo, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kubernetes/bad-mtls/templates/db.yaml", "kubernetes/bad-ports/templates/db.yaml", "kubernetes/good/values.yaml"}
	if !slices.Equal(c.Files, want) || c.Source != "git diff HEAD~1...HEAD" {
		t.Errorf("diff %q from %q, want %q", c.Files, c.Source, want)
	}
	for _, bad := range []struct{ rev, want string }{
		{"--output=/tmp/x", "want a git revision"},
		{"no-such-rev", "no-such-rev...HEAD"},
	} {
		if _, err := gate.Diff(ctx, repo, bad.rev); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Diff(%q): %v, want %q", bad.rev, err, bad.want)
		}
	}
	top, err := gate.Toplevel(ctx, filepath.Join(repo, "kubernetes", "good"))
	if err != nil || top != repo {
		t.Errorf("Toplevel = %q, %v; want %q", top, err, repo)
	}
	if _, err := gate.Toplevel(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("Toplevel outside a repository: %v", err)
	}
}
