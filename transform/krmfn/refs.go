package krmfn

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"
)

// resources are the items as the model reads them, by item index: what
// mesh.PortReferences collects a port's references from.
func (r *run) resources() []*resource.Resource {
	out := make([]*resource.Resource, len(r.items))
	for i, it := range r.items {
		out[i] = &resource.Resource{
			Ref:    resource.Ref{APIVersion: it.apiVersion, Kind: it.kind, Namespace: it.ns, Name: it.name},
			Index:  i,
			Object: it.object(),
		}
	}
	return out
}

// apply makes one change the model planned in the items' nodes, and
// refreshes the touched objects in rs so later plans see it: every field
// of a port's Refs, a pod template's label or annotation, or an init
// container's runAsUser.
func (r *run) apply(rs []*resource.Resource, op mesh.Op) {
	touched := map[int]bool{}
	switch op.Kind {
	case mesh.OpPodMetadata:
		it := r.items[op.Object]
		setString(ensureMap(ensureMap(it.template, "metadata"), op.Where), op.Key, op.Value)
		touched[op.Object] = true
	case mesh.OpInitRunAsUser:
		it := r.items[op.Object]
		uid, err := strconv.Atoi(op.Value)
		if inits := seq(it.podSpec(), "initContainers"); err == nil && op.Container < len(inits) {
			setInt(ensureMap(inits[op.Container], "securityContext"), "runAsUser", uid)
			touched[op.Object] = true
		}
	case mesh.OpPortName, mesh.OpAppProtocol:
		for _, ref := range op.Refs {
			if parent, key := fieldParent(r.items[ref.Object].root, ref.Field); parent != nil {
				setString(parent, key, op.Value)
				touched[ref.Object] = true
			}
		}
	}
	for i := range touched {
		if rs != nil {
			rs[i].Object = r.items[i].object()
		}
	}
}

// fieldParent walks a resource path (resource.ParsePath) to the mapping
// holding its last key.
func fieldParent(root *yaml.Node, field string) (*yaml.Node, string) {
	segs, err := resource.ParsePath(field)
	if err != nil || len(segs) == 0 || segs[len(segs)-1].Index >= 0 {
		return nil, ""
	}
	n := root
	for _, s := range segs[:len(segs)-1] {
		if s.Index >= 0 {
			l := seq(n)
			if s.Index >= len(l) {
				return nil, ""
			}
			n = l[s.Index]
		} else {
			n = get(n, s.Key)
		}
	}
	if n = deref(n); !isMap(n) {
		return nil, ""
	}
	return n, segs[len(segs)-1].Key
}
