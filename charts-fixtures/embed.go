// Package chartsfixtures embeds meshready's own OOM-style demo tree, so
// `meshready lint` without inputs (and `make demo`) works from the binary
// alone.
package chartsfixtures

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed all:*
var files embed.FS

// Dir is the folder name the tree is extracted under.
const Dir = "charts-fixtures"

// Extract writes the tree to parent/charts-fixtures and returns that path.
func Extract(parent string) (string, error) {
	root := filepath.Join(parent, Dir)
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if filepath.Ext(p) == ".go" {
			return nil
		}
		dst := filepath.Join(root, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	return root, err
}
