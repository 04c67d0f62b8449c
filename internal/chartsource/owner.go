package chartsource

import (
	"fmt"
	"path/filepath"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

// TemplateFile returns the owner chain (the chart that holds the template
// last) and the path of the template that rendered r.
func TemplateFile(g *charttree.Node, r *resource.Resource) ([]*charttree.Node, string, error) {
	if g == nil || r.Source == "" {
		return nil, "", fmt.Errorf("%s %s was not rendered from a chart", r.Kind, r.Name)
	}
	chain, file, ok := SourceFile(g, r.Source)
	if !ok {
		return nil, "", fmt.Errorf("its template %s is not in a chart folder (a packaged subchart?)", r.Source)
	}
	return chain, file, nil
}

// SourceFile turns a Helm source path ("app/charts/db/templates/svc.yaml",
// as in "# Source:" lines and template errors) into the owner chain and the
// file on disk, walking "charts/<name>" steps down the dependency graph;
// false when a step is unknown or the chart has no folder (packaged).
func SourceFile(g *charttree.Node, source string) ([]*charttree.Node, string, bool) {
	if g == nil {
		return nil, "", false
	}
	chain, rel := g.Owner(source)
	if len(chain) == 0 || chain[len(chain)-1].Dir == "" {
		return nil, "", false
	}
	return chain, filepath.Join(chain[len(chain)-1].Dir, filepath.FromSlash(rel)), true
}
