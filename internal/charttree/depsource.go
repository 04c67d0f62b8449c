package charttree

import (
	"path/filepath"
	"strings"
)

// Origin is where a declared dependency comes from, offline.
type Origin int

const (
	// FromFolder: a file:// repository, a folder of the tree.
	FromFolder Origin = iota
	// FromIndex: no repository, '@local' or another '@name' / 'alias:'
	// repository, which OOM's make serves from the tree: found by name and
	// version in the Index.
	FromIndex
	// FromRemote: any other repository (https://, oci://), which cannot be
	// reached offline.
	FromRemote
)

// OriginOf says where a dependency declared by the chart in dir with this
// repository comes from; for FromFolder it also returns the folder (a
// relative file:// path is relative to dir).
func OriginOf(dir, repository string) (Origin, string) {
	repo := strings.TrimSpace(repository)
	switch {
	case strings.HasPrefix(repo, "file://"):
		p := strings.TrimPrefix(repo, "file://")
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return FromFolder, filepath.Clean(p)
	case repo == "" || strings.HasPrefix(repo, "@") || strings.HasPrefix(repo, "alias:"):
		return FromIndex, ""
	}
	return FromRemote, ""
}
