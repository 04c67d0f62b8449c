package lint

import (
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"
)

// portEvidence collects port evidence for one chart's findings with the
// mesh model's collector, from the render's evidence sources: the very
// ones the evaluation judged the ports from (rules.WithSources), so that
// each chart's URLs are indexed once.
type portEvidence struct {
	src *mesh.RenderSources
	// namespace is the one of objects that name none.
	namespace string
	objects   []map[string]any
	workloads []mesh.Workload // read on the first port
}

func (e *portEvidence) collect(svc *resource.Resource, item map[string]any, nports int) mesh.Evidence {
	if e.workloads == nil {
		e.workloads = mesh.Workloads(e.objects, e.namespace)
	}
	labels, _ := lookupMap(svc.Object, "metadata", "labels")
	ns := svc.Namespace
	if ns == "" {
		ns = e.namespace // as the evaluation reads it (mesh.Judge)
	}
	q := mesh.PortQuery{Service: svc.Name, Namespace: ns, Labels: mesh.StringMap(labels), Item: item, NPorts: nports,
		Pods: mesh.BackendsOf(svc.Object, e.namespace, e.workloads)}
	return mesh.Collect(q, e.src.Sources())
}
