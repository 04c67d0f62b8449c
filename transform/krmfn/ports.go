package krmfn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// portRenames records what moved, so references can follow.
type portRenames struct {
	// service port names, by "namespace/service": old -> new
	service map[string]map[string]string
	// container port names, by workload: old -> new
	container map[*item]map[string]string
}

// ports gives every Service port a protocol Istio can read: a
// `<protocol>-<name>` name (mode prefix) or an appProtocol (mode
// appProtocol), for ports that declare none and for ports whose name claims
// the wrong one. Container port names, targetPorts, probes, monitors,
// Ingress backends and VirtualService routes follow a rename.
func (r *run) ports() {
	ren := &portRenames{service: map[string]map[string]string{}, container: map[*item]map[string]string{}}
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
			if r.spec.Ports.Mode == "appProtocol" {
				setString(pn, "appProtocol", inf.Protocol.Prefix())
				r.result(svc, framework.Info, field+".appProtocol", fmt.Sprintf("%s: appProtocol %s%s (%s)", what, inf.Protocol.Prefix(), claim, inf.Reason))
				continue
			}
			newName := mesh.NewName(inf.Protocol, name, num, func(s string) bool { return names[s] && s != name })
			if newName == name {
				continue
			}
			setString(pn, "name", newName)
			delete(names, name)
			names[newName] = true
			if name != "" {
				m := ren.service[svc.ns+"/"+svc.name]
				if m == nil {
					m = map[string]string{}
					ren.service[svc.ns+"/"+svc.name] = m
				}
				m[name] = newName
			}
			msg := fmt.Sprintf("%s: named %s%s (%s)", what, newName, claim, inf.Reason)
			if _, tpName, ok := intOrString(get(pn, "targetPort")); ok && tpName != "" && tpName == name {
				switch moved, why := r.renameContainerPort(svc.ns, backends, name, newName, ren); {
				case why != "":
					msg += "; the container port keeps its name: " + why
				case moved:
					msg += "; the container port and its references follow"
				}
			}
			r.result(svc, framework.Info, field+".name", msg)
		}
	}
	r.moveReferences(ren)
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

// renameContainerPort renames the container port `old` to `new` in the
// backends that have it, with every targetPort and probe that names it. It
// refuses (and says why) when another Service reaches `old` on pods outside
// these backends, or the new name is taken in a pod.
func (r *run) renameContainerPort(ns string, backends []*item, old, new string, ren *portRenames) (moved bool, why string) {
	affected := map[*item]bool{}
	for _, w := range backends {
		for _, c := range containers(w) {
			for _, cp := range seq(c, "ports") {
				if str(cp, "name") == old {
					affected[w] = true
				}
			}
		}
	}
	if len(affected) == 0 {
		return false, ""
	}
	for w := range affected {
		for _, key := range []string{"containers", "initContainers"} {
			for _, c := range seq(w.podSpec(), key) {
				for _, cp := range seq(c, "ports") {
					if str(cp, "name") == new {
						return false, fmt.Sprintf("%s %s already has a port named %s", w.kind, w.name, new)
					}
				}
			}
		}
	}
	// Every Service port that reaches `old` on these pods must move too,
	// and may only do so if all its pods move.
	var follow []*yaml.Node
	for _, s := range r.items {
		if s.kind != "Service" || s.apiVersion != "v1" || s.ns != ns {
			continue
		}
		var tps []*yaml.Node
		for _, pn := range seq(s.root, "spec", "ports") {
			if _, n, ok := intOrString(get(pn, "targetPort")); ok && n == old {
				tps = append(tps, pn)
			}
		}
		if len(tps) == 0 {
			continue
		}
		hits, misses := 0, 0
		for _, w := range r.backends(s) {
			has := false
			for _, c := range containers(w) {
				for _, cp := range seq(c, "ports") {
					has = has || str(cp, "name") == old
				}
			}
			switch {
			case affected[w]:
				hits++
			case has:
				misses++
			}
		}
		if hits == 0 {
			continue
		}
		if misses > 0 {
			return false, fmt.Sprintf("Service %s also reaches %s on other pods", s.name, old)
		}
		follow = append(follow, tps...)
	}
	for w := range affected {
		for _, c := range containers(w) {
			owns := false
			for _, cp := range seq(c, "ports") {
				if str(cp, "name") == old {
					setString(cp, "name", new)
					owns = true
				}
			}
			if owns {
				renameProbePorts(c, old, new)
			}
		}
		m := ren.container[w]
		if m == nil {
			m = map[string]string{}
			ren.container[w] = m
		}
		m[old] = new
	}
	for _, pn := range follow {
		setString(pn, "targetPort", new)
	}
	return true, ""
}

// renameProbePorts moves probe and lifecycle-hook ports that name `old`.
func renameProbePorts(c *yaml.Node, old, new string) {
	var handlers []*yaml.Node
	for _, k := range mesh.ProbeKeys {
		handlers = append(handlers, get(c, k))
	}
	handlers = append(handlers, path(c, "lifecycle", "postStart"), path(c, "lifecycle", "preStop"))
	for _, h := range handlers {
		for _, k := range []string{"httpGet", "tcpSocket"} {
			if a := get(h, k); a != nil {
				if _, n, ok := intOrString(get(a, "port")); ok && n == old {
					setString(a, "port", new)
				}
			}
		}
	}
}
