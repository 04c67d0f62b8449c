package krmfn

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// moveReferences makes everything that names a renamed port follow:
// ServiceMonitor endpoints (port: Service port, targetPort: container port),
// PodMonitor endpoints, Ingress backends and VirtualService destinations
// that name a port.
func (r *run) moveReferences(ren *portRenames) {
	if len(ren.service) == 0 && len(ren.container) == 0 {
		return
	}
	for _, it := range r.items {
		switch {
		case it.kind == "ServiceMonitor" && it.group == "monitoring.coreos.com":
			r.serviceMonitor(it, ren)
		case it.kind == "PodMonitor" && it.group == "monitoring.coreos.com":
			r.podMonitor(it, ren)
		case it.kind == "Ingress" && (it.group == "networking.k8s.io" || it.group == "extensions"):
			r.ingress(it, ren)
		case it.kind == "VirtualService" && it.group == "networking.istio.io":
			r.virtualService(it, ren)
		}
	}
}

// monitorNamespaces reads a monitor's namespaceSelector: nil means any.
func monitorNamespaces(it *item) map[string]bool {
	ns := path(it.root, "spec", "namespaceSelector")
	if str(ns, "any") == "true" {
		return nil
	}
	if names := seq(ns, "matchNames"); len(names) > 0 {
		out := map[string]bool{}
		for _, n := range names {
			out[n.Value] = true
		}
		return out
	}
	return map[string]bool{it.ns: true}
}

func (r *run) serviceMonitor(it *item, ren *portRenames) {
	nss := monitorNamespaces(it)
	sel := path(it.root, "spec", "selector")
	var svcs []*item
	for _, s := range r.items {
		if s.kind == "Service" && s.apiVersion == "v1" && (nss == nil || nss[s.ns]) &&
			labelSelector(sel, stringMap(path(s.root, "metadata", "labels"))) {
			svcs = append(svcs, s)
		}
	}
	for _, ep := range seq(it.root, "spec", "endpoints") {
		if p := str(ep, "port"); p != "" {
			for _, s := range svcs {
				if n, ok := ren.service[s.ns+"/"+s.name][p]; ok {
					setString(ep, "port", n)
					break
				}
			}
		}
		if _, tp, ok := intOrString(get(ep, "targetPort")); ok && tp != "" {
		next:
			for _, s := range svcs {
				for _, w := range r.backends(s) {
					if n, ok := ren.container[w][tp]; ok {
						setString(ep, "targetPort", n)
						break next
					}
				}
			}
		}
	}
}

func (r *run) podMonitor(it *item, ren *portRenames) {
	nss := monitorNamespaces(it)
	sel := path(it.root, "spec", "selector")
	for _, ep := range seq(it.root, "spec", "podMetricsEndpoints") {
		for _, key := range []string{"port", "targetPort"} {
			_, p, ok := intOrString(get(ep, key))
			if !ok || p == "" {
				continue
			}
			for w, m := range ren.container {
				if n, ok := m[p]; ok && (nss == nil || nss[w.ns]) && labelSelector(sel, w.podLabels()) {
					setString(ep, key, n)
					break
				}
			}
		}
	}
}

func (r *run) ingress(it *item, ren *portRenames) {
	backends := []*yaml.Node{path(it.root, "spec", "defaultBackend"), path(it.root, "spec", "backend")}
	for _, rule := range seq(it.root, "spec", "rules") {
		for _, p := range seq(rule, "http", "paths") {
			backends = append(backends, get(p, "backend"))
		}
	}
	for _, b := range backends {
		if b == nil {
			continue
		}
		if svc := get(b, "service"); svc != nil { // networking.k8s.io/v1
			if port := get(svc, "port"); port != nil {
				if n, ok := ren.service[it.ns+"/"+str(svc, "name")][str(port, "name")]; ok {
					setString(port, "name", n)
				}
			}
			continue
		}
		if _, p, ok := intOrString(get(b, "servicePort")); ok && p != "" { // v1beta1
			if n, ok := ren.service[it.ns+"/"+str(b, "serviceName")][p]; ok {
				setString(b, "servicePort", n)
			}
		}
	}
}

// virtualService updates destination port names: Istio's destination port
// is a number, but hand-written routes sometimes carry a name.
func (r *run) virtualService(it *item, ren *portRenames) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = deref(n)
		if n == nil || depth > 32 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			if host := str(n, "host"); host != "" {
				if port := get(n, "port"); port != nil {
					if p := str(port, "name"); p != "" {
						svc, ns := r.hostService(host, it.ns)
						if nn, ok := ren.service[ns+"/"+svc][p]; ok {
							setString(port, "name", nn)
						}
					}
				}
			}
			for i := 1; i < len(n.Content); i += 2 {
				walk(n.Content[i], depth+1)
			}
		case yaml.SequenceNode:
			for _, e := range n.Content {
				walk(e, depth+1)
			}
		}
	}
	walk(get(it.root, "spec"), 0)
}

// hostService reads an Istio host (svc, svc.ns, svc.ns.svc.<domain>) as a
// Service and namespace; short names live in the routing resource's namespace.
func (r *run) hostService(host, ns string) (string, string) {
	parts := strings.Split(host, ".")
	if len(parts) == 1 {
		return parts[0], ns
	}
	return parts[0], parts[1]
}
