package render

import (
	"helm.sh/helm/v3/pkg/chart"

	"github.com/meshready/meshready/internal/charttree"
)

// requireEnabled fails when a subchart's dependency that could not be had
// offline (charttree.Node.Missing) is needed: when, after Helm's conditions
// and tags are evaluated for these values, the subchart that declares it is
// enabled and so is the dependency. A missing chart in a disabled subtree
// (montreal's platform: oauth2-proxy, off by default, needs redis from
// charts.bitnami.com) is never needed, and Helm renders without it.
// process is the dependency processing of the Helm release rendering
// (Helm.processDependenciesAs).
func requireEnabled(ch *chart.Chart, graph *charttree.Node, vals map[string]any, process func(*chart.Chart, map[string]any) error) error {
	if !graph.HasMissing() {
		return nil
	}
	c := charttree.Clone(ch)
	if err := process(c, charttree.CopyValues(vals)); err != nil {
		return &charttree.ChartError{Chart: graph.Dir, Err: err}
	}
	return firstMissing(c, graph)
}

// firstMissing walks the processed chart c (only enabled charts remain, and
// Metadata.Dependencies lists only enabled dependencies, under their alias)
// beside its graph node.
func firstMissing(c *chart.Chart, n *charttree.Node) error {
	if n == nil {
		return nil
	}
	have := map[string]bool{}
	for _, d := range c.Dependencies() {
		have[d.Name()] = true
	}
	for _, r := range c.Metadata.Dependencies {
		if r == nil || have[r.Name] {
			continue
		}
		for _, m := range n.Missing {
			if m.Name == r.Name || m.Alias == r.Name {
				return &charttree.ChartError{Chart: n.Dir, File: m.File, Err: m.Err}
			}
		}
	}
	for _, d := range c.Dependencies() {
		if err := firstMissing(d, n.Child(d.Name())); err != nil {
			return err
		}
	}
	return nil
}
