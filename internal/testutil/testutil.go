// Package testutil finds the repository, the shared OOM trees and the
// pinned tool binaries for tests.
package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// RepoRoot is the folder holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		p := filepath.Dir(d)
		if p == d {
			t.Fatal("no go.mod above the test's folder")
		}
		d = p
	}
}

// OOM returns ../shared/oom (beside the repository), skipping the test with
// a clear message under -short and when it is absent. Every test that reads
// the real OOM trees goes through it.
func OOM(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: reads the real OOM trees (../shared/oom), not run under -short")
	}
	d := filepath.Join(RepoRoot(t), "..", "shared", "oom")
	if _, err := os.Stat(filepath.Join(d, "SOURCE.md")); err != nil {
		t.Skipf("skipping: the real OOM trees are not at %s (they sit beside the checkout as ../shared/oom)", d)
	}
	return d
}

// OOMTree returns ../shared/oom/<name>/kubernetes.
func OOMTree(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(OOM(t), name, "kubernetes")
}

var (
	toolMu    sync.Mutex
	toolBuilt = map[string]string{}
)

// Tool builds a tool pinned by a go.mod `tool` directive into bin/test, or
// for "meshready" bin/meshready as `make build` builds it (the README's
// `make demo` then finds it up to date instead of linking it again), once
// per test process, and returns its path.
func Tool(t testing.TB, name string) string {
	t.Helper()
	pkgs := map[string]string{
		"helm":      "helm.sh/helm/v3/cmd/helm",
		"kustomize": "sigs.k8s.io/kustomize/kustomize/v5",
		"meshready": "./cmd/meshready", // by make build, below
	}
	pkg, ok := pkgs[name]
	if !ok {
		t.Fatalf("unknown tool %q", name)
	}
	toolMu.Lock()
	defer toolMu.Unlock()
	if p, ok := toolBuilt[name]; ok {
		return p
	}
	root := RepoRoot(t)
	dir := filepath.Join(root, "bin", "test")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	// Test processes of several packages (go test ./... runs them side by
	// side) build into the same bin: the lock makes them take turns,
	// so the first links the tool and the others find it up to date (go
	// build leaves a target whose build ID matches untouched) instead of
	// linking it again or replacing it while another process runs it.
	unlock, err := lockDir(dir)
	if err != nil {
		t.Fatalf("building %s: %v", name, err)
	}
	defer unlock()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if name == "meshready" {
		out = filepath.Join(root, "bin", "meshready")
		cmd = exec.Command("make", "-s", "build")
	}
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, b)
	}
	toolBuilt[name] = out
	return out
}

// SameButRandom compares got with a render a, allowing differences only on
// the lines where two renders a and b differ from each other (templates
// calling uuidv4 or randAlphaNum differ on every run, Helm's own included).
// It returns the number of such lines.
func SameButRandom(a, b, got []byte) (int, bool) {
	la, lb, lg := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n")), bytes.Split(got, []byte("\n"))
	if len(la) != len(lb) || len(la) != len(lg) {
		return 0, false
	}
	n := 0
	for i := range la {
		if bytes.Equal(la[i], lg[i]) {
			continue
		}
		if bytes.Equal(la[i], lb[i]) {
			return 0, false
		}
		n++
	}
	return n, true
}

// WriteFiles writes files (slash-separated path under dir -> content),
// making the folders they need.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CopyDir copies the tree at src to dst (files 0644, folders 0755).
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// WantErr checks err against want, a part of the error's text ("" for no
// error), failing t at once when they disagree, and reports whether an
// error was wanted (the table case then ends:
// `if testutil.WantErr(t, err, c.err) { return }`).
func WantErr(t testing.TB, err error, want string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	return true
}
