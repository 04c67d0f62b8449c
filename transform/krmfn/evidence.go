package krmfn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// portSources decodes the input once for the mesh model's evidence
// collector: every object (routes, monitors, the ConfigMaps pods mount)
// and the client URLs in their strings.
func (r *run) portSources() mesh.Sources {
	urls := mesh.NewURLIndex()
	objs := make([]map[string]any, 0, len(r.items))
	for _, it := range r.items {
		m, _ := plain(it.root).(map[string]any)
		if m == nil {
			continue
		}
		urls.AddObject(it.kind, it.ns, it.name, m)
		objs = append(objs, m)
	}
	return mesh.Sources{Table: r.spec.Ports.Protocols, URLs: []*mesh.URLIndex{urls}, Objects: objs}
}

// collect gathers what is known about a Service port (pn, one of nports)
// with the code the chart fixer and lint use. The pod templates are
// decoded afresh for each port (renames edit them as we go).
func (r *run) collect(svc *item, pn *yaml.Node, nports int, backends []*item, src mesh.Sources) mesh.Evidence {
	pods := make([]mesh.Backend, 0, len(backends))
	for _, w := range backends {
		t, _ := plain(w.template).(map[string]any)
		pods = append(pods, mesh.Backend{Where: fmt.Sprintf("%s %s/%s", w.kind, w.ns, w.name), Template: t})
	}
	item, _ := plain(pn).(map[string]any)
	q := mesh.PortQuery{Service: svc.name, Namespace: svc.ns, Labels: stringMap(path(svc.root, "metadata", "labels")), Item: item, NPorts: nports, Pods: pods}
	return mesh.Collect(q, src)
}
