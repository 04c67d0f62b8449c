package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
)

// Git runs git in dir with a fixed identity and none of the user's or the
// system's configuration (hooks, signing, default branch), and returns its
// standard output; a failure ends the test.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	base := []string{"-c", "user.email=gate@example.org", "-c", "user.name=gate test",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=master", "-c", "core.hooksPath=/dev/null"}
	cmd := exec.Command("git", append(base, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// GitRepo makes a throwaway repository holding a copy of tree as
// kubernetes/, as OOM's repository does, committed once. It returns the
// repository (symlinks resolved, so paths compare equal to git's).
func GitRepo(t testing.TB, tree string) string {
	t.Helper()
	repo := t.TempDir()
	if real, err := filepath.EvalSymlinks(repo); err == nil {
		repo = real
	}
	if err := os.CopyFS(filepath.Join(repo, "kubernetes"), os.DirFS(tree)); err != nil {
		t.Fatal(err)
	}
	Git(t, repo, "init", "-q")
	CommitAll(t, repo, "base")
	return repo
}

// FixturesRepo is GitRepo over a copy of charts-fixtures.
func FixturesRepo(t testing.TB) string {
	t.Helper()
	tree, err := chartsfixtures.Extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return GitRepo(t, tree)
}

// CommitAll commits everything in the repository's working tree.
func CommitAll(t testing.TB, repo, msg string) {
	t.Helper()
	Git(t, repo, "add", "-A")
	Git(t, repo, "commit", "-q", "--allow-empty", "-m", msg)
}
