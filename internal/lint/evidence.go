package lint

import (
	"fmt"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"
)

// portEvidence collects port evidence for one chart's findings with the
// mesh model's collector, decoding the render's sources once (on the first
// port finding): its objects and the client URLs in their strings.
type portEvidence struct {
	src  *mesh.Sources
	tree *mesh.URLIndex // the chart tree's client URLs (nil for manifests)
}

func (e *portEvidence) collect(rs []*resource.Resource, svc *resource.Resource, item map[string]any, nports int) mesh.Evidence {
	if e.src == nil {
		urls := mesh.NewURLIndex()
		objs := make([]map[string]any, len(rs))
		for i, r := range rs {
			urls.AddObject(r.Kind, r.Namespace, r.Name, r.Object)
			objs[i] = r.Object
		}
		e.src = &mesh.Sources{URLs: []*mesh.URLIndex{urls}, Objects: objs}
		if e.tree != nil {
			e.src.URLs = append(e.src.URLs, e.tree)
		}
	}
	labels, _ := lookupMap(svc.Object, "metadata", "labels")
	q := mesh.PortQuery{Service: svc.Name, Namespace: svc.Namespace, Labels: mesh.StringMap(labels), Item: item, NPorts: nports, Pods: selectedPods(rs, svc)}
	return mesh.Collect(q, *e.src)
}

// selectedPods returns the pod templates of the workloads a Service
// selects (mesh.Backends).
func selectedPods(rs []*resource.Resource, svc *resource.Resource) []mesh.Backend {
	var out []mesh.Backend
	for _, w := range mesh.Backends(rs, svc) {
		if t := mesh.PodTemplate(w.Kind, w.Object); t != nil {
			out = append(out, mesh.Backend{Where: fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name), Template: t})
		}
	}
	return out
}
