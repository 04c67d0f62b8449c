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
	chain, rel := g.Owner(r.Source)
	if len(chain) == 0 || chain[len(chain)-1].Dir == "" {
		return nil, "", fmt.Errorf("its template %s is not in a chart folder (a packaged subchart?)", r.Source)
	}
	return chain, filepath.Join(chain[len(chain)-1].Dir, filepath.FromSlash(rel)), nil
}
