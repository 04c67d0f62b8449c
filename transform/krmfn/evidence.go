package krmfn

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// portSources are the evidence sources of the input for the mesh model's
// collector (mesh.NewRenderSources): every object (routes, monitors, the
// ConfigMaps pods mount) and the client URLs in their strings, decoded
// once; a URL reaches a Service under spec.clusterDomain.
func (r *run) portSources() *mesh.RenderSources {
	objs := make([]map[string]any, 0, len(r.items))
	for _, it := range r.items {
		if m, _ := plain(it.root).(map[string]any); m != nil {
			objs = append(objs, m)
		}
	}
	return mesh.NewRenderSources(objs, r.spec.Namespace, r.spec.Ports.Protocols, r.spec.ClusterDomain)
}

// workloads are the input's pod-bearing objects for mesh.BackendsOf: the
// built-in kinds only (newItem), their pod templates decoded afresh each
// time a Service selects them (renames edit them as we go).
func (r *run) workloads() []mesh.Workload {
	var out []mesh.Workload
	for _, w := range r.items {
		if w.template == nil {
			continue
		}
		out = append(out, mesh.Workload{Index: w.index, Kind: w.kind, Namespace: w.ns, Name: w.name, Labels: w.podLabels(),
			Template: func() map[string]any { t, _ := plain(w.template).(map[string]any); return t }})
	}
	return out
}

// collect gathers what is known about a Service port (pn, one of nports)
// with the code the chart fixer and lint use; sm is the Service decoded.
func (r *run) collect(svc *item, sm map[string]any, pn *yaml.Node, nports int, ws []mesh.Workload, src *mesh.RenderSources) mesh.Evidence {
	item, _ := plain(pn).(map[string]any)
	q := mesh.PortQuery{Service: svc.name, Namespace: svc.ns, Labels: stringMap(path(svc.root, "metadata", "labels")), Item: item, NPorts: nports,
		Pods: mesh.BackendsOf(sm, svc.ns, ws)}
	return mesh.Collect(q, src.Sources())
}
