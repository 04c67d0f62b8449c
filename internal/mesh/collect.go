package mesh

import (
	"fmt"
	"strings"
)

// The evidence collector: fix, fn and lint's suggestions call Collect for
// each Service port and rank what it returns with Infer/Decide. It adds to
// what PortEvidence reads from the pods (probes, TLS settings, names) the
// tree's client URLs (evidence_urls.go), the server configuration the pods
// mount (evidence_server.go), the side of OOM's TLS switch a port was
// rendered as (evidence_oomtls.go, where the chart's values are at hand),
// metrics scrapes, HTTP routes and well-known software (wellknown.yaml).

// Backend is one workload's pod template a Service selects.
type Backend struct {
	// Index is the workload's position in the input (Workload.Index).
	Index int
	// Where names the workload ("Deployment onap/msb-eag").
	Where string
	// Template is the pod template: metadata and spec.
	Template map[string]any
}

// PortQuery is one Service port.
type PortQuery struct {
	Service, Namespace string
	Labels             map[string]string
	// Item is the spec.ports item; NPorts how many ports the Service has.
	Item   map[string]any
	NPorts int
	Pods   []Backend
	// OOMPorts are the service.ports entries of the values.yaml of the
	// chart that renders the Service, when it has both sides of OOM's TLS
	// switch (evidence_oomtls.go); nil where no chart source is at hand.
	OOMPorts []OOMServicePort
}

// Sources are what the collector reads beyond the Service and its pods.
type Sources struct {
	// Table is the user's port table: port number or name -> protocol.
	Table map[string]string
	// URLs are the client URLs of the whole tree and of the input's
	// rendered objects.
	URLs []*URLIndex
	// Objects are the input's rendered objects (Ingress, VirtualService,
	// ServiceMonitor, the ConfigMaps pods mount).
	Objects []map[string]any
	// Domain is the cluster domain ("" for cluster.local).
	Domain string
}

// Collect gathers every piece of evidence about one Service port.
func Collect(q PortQuery, src Sources) Evidence {
	specs := make([]map[string]any, 0, len(q.Pods))
	for _, p := range q.Pods {
		if s, _ := p.Template["spec"].(map[string]any); s != nil {
			specs = append(specs, s)
		}
	}
	p := PortOf(q.Item)
	ev := PortEvidence(p, q.Item["targetPort"], specs, src.Table)
	target := ev.TargetPort
	if target == 0 {
		target = p.Port
	}
	seen := map[string]bool{}
	add := func(c Clue) {
		if k := c.String(); !seen[k] {
			seen[k] = true
			ev.Clues = append(ev.Clues, c)
		}
	}
	for _, pod := range q.Pods {
		spec, _ := pod.Template["spec"].(map[string]any)
		for _, c := range mapItems(spec["containers"]) {
			if !servesPort(c, target, ev.TargetName) {
				continue
			}
			if cl, ok := Known().imageClue(text(c["image"]), target); ok {
				add(cl)
			}
		}
		ann := StringMap(field(pod.Template, "metadata", "annotations"))
		if n, ok := Number(ann["prometheus.io/port"]); ok && n == target && ann["prometheus.io/scrape"] != "false" {
			pr := HTTP
			if strings.EqualFold(ann["prometheus.io/scheme"], "https") {
				pr = HTTPS
			}
			add(Clue{Protocol: pr, Kind: KindScrape, Strength: StrengthUse, What: fmt.Sprintf("Prometheus scrapes it (prometheus.io/port: %d)", n), Where: pod.Where + " pod annotations"})
		}
		for _, cl := range serverClues(pod, spec, target, q.Namespace, src.Objects) {
			add(cl)
		}
	}
	if _, tname, ok := IntOrName(q.Item["targetPort"]); ok && len(q.OOMPorts) > 0 {
		for _, cl := range oomTLSClues(q.OOMPorts, p, tname) {
			add(cl)
		}
	}
	for _, o := range src.Objects {
		for _, cl := range routeClues(o, q, p) {
			add(cl)
		}
	}
	for _, ix := range src.URLs {
		for _, cl := range ix.Clues(q.Service, q.Namespace, p.Port, q.NPorts, src.Domain) {
			add(cl)
		}
	}
	return ev
}

// servesPort: the container declares the port (or declares none, and the
// port is reached by number).
func servesPort(c map[string]any, num int32, name string) bool {
	cps := mapItems(c["ports"])
	for _, cp := range cps {
		n, _ := Number(cp["containerPort"])
		if n == num || name != "" && text(cp["name"]) == name {
			return true
		}
	}
	return len(cps) == 0
}

func objNS(o map[string]any, def string) string {
	if ns := text(field(o, "metadata", "namespace")); ns != "" {
		return ns
	}
	return def
}

// routeClues: Ingress backends and VirtualService http routes to the port
// are HTTP; ServiceMonitor endpoints scrape it over HTTP(S).
func routeClues(o map[string]any, q PortQuery, p Port) []Clue {
	kind, api := text(o["kind"]), text(o["apiVersion"])
	name := text(field(o, "metadata", "name"))
	ns := objNS(o, q.Namespace)
	where := fmt.Sprintf("%s %s/%s", kind, ns, name)
	var out []Clue
	switch {
	case kind == "Ingress" && ns == q.Namespace:
		var backends []map[string]any
		for _, k := range []string{"defaultBackend", "backend"} {
			if b, _ := field(o, "spec", k).(map[string]any); b != nil {
				backends = append(backends, b)
			}
		}
		for _, r := range mapItems(field(o, "spec", "rules")) {
			for _, pa := range mapItems(field(r, "http", "paths")) {
				if b, _ := pa["backend"].(map[string]any); b != nil {
					backends = append(backends, b)
				}
			}
		}
		for _, b := range backends {
			svc, port := text(field(b, "service", "name")), field(b, "service", "port", "number")
			pname := text(field(b, "service", "port", "name"))
			if svc == "" {
				svc, port = text(b["serviceName"]), b["servicePort"]
			}
			n, s, _ := IntOrName(port)
			if svc == q.Service && (n == p.Port || s != "" && s == p.Name || pname != "" && pname == p.Name) {
				out = append(out, Clue{Protocol: HTTP, Kind: KindRoute, Strength: StrengthUse, What: "an Ingress routes HTTP to it", Where: where})
				break
			}
		}
	case kind == "VirtualService" && strings.HasPrefix(api, "networking.istio.io/"):
		for _, r := range mapItems(field(o, "spec", "http")) {
			for _, d := range mapItems(r["route"]) {
				host := text(field(d, "destination", "host"))
				n, _ := Number(field(d, "destination", "port", "number"))
				if HostSelectsService(host, ns, q.Service, q.Namespace, "") && (n == p.Port || n == 0 && q.NPorts == 1) {
					out = append(out, Clue{Protocol: HTTP, Kind: KindRoute, Strength: StrengthUse, What: "a VirtualService http route sends to it", Where: where})
				}
			}
		}
	case kind == "ServiceMonitor" && strings.HasPrefix(api, "monitoring.coreos.com/"):
		sel := LabelSelector{MatchLabels: StringMap(field(o, "spec", "selector", "matchLabels"))}
		nsSel := field(o, "spec", "namespaceSelector", "matchNames")
		inNS := ns == q.Namespace || field(o, "spec", "namespaceSelector", "any") == true
		for _, x := range asStrings(nsSel) {
			inNS = inNS || x == q.Namespace
		}
		exprs, _ := field(o, "spec", "selector", "matchExpressions").([]any)
		if len(exprs) > 0 || !inNS || p.Name == "" || !sel.Matches(q.Labels) {
			return nil
		}
		for _, e := range mapItems(field(o, "spec", "endpoints")) {
			if text(e["port"]) != p.Name {
				continue
			}
			pr := HTTP
			if strings.EqualFold(text(e["scheme"]), "https") {
				pr = HTTPS
			}
			out = append(out, Clue{Protocol: pr, Kind: KindScrape, Strength: StrengthUse, What: "a ServiceMonitor scrapes it over " + pr.Prefix(), Where: where})
		}
	}
	return out
}

func asStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		out = append(out, text(x))
	}
	return out
}
