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

// readmeCommands returns the shell lines of the sh blocks under a README
// heading, without their trailing comments.
func readmeCommands(t *testing.T, readme, heading string) []string {
	t.Helper()
	i := strings.Index(readme, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	sec := readme[i+len(heading)+2:]
	if j := strings.Index(sec, "\n## "); j >= 0 {
		sec = sec[:j]
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(sec, -1) {
		for _, l := range strings.Split(m[1], "\n") {
			if k := strings.Index(l, "  #"); k >= 0 {
				l = l[:k]
			}
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("README.md's %q section has no commands", heading)
	}
	return out
}

// TestReadmeCommands runs every command of the README's Set-up and Quick
// tour sections as written, in the checkout, with ../oom standing for
// ../shared/oom/master: each must exit 0 or 1 (findings) and print no
// error, so the README cannot drift from the tool.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds meshready and lints OOM master")
	}
	root := testutil.RepoRoot(t)
	testutil.OOM(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	vendor := filepath.Join(t.TempDir(), "vendor")
	out := t.TempDir()
	for _, sec := range []string{"## Set-up: two commands", "## Quick tour"} {
		for _, cmd := range readmeCommands(t, readme, sec) {
			t.Run(cmd, func(t *testing.T) {
				if cmd == "make test" {
					// make test runs this test: check the target, do not recurse
					if o, err := exec.Command("make", "-C", root, "-n", "test").CombinedOutput(); err != nil {
						t.Errorf("make -n test: %v\n%s", err, o)
					}
					return
				}
				line := strings.ReplaceAll(cmd, "../oom/", "../shared/oom/master/")
				line = strings.ReplaceAll(line, "/tmp/meshready-vendor", vendor)
				line = strings.ReplaceAll(line, "--output-file report.html", "--output-file "+filepath.Join(out, "report.html"))
				r := gateExec(t, root, nil, "", "bash", "-o", "pipefail", "-c", line)
				if r.code > 1 || strings.Contains(r.stderr, "meshready: error") || strings.Contains(r.stderr, "could not be linted") {
					t.Errorf("%s\nexit %d\nstderr:\n%s", cmd, r.code, r.stderr)
				}
			})
		}
	}
}

// TestReadmeArchitecture: the README's Architecture table names every
// top-level folder and every folder holding Go code (or its parent), and
// every folder it names exists.
func TestReadmeArchitecture(t *testing.T) {
	root := testutil.RepoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Architecture\n")
	if start < 0 {
		t.Fatal("README.md has no Architecture section")
	}
	text = text[start:]
	text = text[:strings.Index(text[1:], "\n## ")+1]
	named := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.Split(line, "|")[1]
		for _, f := range strings.Split(cell, "`") {
			if f = strings.TrimSpace(f); f != "" && f != "," {
				named[f] = true
				if st, err := os.Stat(filepath.Join(root, f)); err != nil || !st.IsDir() {
					t.Errorf("the Architecture table names %s, which is not a folder", f)
				}
			}
		}
	}
	covered := func(dir string) bool {
		for d := dir; d != "."; d = filepath.Dir(d) {
			if named[filepath.ToSlash(d)] {
				return true
			}
		}
		return false
	}
	top, _ := os.ReadDir(root)
	for _, e := range top {
		n := e.Name()
		if !e.IsDir() || n == ".git" || n == "bin" || n == "dist" || strings.HasPrefix(n, ".") && n != ".ci" {
			continue
		}
		inside := false
		for f := range named {
			inside = inside || strings.HasPrefix(f, n+"/")
		}
		if !covered(n) && !inside {
			t.Errorf("the Architecture table lacks the folder %s", n)
		}
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			if rel, _ := filepath.Rel(root, filepath.Dir(p)); !covered(rel) && !named[rel] {
				named[rel] = true // once per folder
				t.Errorf("the Architecture table lacks the Go package folder %s", rel)
			}
		}
		return nil
	})
}
