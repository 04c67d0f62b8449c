package testutil

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Templates calls fn with the path and text of every file under a
// templates/ folder below the roots (the OOM trees, charts-fixtures), for
// tests that compare two readings of every real template line.
func Templates(t testing.TB, roots []string, fn func(path, text string)) {
	t.Helper()
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(p), "/templates/") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fn(p, string(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
