package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/charttree"
)

// chartFile is the part of Chart.yaml (and requirements.yaml) that names
// dependencies.
type chartFile struct {
	APIVersion   string        `json:"apiVersion"`
	Name         string        `json:"name"`
	Version      string        `json:"version"`
	Dependencies []declaredDep `json:"dependencies"`
}

type declaredDep struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository"`
}

// Declared builds a chart's dependency graph from its declarations alone,
// for a chart that does not load (a dependency that cannot be fetched
// offline, say): file:// paths, '@local' names looked up in the index of
// roots, and the charts/ folder. What cannot be resolved is skipped and
// listed, so the gate can still tell which of the chart's local
// dependencies a change touches. It errs on the side of more directories.
func Declared(dir string, roots []string) (*charttree.Node, []string, error) {
	ix, err := charttree.SharedIndex(roots...)
	if err != nil {
		return nil, nil, err
	}
	d := &declared{ix: ix, seen: map[string]*charttree.Node{}}
	n, err := d.node(dir, false)
	return n, d.unresolved, err
}

type declared struct {
	ix         *charttree.Index
	seen       map[string]*charttree.Node // every folder in the graph, once
	unresolved []string
}

func (d *declared) node(dir string, embedded bool) (*charttree.Node, error) {
	if d.seen[dir] != nil {
		return nil, nil // already in the graph (shared, or a cycle): one node per folder
	}
	cf, err := readChartFile(dir)
	if err != nil {
		return nil, err
	}
	n := &charttree.Node{Name: cf.Name, Version: cf.Version, Dir: dir, Embedded: embedded}
	d.seen[dir] = n
	have := map[string]bool{}
	ents, _ := os.ReadDir(filepath.Join(dir, "charts"))
	for _, e := range ents {
		sub := filepath.Join(dir, "charts", e.Name())
		if !e.IsDir() || !charttree.IsChartDir(sub) {
			continue
		}
		c, err := d.node(sub, true)
		if err != nil {
			d.unresolved = append(d.unresolved, err.Error())
			continue
		}
		if c != nil {
			have[c.Name] = true
			n.Deps = append(n.Deps, c)
		}
	}
	for _, dep := range cf.Dependencies {
		if dep.Name == "" || have[dep.Name] {
			continue
		}
		depDir, ok := d.locate(dir, dep)
		if !ok {
			continue
		}
		c, err := d.node(depDir, false)
		if err != nil {
			d.unresolved = append(d.unresolved, err.Error())
			continue
		}
		if c != nil {
			n.Deps = append(n.Deps, c)
		}
	}
	return n, nil
}

func (d *declared) locate(dir string, dep declaredDep) (string, bool) {
	repo := strings.TrimSpace(dep.Repository)
	origin, p := charttree.OriginOf(dir, repo)
	switch origin {
	case charttree.FromFolder:
		if !charttree.IsChartDir(p) {
			d.unresolved = append(d.unresolved, fmt.Sprintf("%s: %s is not a chart directory", dep.Name, repo))
			return "", false
		}
		return p, true
	case charttree.FromIndex:
		e, err := d.ix.Find(dep.Name, dep.Version)
		if err != nil {
			d.unresolved = append(d.unresolved, fmt.Sprintf("%s: %v", dep.Name, err))
			return "", false
		}
		return e.Dir, true
	}
	d.unresolved = append(d.unresolved, fmt.Sprintf("%s from %s (not in the tree)", dep.Name, repo))
	return "", false
}

// readChartFile reads Chart.yaml and, for apiVersion v1 charts,
// requirements.yaml.
func readChartFile(dir string) (*chartFile, error) {
	p := filepath.Join(dir, "Chart.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var cf chartFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if cf.APIVersion == "v1" || cf.APIVersion == "" {
		rp := filepath.Join(dir, "requirements.yaml")
		if rb, err := os.ReadFile(rp); err == nil {
			var req struct {
				Dependencies []declaredDep `json:"dependencies"`
			}
			if err := yaml.Unmarshal(rb, &req); err != nil {
				return nil, fmt.Errorf("%s: %w", rp, err)
			}
			cf.Dependencies = append(cf.Dependencies, req.Dependencies...)
		}
	}
	return &cf, nil
}
