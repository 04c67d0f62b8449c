package report

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// pathMapper turns finding paths (relative to the working directory, or
// absolute) into the repository-relative, slash-separated paths that code
// review and code scanning systems key files by. sarif, gerrit and github
// share it so they agree on every path.
type pathMapper struct {
	work string // absolute working directory
	root string // absolute repository root; the working directory when unset
}

func newPathMapper(o Options) pathMapper {
	work := absDir(o.WorkDir)
	root := work
	if o.RepoRoot != "" {
		root = absDir(o.RepoRoot)
	}
	return pathMapper{work: work, root: root}
}

// absDir makes a directory absolute and, where it exists, resolves symlinks
// so that a RepoRoot and a WorkDir reached through different links compare.
func absDir(dir string) string {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil { // only when the working directory is gone
		return filepath.Clean(dir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// Abs is the file's path on this machine, for reading it.
func (m pathMapper) Abs(file string) string {
	if file == "" {
		return ""
	}
	if filepath.IsAbs(file) {
		return filepath.Clean(file)
	}
	return filepath.Join(m.work, file)
}

// Rel is the file relative to the repository root with forward slashes.
// ok is false when the file lies outside the root (or is empty); rel is then
// the absolute path, still with forward slashes.
func (m pathMapper) Rel(file string) (rel string, ok bool) {
	if file == "" {
		return "", false
	}
	abs := m.Abs(file)
	r, err := filepath.Rel(m.root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs), false
	}
	return path.Clean(filepath.ToSlash(r)), true
}

// URI is the file as a SARIF artifact URI: a relative reference against
// %SRCROOT% when it lies in the repository, else an absolute file URI.
func (m pathMapper) URI(file string) (uri string, inRepo bool) {
	rel, ok := m.Rel(file)
	if !ok {
		u := url.URL{Scheme: "file", Path: rel}
		if !strings.HasPrefix(rel, "/") { // Windows drive paths
			u.Path = "/" + rel
		}
		return u.String(), false
	}
	// url.URL escapes spaces and '%' and guards a leading "a:b" segment.
	return (&url.URL{Path: rel}).String(), true
}

// normalizeFileSet cleans the keys of a set of repository-relative paths so
// "./a/b" and "a//b" match "a/b". A nil set stays nil (meaning every file).
func normalizeFileSet(files map[string]bool) map[string]bool {
	if files == nil {
		return nil
	}
	out := make(map[string]bool, len(files))
	for f, v := range files {
		if v {
			out[path.Clean(filepath.ToSlash(f))] = true
		}
	}
	return out
}
