package fix

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"

	"github.com/meshready/meshready/internal/chartsource"
)

// outside says that a file lies outside the inputs and which chart owns
// it, so a refusal for a dependency's port (a Service rendered from
// common/etcd under multicloud) names the chart to fix instead.
func (s *session) outside(file string) string {
	for d := filepath.Dir(file); d != filepath.Dir(d); d = filepath.Dir(d) {
		if charttree.IsChartDir(d) {
			return fmt.Sprintf("outside %s, in chart %s: fix that chart (meshready fix %s) or name the port there by hand", s.rootsText(), s.display(d), s.display(d))
		}
	}
	return "outside " + s.rootsText()
}

// dependencyNote adds to a port refusal the chart that renders the
// Service, when that chart's template lies outside the inputs.
func (s *session) dependencyNote(p *chartPlan, vi int, svc *resource.Resource, err error) error {
	_, file, terr := chartsource.TemplateFile(p.before[vi].Graph, svc)
	if terr != nil || within(file, s.roots) || strings.Contains(err.Error(), ", in chart ") {
		return err
	}
	return refuse("%v; the Service is rendered by %s, %s", err, s.display(file), s.outside(file))
}
