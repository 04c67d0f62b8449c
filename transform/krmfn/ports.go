package krmfn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// ports gives every Service port a protocol Istio can read: a
// `<protocol>-<name>` name (mode prefix) or an appProtocol (mode
// appProtocol), for ports that declare none and for ports whose name claims
// the wrong one. Every field mesh.PortReferences finds naming the port
// follows a rename (refs.go).
func (r *run) ports() {
	rs := r.resources()
	src := r.portSources()
	for _, svc := range r.items {
		if svc.kind != "Service" || svc.apiVersion != "v1" {
			continue
		}
		spec := get(svc.root, "spec")
		backends := r.backends(svc)
		list := seq(spec, "ports")
		names := make(map[string]bool, len(list))
		for _, pn := range list {
			names[str(pn, "name")] = true
		}
		for i, pn := range list {
			if !isMap(pn) {
				continue
			}
			name := str(pn, "name")
			num, _ := intValue(get(pn, "port"))
			port := mesh.Port{Name: name, AppProtocol: str(pn, "appProtocol"), Port: num, Protocol: str(pn, "protocol")}
			inf, ok := mesh.Decide(r.version, port, r.collect(svc, pn, len(list), backends, src))
			if !ok {
				continue // UDP/SCTP, the user's appProtocol, or a declared protocol nothing contradicts
			}
			declared := mesh.SelectFor(r.version, port)
			field := fmt.Sprintf("spec.ports[%d]", i)
			what := fmt.Sprintf("port %d", num)
			if name != "" {
				what = fmt.Sprintf("port %d (%s)", num, name)
			}
			claim := ""
			if declared != mesh.Unsupported {
				claim = fmt.Sprintf(", not %s as its name claims", declared.Prefix())
			}
			// Istio reads appProtocol instead of the name whenever it is set
			// (pkg/config/kube/conversion.go ConvertProtocol): beside an
			// appProtocol it does not know, a new name would change nothing.
			if r.spec.Ports.Mode == "appProtocol" || port.AppProtocol != "" {
				setString(pn, "appProtocol", inf.Protocol.Prefix())
				r.result(svc, framework.Info, field+".appProtocol", fmt.Sprintf("%s: appProtocol %s%s (%s)", what, inf.Protocol.Prefix(), claim, inf.Reason))
				continue
			}
			newName := mesh.NewName(inf.Protocol, name, num, func(s string) bool { return names[s] && s != name })
			if newName == name {
				continue
			}
			refs := mesh.PortReferences(rs, svc.index, i, r.spec.ClusterDomain)
			apply, why := refs.Refs, refs.Pinned
			if w := refs.PodNames[newName]; why == "" && w != "" && refs.HasPod() {
				why = fmt.Sprintf("%s already has a port named %s", w, newName)
			}
			if why != "" {
				apply = refs.ServiceSide()
			}
			r.rename(rs, apply, newName)
			delete(names, name)
			names[newName] = true
			msg := fmt.Sprintf("%s: named %s%s (%s)", what, newName, claim, inf.Reason)
			switch {
			case refs.HasPod() && why != "":
				msg += "; the container port keeps its name: " + why
			case refs.HasPod():
				msg += "; the container port and its references follow"
			}
			r.result(svc, framework.Info, field+".name", msg)
		}
	}
}

// backends are the workloads a Service selects, in its namespace.
func (r *run) backends(svc *item) []*item {
	sel := stringMap(path(svc.root, "spec", "selector"))
	if len(sel) == 0 {
		return nil
	}
	var out []*item
	for _, w := range r.items {
		if w.template != nil && w.ns == svc.ns && mesh.Selects(sel, w.podLabels()) {
			out = append(out, w)
		}
	}
	return out
}

// containers of a workload's pod (not init containers: they serve nothing).
func containers(w *item) []*yaml.Node { return seq(w.podSpec(), "containers") }
