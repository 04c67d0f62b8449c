// Package charttree knows how OOM lays out its charts: it finds the charts
// of a kubernetes/ tree, resolves '@local' and 'file://' dependencies by name
// and semver range the way OOM's make and chart museum would, and assembles
// each chart with its dependency tree in memory, offline.
package charttree

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
	yaml "go.yaml.in/yaml/v3"
)

// Entry is one chart found in a search root.
type Entry struct {
	Name    string
	Version string
	Dir     string // absolute
	// Vendored is true for charts that live under another chart's charts/
	// directory (e.g. Bitnami's common inside common/mongodb).
	Vendored bool
}

// Index finds charts by name and version range across search roots.
type Index struct {
	Roots  []string
	byName map[string][]*Entry
}

// skipDirs are never searched for charts.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "dist": true, "templates": true}

// NewIndex walks the roots once and records every Chart.yaml.
func NewIndex(roots ...string) (*Index, error) {
	ix := &Index{byName: map[string][]*Entry{}}
	seen := map[string]bool{}
	for _, root := range roots {
		abs, err := filepath.Abs(root)
		if err != nil {
			return nil, err
		}
		ix.Roots = append(ix.Roots, abs)
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable corners are not charts
			}
			if d.IsDir() {
				if p != abs && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Name() != "Chart.yaml" {
				return nil
			}
			dir := filepath.Dir(p)
			if seen[dir] {
				return nil
			}
			seen[dir] = true
			md, err := readMeta(p)
			if err != nil || md.Name == "" {
				return nil // a broken chart is reported when something asks for it
			}
			e := &Entry{Name: md.Name, Version: md.Version, Dir: dir}
			ix.byName[md.Name] = append(ix.byName[md.Name], e)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, es := range ix.byName {
		for _, e := range es {
			e.Vendored = nestedInChart(e.Dir, seen)
		}
	}
	return ix, nil
}

type meta struct {
	Name    string `json:"name" yaml:"name"`
	Version string `json:"version" yaml:"version"`
}

func readMeta(path string) (meta, error) {
	var m meta
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	// yaml.v3 straight into the struct: the tree's index reads every
	// Chart.yaml before the first chart renders, and sigs.k8s.io/yaml's
	// detour through JSON took most of that time.
	err = yaml.Unmarshal(b, &m)
	return m, err
}

// nestedInChart reports whether dir sits inside another chart's directory
// (its charts/, or a copy kept beside its templates like Bitnami's common
// inside OOM's common/mongodb).
func nestedInChart(dir string, charts map[string]bool) bool {
	for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
		if charts[d] {
			return true
		}
	}
	return false
}

// NotFoundError lists what was considered for a dependency that did not resolve.
type NotFoundError struct {
	Name, Constraint string
	Candidates       []*Entry
}

func (e *NotFoundError) Error() string {
	if len(e.Candidates) == 0 {
		return fmt.Sprintf("no chart named %q in the search roots", e.Name)
	}
	var c []string
	for _, x := range e.Candidates {
		c = append(c, fmt.Sprintf("%s (%s)", x.Version, x.Dir))
	}
	return fmt.Sprintf("no chart %q matches version %q; candidates: %s", e.Name, e.Constraint, strings.Join(c, ", "))
}

// Find returns the best chart for name within the semver constraint:
// charts that are not vendored first, then the highest version, then the
// shortest path.
func (ix *Index) Find(name, constraint string) (*Entry, error) {
	cands := ix.byName[name]
	var ok []*Entry
	for _, e := range cands {
		if VersionMatches(constraint, e.Version) {
			ok = append(ok, e)
		}
	}
	if len(ok) == 0 {
		return nil, &NotFoundError{Name: name, Constraint: constraint, Candidates: cands}
	}
	sort.SliceStable(ok, func(i, j int) bool {
		a, b := ok[i], ok[j]
		if a.Vendored != b.Vendored {
			return !a.Vendored
		}
		va, ea := semver.NewVersion(a.Version)
		vb, eb := semver.NewVersion(b.Version)
		if ea == nil && eb == nil && !va.Equal(vb) {
			return va.GreaterThan(vb)
		}
		return len(a.Dir) < len(b.Dir)
	})
	return ok[0], nil
}

// VersionMatches is Helm's rule: an empty constraint matches anything.
func VersionMatches(constraint, version string) bool {
	if strings.TrimSpace(constraint) == "" {
		return true
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return constraint == version
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return false
	}
	return c.Check(v)
}

var (
	indexMu    sync.Mutex
	indexCache = map[string]*Index{}
)

// SharedIndex returns one index per set of roots for the life of the process.
func SharedIndex(roots ...string) (*Index, error) {
	key := strings.Join(roots, "\x00")
	indexMu.Lock()
	defer indexMu.Unlock()
	if ix, ok := indexCache[key]; ok {
		return ix, nil
	}
	ix, err := NewIndex(roots...)
	if err != nil {
		return nil, err
	}
	indexCache[key] = ix
	return ix, nil
}

// ChartsUnder counts the charts indexed at dir or below it (dir absolute):
// a chart with its subcharts, for estimating how much it takes to render.
func (ix *Index) ChartsUnder(dir string) int {
	n := 0
	prefix := dir + string(filepath.Separator)
	for _, es := range ix.byName {
		for _, e := range es {
			if e.Dir == dir || strings.HasPrefix(e.Dir, prefix) {
				n++
			}
		}
	}
	return n
}
