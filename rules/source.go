// Package rules is meshready's policy engine: it loads Rego modules from
// rule sources (the embedded built-ins, --policy folders), reads each rule's
// metadata from its `# METADATA` annotations, compiles them once with a
// restricted set of built-ins, and evaluates them per chart.
package rules

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshready/meshready/internal/safeio"
	"github.com/meshready/meshready/internal/textsafe"
)

// Source supplies Rego modules: file name -> text. One implementation per
// kind of source (embedded built-ins, a folder on disk).
type Source interface {
	Name() string
	Modules(withTests bool) (map[string]string, error)
}

// MaxPolicyBytes bounds a single policy file.
const MaxPolicyBytes = 4 << 20

// FSSource reads *.rego files from a file system (the embedded built-ins).
type FSSource struct {
	Label  string
	FS     fs.FS
	Prefix string // prepended to file names, e.g. "builtin:"
}

func (s FSSource) Name() string { return s.Label }

func (s FSSource) Modules(withTests bool) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(s.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isRego(p, withTests) {
			return nil
		}
		b, err := fs.ReadFile(s.FS, p)
		if err != nil {
			return err
		}
		out[s.Prefix+path.Clean(p)] = string(b)
		return nil
	})
	return out, err
}

// DirSource reads *.rego files below a folder (user policies): the folder
// is the policy bundle, and every file is read under the input policy
// (internal/safeio) with the bundle as its root, so a symlink out of the
// folder (unless AllowOutside, --allow-outside-root), a device, a FIFO or a
// /proc file is refused, naming the file.
type DirSource struct {
	Dir          string
	AllowOutside bool
}

func (s DirSource) Name() string { return s.Dir }

func (s DirSource) Modules(withTests bool) (map[string]string, error) {
	st, err := os.Stat(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("policy folder %s: %w", s.Dir, err)
	}
	if !st.IsDir() {
		if !strings.HasSuffix(s.Dir, ".rego") {
			return nil, fmt.Errorf("policy %s: not a folder or a .rego file", s.Dir)
		}
		b, err := s.read(filepath.Dir(s.Dir), s.Dir)
		if err != nil {
			return nil, err
		}
		return map[string]string{s.Dir: b}, nil
	}
	out := map[string]string{}
	err = filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isRego(p, withTests) {
			return nil
		}
		b, err := s.read(s.Dir, p)
		if err != nil {
			return err
		}
		out[p] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("policy folder %s holds no .rego files", s.Dir)
	}
	return out, nil
}

// read reads one policy file of the bundle at root.
func (s DirSource) read(root, p string) (string, error) {
	b, err := safeio.Input{What: "policy", Root: root, AllowOutside: s.AllowOutside, OptIn: "--allow-outside-root", Max: MaxPolicyBytes}.ReadFile(p)
	return string(b), err
}

func isRego(p string, withTests bool) bool {
	if !strings.HasSuffix(p, ".rego") {
		return false
	}
	return withTests || !strings.HasSuffix(p, "_test.rego")
}

func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// parseModules parses every Rego file of the sources (Rego v1, with
// METADATA annotations); parse errors name the file and line.
func parseModules(sources []Source, withTests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	for _, s := range sources {
		mods, err := s.Modules(withTests)
		if err != nil {
			return nil, err
		}
		for _, name := range sortedKeys(mods) {
			m, err := ast.ParseModuleWithOpts(name, mods[name], ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return nil, fmt.Errorf("policy %s: %s", name, textsafe.Shorten(err.Error()))
			}
			modules[name] = m
		}
	}
	return modules, nil
}
