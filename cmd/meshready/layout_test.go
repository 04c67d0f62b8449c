package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestCommandLayerStaysThin: the run logic lives in internal/action, so
// cmd/meshready (flags, help, completion, exit codes) stays under 600
// lines and no code outside cmd/ imports cobra.
func TestCommandLayerStaysThin(t *testing.T) {
	root := testutil.RepoRoot(t)
	lines := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "cmd/meshready/") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			lines += strings.Count(string(b), "\n")
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			if path, _ := strconv.Unquote(im.Path.Value); strings.HasPrefix(path, "github.com/spf13/cobra") {
				t.Errorf("%s imports %s: run logic belongs in internal/action, flags in cmd/meshready", rel, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if lines == 0 || lines >= 600 {
		t.Errorf("cmd/meshready has %d lines of non-test code, want under 600: move run logic into internal/action", lines)
	}
}
