package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// fixtureCopy copies transform/fix/testdata/<name> into a temporary folder
// and returns the folder holding the copy.
func fixtureCopy(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	testutil.CopyDir(t, filepath.Join(testutil.RepoRoot(t), "transform", "fix", "testdata", name), filepath.Join(dst, name))
	return dst
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

// TestFixCommand: the dry run prints a diff that `git apply` turns into
// exactly what --write writes; a second run has nothing to do.
func TestFixCommand(t *testing.T) {
	a, b := fixtureCopy(t, "charts"), fixtureCopy(t, "charts")
	orig := snapshot(t, a)
	diff, stderr, code := runIn(t, a, "fix", "charts")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(diff, "+++ b/charts/web/templates/deployment.yaml") || !strings.Contains(stderr, "skip: opt-out-value") {
		t.Errorf("dry run output lacks the web fix or the opt-out-value refusal:\n%s\n%s", diff, stderr)
	}
	if got := snapshot(t, a); len(got) != len(orig) || got["charts/web/values.yaml"] != orig["charts/web/values.yaml"] {
		t.Error("the dry run wrote files")
	}
	if _, err := exec.LookPath("git"); err == nil {
		patch := filepath.Join(t.TempDir(), "fix.patch")
		if err := os.WriteFile(patch, []byte(diff), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "apply", patch)
		cmd.Dir = b
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git apply: %v\n%s", err, out)
		}
	}
	if _, stderr, code := runIn(t, a, "fix", "charts", "--write"); code != 0 || !strings.Contains(stderr, "wrote ") {
		t.Fatalf("--write: exit %d\n%s", code, stderr)
	}
	if _, err := exec.LookPath("git"); err == nil {
		wa, wb := snapshot(t, a), snapshot(t, b)
		for k, v := range wa {
			if wb[k] != v {
				t.Errorf("%s: git apply of the printed diff and --write differ", k)
			}
		}
	}
	again, stderr, code := runIn(t, a, "fix", "charts")
	if code != 0 || again != "" {
		t.Errorf("second run: exit %d, diff:\n%s\n%s", code, again, stderr)
	}
}

func TestFixCommandErrors(t *testing.T) {
	trap := fixtureCopy(t, "trap")
	before := snapshot(t, trap)
	out, stderr, code := runIn(t, trap, "fix", "trap", "--write")
	if code != 2 || !strings.Contains(stderr, "self-check failed, nothing written") || !strings.Contains(stderr, "changed beyond the fix") {
		t.Errorf("self-check failure: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	after := snapshot(t, trap)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed although the self-check failed", k)
		}
	}
	charts := fixtureCopy(t, "charts")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fix", "charts", "--only", "dns"}, `--only: "dns" is not injection or ports`},
		{[]string{"fix", "charts", "--inject-style", "sidecar"}, `--inject-style: "sidecar" is not annotation or label`},
		{[]string{"fix", "charts", "--port-protocol", "8080"}, "want PORT=PROTOCOL"},
		{[]string{"fix", "charts", "--port-protocol", "8080=smtp"}, `"smtp" is not one of`},
		{[]string{"fix", "charts/web/values.yaml"}, "give a chart folder or an OOM kubernetes/ root"},
		{[]string{"fix"}, "requires at least 1 arg"},
	} {
		_, stderr, code := runIn(t, charts, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	// --timeout bounds each of the fixer's renders: a template that would
	// loop for hours fails the chart instead of hanging the command.
	loop := t.TempDir()
	testutil.WriteFiles(t, loop, map[string]string{
		"loop/Chart.yaml":  "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
		"loop/values.yaml": "x: 1\n",
		"loop/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata:\n" +
			"  a: \"{{- range until 10000 }}{{- range until 10000 }}{{- range until 10000 }}{{- end }}{{- end }}{{- end }}\"\n",
	})
	if _, stderr, code := runIn(t, loop, "fix", "loop", "--timeout", "300ms"); code != 2 || !strings.Contains(stderr, "ran past its 300ms time limit") {
		t.Errorf("fix --timeout 300ms on a looping template: exit %d, stderr %q", code, stderr)
	}
}

// TestFixDiffPaths: the diff's paths are relative to the git top level
// wherever fix runs, so git apply works from any folder of the checkout
// (from a subfolder git would skip the paths outside it, silently).
func TestFixDiffPaths(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testutil.GitRepo(t, filepath.Join(fixtureCopy(t, "charts"), "charts"))
	sub := filepath.Join(repo, "kubernetes")
	diff, stderr, code := runIn(t, sub, "fix", "web")
	if code != 0 || !strings.Contains(diff, "+++ b/kubernetes/web/templates/deployment.yaml") || strings.Contains(diff, "a/..") {
		t.Fatalf("fix from charts/: exit %d, want paths from the top level:\n%s\n%s", code, diff, stderr)
	}
	patch := filepath.Join(t.TempDir(), "fix.patch")
	os.WriteFile(patch, []byte(diff), 0o644)
	// Apply from another folder than the one fix ran in: the top level.
	if out, err := exec.Command("git", "-C", repo, "apply", "-v", patch).CombinedOutput(); err != nil || !strings.Contains(string(out), "Applied patch kubernetes/web/templates/deployment.yaml cleanly") {
		t.Errorf("git apply at the top level: %v\n%s", err, out)
	}
	if st := testutil.Git(t, repo, "status", "--porcelain"); !strings.Contains(st, " M kubernetes/web/values.yaml") {
		t.Errorf("git apply changed nothing:\n%s", st)
	}
	testutil.Git(t, repo, "checkout", "-q", ".")

	// --relative-to names another root: the diff applies there.
	diff, stderr, code = runIn(t, repo, "fix", "kubernetes/web", "--relative-to", "kubernetes/web")
	if code != 0 || !strings.Contains(diff, "+++ b/templates/deployment.yaml") {
		t.Fatalf("--relative-to kubernetes/web: exit %d:\n%s\n%s", code, diff, stderr)
	}
	os.WriteFile(patch, []byte(diff), 0o644)
	if out, err := exec.Command("git", "-C", filepath.Join(repo, "kubernetes", "web"), "apply", "--check", patch).CombinedOutput(); err != nil {
		t.Errorf("git apply in kubernetes/web: %v\n%s", err, out)
	}
	if _, stderr, code := runIn(t, repo, "fix", "kubernetes/web", "--relative-to", "nope"); code != 2 || !strings.Contains(stderr, "--relative-to nope: not a folder") {
		t.Errorf("--relative-to nope: exit %d\n%s", code, stderr)
	}

	// --write ends with what it did.
	_, stderr, code = runIn(t, sub, "fix", "web", "--write")
	if code != 0 || !regexp.MustCompile(`meshready: fix: wrote \d+ files?, fixed [1-9]\d* findings?`).MatchString(stderr) {
		t.Errorf("--write: exit %d, want the count of files and findings fixed:\n%s", code, stderr)
	}
}
