package mesh

import (
	"fmt"

	"github.com/meshready/meshready/internal/resource"
)

// Contradiction is a Service port whose declared protocol strong evidence
// contradicts (the port-protocol-evidence rule).
type Contradiction struct {
	Index int
	// Field and Value are where Istio reads the declared protocol.
	Field, Value string
	Declared     Instance
	Inference
}

// Contradictions finds, for each Service of an input (by input index), the
// ports whose declared protocol the evidence in the input contradicts:
// Collect over the input's objects and client URLs, judged by Contradicts.
func Contradictions(objects []map[string]any, s Settings, m *Model) map[int][]Contradiction {
	return judgeDeclared(objects, s, m, Contradicts)
}

// Mismatches finds the ports whose declared protocol Mismatch refutes (the
// port-protocol-mismatch rule): a well-known binary port named http, unless
// an HTTP probe or strong HTTP evidence (the server's own configuration,
// clients' http:// URLs) shows it speaks HTTP after all — the same verdict
// fix and fn reach.
func Mismatches(objects []map[string]any, s Settings, m *Model) map[int][]Contradiction {
	return judgeDeclared(objects, s, m, Mismatch)
}

// SniffedHTTP finds the ports Istio sniffs (no protocol declared) that the
// evidence in the input shows carry HTTP or gRPC in the clear: the protocol
// fix and fn would name them (Rank), which Istio's inbound protocol
// detection finds on the wire too (HTTP/1.1 and HTTP/2 are detected, TLS is
// not), so the sidecar handles them as HTTP (routing, retries, trace spans)
// before any rename. The trace-propagation rule counts them as served HTTP,
// so that naming such a port http- adds no finding. Declared is Unsupported.
func SniffedHTTP(objects []map[string]any, s Settings, m *Model) map[int][]Contradiction {
	sniffed := func(p PortFacts) bool { return p.Protocol == "" && p.Ignored == "" }
	return judgePorts(objects, s, m, sniffed, func(_ Instance, e Evidence) (Inference, bool) {
		inf := Rank(e)
		return inf, inf.Protocol.IsHTTP()
	})
}

// judgeDeclared collects the evidence for every Service port that declares
// a protocol other than tcp and keeps those judge refutes.
func judgeDeclared(objects []map[string]any, s Settings, m *Model, judge func(Instance, Evidence) (Inference, bool)) map[int][]Contradiction {
	declared := func(p PortFacts) bool { return p.Protocol != "" && p.Ignored == "" && p.Protocol != "tcp" }
	return judgePorts(objects, s, m, declared, judge)
}

// judgePorts collects the evidence for every Service port keep selects and
// keeps those judge finds.
func judgePorts(objects []map[string]any, s Settings, m *Model, keep func(PortFacts) bool, judge func(Instance, Evidence) (Inference, bool)) map[int][]Contradiction {
	namespaceOf := func(o map[string]any) string {
		if ns := text(field(o, "metadata", "namespace")); ns != "" {
			return ns
		}
		return s.Namespace
	}
	var src *Sources
	out := map[int][]Contradiction{}
	for si, ports := range m.ServicePorts {
		var declared []PortFacts
		for _, p := range ports {
			if keep(p) {
				declared = append(declared, p)
			}
		}
		if len(declared) == 0 {
			continue
		}
		if src == nil {
			urls := NewURLIndex()
			for _, o := range objects {
				if o != nil {
					urls.AddObject(text(o["kind"]), namespaceOf(o), text(field(o, "metadata", "name")), o)
				}
			}
			src = &Sources{URLs: []*URLIndex{urls}, Objects: objects, Domain: s.ClusterDomain}
		}
		svc := objects[si]
		var pods []Backend
		for _, pair := range m.ServiceWorkloads {
			if pair[0] != si {
				continue
			}
			w := objects[pair[1]]
			kind := text(w["kind"])
			var t any = w
			for _, k := range resource.PodTemplatePath(kind) {
				t = field(t, k)
			}
			if tm, _ := t.(map[string]any); tm != nil {
				pods = append(pods, Backend{Where: fmt.Sprintf("%s %s/%s", kind, namespaceOf(w), text(field(w, "metadata", "name"))), Template: tm})
			}
		}
		items, _ := field(svc, "spec", "ports").([]any)
		for _, p := range declared {
			item, _ := items[p.Index].(map[string]any)
			q := PortQuery{Service: text(field(svc, "metadata", "name")), Namespace: namespaceOf(svc), Labels: StringMap(field(svc, "metadata", "labels")), Item: item, NPorts: len(items), Pods: pods}
			d := Parse(p.Protocol)
			if inf, ok := judge(d, Collect(q, *src)); ok {
				out[si] = append(out[si], Contradiction{Index: p.Index, Field: p.Field, Value: p.Value, Declared: d, Inference: inf})
			}
		}
	}
	return out
}
