package mesh

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/resource"
)

// The port-reference collector: which fields must follow when a Service
// port is renamed. The KRM function applies the answer to its yaml nodes,
// the chart fixer to the template and values lines that write each field.

// RefKind is what a field referring to a port is.
type RefKind string

// The kinds of reference the collector knows.
const (
	RefServicePort       RefKind = "Service port name"
	RefTargetPort        RefKind = "Service targetPort"
	RefContainerPort     RefKind = "container port name"
	RefProbe             RefKind = "probe port"
	RefLifecycleHook     RefKind = "lifecycle hook port"
	RefServiceMonitor    RefKind = "ServiceMonitor endpoint port"
	RefServiceMonitorPod RefKind = "ServiceMonitor endpoint targetPort"
	RefPodMonitor        RefKind = "PodMonitor endpoint port"
	RefIngress           RefKind = "Ingress backend port"
	RefVirtualService    RefKind = "VirtualService destination port name"
)

// PortRef is one field that names the port.
type PortRef struct {
	// Object is the index of the object in the collector's input.
	Object int
	// Field is the field's path (resource.ParsePath syntax).
	Field string
	Kind  RefKind
	// Pod: the field names the container port, and follows only when the
	// container port is renamed too (PortRefs.Pinned, PortRefs.PodNames).
	Pod bool
}

// PortRefs are the fields a rename of one Service port must change.
type PortRefs struct {
	// Old is the port's name ("" for an unnamed port: Refs is just where
	// its name goes).
	Old string
	// Refs are the port's name field first, then every field naming it.
	Refs []PortRef
	// ServiceNames are the names the Service's other ports use.
	ServiceNames map[string]bool
	// PodNames are the container port names, other than Old, of the pods
	// behind the Service, each with the workload declaring it ("Deployment
	// x"): a container port renamed to one of them collides.
	PodNames map[string]string
	// Pinned says why the container port cannot follow ("" when it can):
	// another Service reaches it by name on pods that would not be renamed.
	Pinned string
}

// ServiceSide are the refs that follow whatever happens to the container
// port.
func (p PortRefs) ServiceSide() []PortRef {
	var out []PortRef
	for _, r := range p.Refs {
		if !r.Pod {
			out = append(out, r)
		}
	}
	return out
}

// HasPod tells whether a container port is among the refs (its name is
// limited to 15 characters).
func (p PortRefs) HasPod() bool {
	for _, r := range p.Refs {
		if r.Kind == RefContainerPort {
			return true
		}
	}
	return false
}

// PortReferences collects the fields that name port index pi of the
// Service rs[si], across rs: the Service port's name; when its targetPort
// names the container port by the same name, the targetPort, the container
// ports (containers and initContainers) of the selected pods that declare
// it, their probes' and lifecycle hooks' httpGet/tcpSocket ports, the
// targetPorts of other Services reaching those pods by that name and
// PodMonitor endpoints selecting them; ServiceMonitor endpoints selecting
// the Service; Ingress backends in its namespace; VirtualService
// destinations whose host reaches it (HostSelectsService) and that carry a
// port name. domain is the cluster domain ("" for cluster.local).
func PortReferences(rs []*resource.Resource, si, pi int, domain string) PortRefs {
	svc := rs[si]
	items := mapItemsAt(svc.Object, "spec", "ports")
	out := PortRefs{ServiceNames: map[string]bool{}, PodNames: map[string]string{}}
	if pi < 0 || pi >= len(items) {
		return out
	}
	item := items[pi]
	out.Old = text(item["name"])
	out.Refs = []PortRef{{si, fmt.Sprintf("spec.ports[%d].name", pi), RefServicePort, false}}
	for i, pm := range items {
		if i != pi {
			out.ServiceNames[text(pm["name"])] = true
		}
	}
	old := out.Old
	if old == "" {
		return out
	}
	index := make(map[*resource.Resource]int, len(rs))
	for i, r := range rs {
		index[r] = i
	}
	backends := Backends(rs, svc)
	// The pods whose container port named old is renamed with it.
	affected := map[*resource.Resource]bool{}
	_, tpName, _ := IntOrName(item["targetPort"])
	for _, w := range backends {
		spec := field(PodTemplate(w.Kind, w.Object), "spec")
		for _, group := range []string{"containers", "initContainers"} {
			for _, c := range mapItemsAt(spec, group) {
				for _, cp := range mapItemsAt(c, "ports") {
					switch n := text(cp["name"]); {
					case n == old && tpName == old:
						affected[w] = true
					case n != "" && n != old && out.PodNames[n] == "":
						out.PodNames[n] = w.Kind + " " + w.Name
					}
				}
			}
		}
	}
	if len(affected) > 0 {
		out.Refs = append(out.Refs, PortRef{si, fmt.Sprintf("spec.ports[%d].targetPort", pi), RefTargetPort, true})
		for _, w := range backends {
			if affected[w] {
				out.Refs = append(out.Refs, containerRefs(index[w], w, old)...)
			}
		}
		for i, o := range rs {
			if i == si || o.Kind != "Service" || o.APIVersion != "v1" || o.Namespace != svc.Namespace {
				continue
			}
			var tps []PortRef
			for j, pm := range mapItemsAt(o.Object, "spec", "ports") {
				if _, n, _ := IntOrName(pm["targetPort"]); n == old {
					tps = append(tps, PortRef{i, fmt.Sprintf("spec.ports[%d].targetPort", j), RefTargetPort, true})
				}
			}
			if len(tps) == 0 {
				continue
			}
			hits := false
			for _, w := range Backends(rs, o) {
				switch {
				case affected[w]:
					hits = true
				case declaresPortName(w, old) && out.Pinned == "":
					out.Pinned = fmt.Sprintf("Service %s also reaches %s on other pods", o.Name, old)
				}
			}
			if hits {
				out.Refs = append(out.Refs, tps...)
			}
		}
		for i, o := range rs {
			if o.Kind != "PodMonitor" || !strings.HasPrefix(o.APIVersion, "monitoring.coreos.com/") {
				continue
			}
			sel := monitorSelector(o)
			hit := false
			for w := range affected {
				hit = hit || monitorNamespace(o, w.Namespace) && sel.Matches(StringMap(field(PodTemplate(w.Kind, w.Object), "metadata", "labels")))
			}
			if !hit {
				continue
			}
			for j, e := range mapItemsAt(o.Object, "spec", "podMetricsEndpoints") {
				for _, k := range []string{"port", "targetPort"} {
					if _, n, _ := IntOrName(e[k]); n == old {
						out.Refs = append(out.Refs, PortRef{i, fmt.Sprintf("spec.podMetricsEndpoints[%d].%s", j, k), RefPodMonitor, true})
					}
				}
			}
		}
	}
	svcLabels := StringMap(field(svc.Object, "metadata", "labels"))
	for i, o := range rs {
		switch {
		case o.Kind == "ServiceMonitor" && strings.HasPrefix(o.APIVersion, "monitoring.coreos.com/"):
			if !monitorNamespace(o, svc.Namespace) || !monitorSelector(o).Matches(svcLabels) {
				continue
			}
			for j, e := range mapItemsAt(o.Object, "spec", "endpoints") {
				if text(e["port"]) == old {
					out.Refs = append(out.Refs, PortRef{i, fmt.Sprintf("spec.endpoints[%d].port", j), RefServiceMonitor, false})
				}
				if _, n, _ := IntOrName(e["targetPort"]); n == old && len(affected) > 0 {
					out.Refs = append(out.Refs, PortRef{i, fmt.Sprintf("spec.endpoints[%d].targetPort", j), RefServiceMonitorPod, true})
				}
			}
		case o.Kind == "Ingress" && o.Namespace == svc.Namespace && (strings.HasPrefix(o.APIVersion, "networking.k8s.io/") || strings.HasPrefix(o.APIVersion, "extensions/")):
			for _, f := range ingressRefs(o.Object, svc.Name, old) {
				out.Refs = append(out.Refs, PortRef{i, f, RefIngress, false})
			}
		case o.Kind == "VirtualService" && strings.HasPrefix(o.APIVersion, "networking.istio.io/"):
			for _, f := range destinationRefs(field(o.Object, "spec"), []resource.Segment{{Key: "spec", Index: -1}}, func(host string) bool {
				return HostSelectsService(host, o.Namespace, svc.Name, svc.Namespace, domain)
			}, old) {
				out.Refs = append(out.Refs, PortRef{i, f, RefVirtualService, false})
			}
		}
	}
	return out
}

// containerRefs are a workload's container port fields named old, with the
// probe and lifecycle-hook ports of the containers declaring it.
func containerRefs(oi int, w *resource.Resource, old string) []PortRef {
	var out []PortRef
	specPath := strings.Join(append(resource.PodTemplatePath(w.Kind), "spec"), ".")
	spec := field(PodTemplate(w.Kind, w.Object), "spec")
	for _, group := range []string{"containers", "initContainers"} {
		for ci, c := range mapItemsAt(spec, group) {
			cpath := fmt.Sprintf("%s.%s[%d]", specPath, group, ci)
			owns := false
			for pi, cp := range mapItemsAt(c, "ports") {
				if text(cp["name"]) == old {
					out = append(out, PortRef{oi, fmt.Sprintf("%s.ports[%d].name", cpath, pi), RefContainerPort, true})
					owns = true
				}
			}
			if !owns {
				continue
			}
			handlers := make([][2]string, 0, len(ProbeKeys)+2)
			for _, k := range ProbeKeys {
				handlers = append(handlers, [2]string{k, k})
			}
			handlers = append(handlers, [2]string{"lifecycle.postStart", ""}, [2]string{"lifecycle.preStop", ""})
			for _, h := range handlers {
				kind := RefProbe
				if h[1] == "" {
					kind = RefLifecycleHook
				}
				for _, a := range []string{"httpGet", "tcpSocket"} {
					keys := append(strings.Split(h[0], "."), a, "port")
					if _, n, _ := IntOrName(field(c, keys...)); n == old {
						out = append(out, PortRef{oi, cpath + "." + strings.Join(keys, "."), kind, true})
					}
				}
			}
		}
	}
	return out
}

// declaresPortName: a container of the workload's pods declares a port of
// that name.
func declaresPortName(w *resource.Resource, name string) bool {
	spec := field(PodTemplate(w.Kind, w.Object), "spec")
	for _, group := range []string{"containers", "initContainers"} {
		for _, c := range mapItemsAt(spec, group) {
			for _, cp := range mapItemsAt(c, "ports") {
				if text(cp["name"]) == name {
					return true
				}
			}
		}
	}
	return false
}

// monitorSelector is a ServiceMonitor's or PodMonitor's spec.selector. The
// Prometheus operator declares it a metav1.LabelSelector value, not a
// pointer (pkg/apis/monitoring/v1 PodMonitorSpec.Selector
// `metav1.LabelSelector json:"selector"`, ServiceMonitorSpec alike), so a
// missing one reads as empty and selects everything.
func monitorSelector(o *resource.Resource) LabelSelector {
	return ParseLabelSelector(field(o.Object, "spec", "selector"))
}

// monitorNamespace tells whether a monitor's namespaceSelector covers ns:
// any: true, the names listed, else the monitor's own namespace.
func monitorNamespace(o *resource.Resource, ns string) bool {
	sel, _ := field(o.Object, "spec", "namespaceSelector").(map[string]any)
	if sel["any"] == true {
		return true
	}
	if names := asStrings(sel["matchNames"]); len(names) > 0 {
		for _, n := range names {
			if n == ns {
				return true
			}
		}
		return false
	}
	return o.Namespace == ns
}

// ParseLabelSelector reads a metav1.LabelSelector decoded into plain
// values (matchLabels, matchExpressions).
func ParseLabelSelector(v any) LabelSelector {
	s, _ := v.(map[string]any)
	ls := LabelSelector{MatchLabels: StringMap(s["matchLabels"])}
	for _, e := range mapItems(s["matchExpressions"]) {
		ls.MatchExpressions = append(ls.MatchExpressions, Requirement{Key: text(e["key"]), Operator: text(e["operator"]), Values: asStrings(e["values"])})
	}
	return ls
}

// ingressRefs lists an Ingress's backend fields that name port of Service
// svc: networking.k8s.io/v1 service.port.name, v1beta1 servicePort.
func ingressRefs(o map[string]any, svc, port string) []string {
	var out []string
	check := func(base string, b any) {
		if text(field(b, "service", "name")) == svc && text(field(b, "service", "port", "name")) == port {
			out = append(out, base+".service.port.name")
		}
		if _, n, _ := IntOrName(field(b, "servicePort")); text(field(b, "serviceName")) == svc && n == port {
			out = append(out, base+".servicePort")
		}
	}
	check("spec.defaultBackend", field(o, "spec", "defaultBackend"))
	check("spec.backend", field(o, "spec", "backend"))
	for i, r := range mapItemsAt(o, "spec", "rules") {
		for j, p := range mapItemsAt(r, "http", "paths") {
			check(fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", i, j), p["backend"])
		}
	}
	return out
}

// destinationRefs walks an Istio routing spec for destinations (a mapping
// with host and port) whose port carries a name: Istio's destination port
// is a number, but hand-written routes sometimes name it.
func destinationRefs(v any, at []resource.Segment, reaches func(string) bool, port string) []string {
	if len(at) > 32 {
		return nil
	}
	var out []string
	switch t := v.(type) {
	case map[string]any:
		if host := text(t["host"]); host != "" && text(field(t, "port", "name")) == port && reaches(host) {
			out = append(out, resource.FormatPath(append(slices.Clip(at), resource.Segment{Key: "port", Index: -1}, resource.Segment{Key: "name", Index: -1})))
		}
		for _, k := range slices.Sorted(maps.Keys(t)) {
			out = append(out, destinationRefs(t[k], append(slices.Clip(at), resource.Segment{Key: k, Index: -1}), reaches, port)...)
		}
	case []any:
		for i, x := range t {
			out = append(out, destinationRefs(x, append(slices.Clip(at), resource.Segment{Index: i}), reaches, port)...)
		}
	}
	return out
}

// mapItemsAt are the items of the list at keys, each at its own index: an
// item that is not a mapping is nil, so field paths built from the index
// name the right item.
func mapItemsAt(o any, keys ...string) []map[string]any {
	l, _ := field(o, keys...).([]any)
	out := make([]map[string]any, len(l))
	for i, e := range l {
		out[i], _ = e.(map[string]any)
	}
	return out
}
