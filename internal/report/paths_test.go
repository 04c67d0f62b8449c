package report

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPathMapper(t *testing.T) {
	tests := []struct {
		name, work, root, file string
		rel                    string
		ok                     bool
		uri                    string
	}{
		{"work dir below root", "/repo/kubernetes", "/repo", "so/values.yaml", "kubernetes/so/values.yaml", true, "kubernetes/so/values.yaml"},
		{"work dir is root", "/repo", "/repo", "./so/../so/values.yaml", "so/values.yaml", true, "so/values.yaml"},
		{"absolute in repo", "/elsewhere", "/repo", "/repo/a/b.yaml", "a/b.yaml", true, "a/b.yaml"},
		{"absolute outside", "/repo", "/repo", "/opt/charts/x.yaml", "/opt/charts/x.yaml", false, "file:///opt/charts/x.yaml"},
		{"relative escaping root", "/repo", "/repo", "../other/x.yaml", "/other/x.yaml", false, "file:///other/x.yaml"},
		{"sibling with root as prefix", "/repo", "/repo", "/repository/x.yaml", "/repository/x.yaml", false, "file:///repository/x.yaml"},
		{"no root: relative to work dir", "/repo", "", "a/b.yaml", "a/b.yaml", true, "a/b.yaml"},
		{"space and percent escaped in URI", "/repo", "/repo", "my chart/100%.yaml", "my chart/100%.yaml", true, "my%20chart/100%25.yaml"},
		{"colon in first segment", "/repo", "/repo", "a:b/c.yaml", "a:b/c.yaml", true, "./a:b/c.yaml"},
		{"empty", "/repo", "/repo", "", "", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newPathMapper(Options{WorkDir: tc.work, RepoRoot: tc.root})
			rel, ok := m.Rel(tc.file)
			if rel != tc.rel || ok != tc.ok {
				t.Errorf("Rel(%q) = %q, %v; want %q, %v", tc.file, rel, ok, tc.rel, tc.ok)
			}
			if tc.file == "" {
				return
			}
			if uri, inRepo := m.URI(tc.file); uri != tc.uri || inRepo != tc.ok {
				t.Errorf("URI(%q) = %q, %v; want %q, %v", tc.file, uri, inRepo, tc.uri, tc.ok)
			}
		})
	}
}

// WorkDir defaults to the process's working directory, and relative roots
// and symlinked roots resolve to the same place.
func TestPathMapperRelativeAndSymlinkedDirs(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "kubernetes"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	m := newPathMapper(Options{WorkDir: filepath.Join(link, "kubernetes"), RepoRoot: real})
	if rel, ok := m.Rel("so/values.yaml"); rel != "kubernetes/so/values.yaml" || !ok {
		t.Errorf("through a symlinked work dir: %q, %v", rel, ok)
	}

	t.Chdir(filepath.Join(real, "kubernetes"))
	m = newPathMapper(Options{RepoRoot: ".."})
	if rel, ok := m.Rel("so/values.yaml"); rel != "kubernetes/so/values.yaml" || !ok {
		t.Errorf("default work dir, relative root: %q, %v", rel, ok)
	}
}

func TestNormalizeFileSet(t *testing.T) {
	got := normalizeFileSet(map[string]bool{"./a/b": true, "c//d": true, "e": false})
	if len(got) != 2 || !got["a/b"] || !got["c/d"] {
		t.Errorf("normalizeFileSet = %v", got)
	}
	if normalizeFileSet(nil) != nil {
		t.Error("nil (every file) became a set")
	}
}
