package mesh

// Contradiction is a Service port whose declared protocol strong evidence
// contradicts (the port-protocol-evidence rule).
type Contradiction struct {
	Index int
	// Field and Value are where Istio reads the declared protocol.
	Field, Value string
	Declared     Instance
	Inference
}

// Judged are the Service ports (per Service, by input index) whose
// declared protocol the evidence in the input refutes.
type Judged struct {
	// Contradictions: strong evidence contradicts the declared protocol
	// (Contradicts; the port-protocol-evidence rule).
	Contradictions map[int][]Contradiction
	// Mismatches: Mismatch refutes the declared protocol (the
	// port-protocol-mismatch rule): a well-known binary port named http,
	// unless an HTTP probe or strong HTTP evidence (the server's own
	// configuration, clients' http:// URLs) shows it speaks HTTP after all —
	// the same verdict fix and fn reach.
	Mismatches map[int][]Contradiction
	// SniffedHTTP: ports Istio sniffs (no protocol declared) that the
	// evidence shows carry HTTP or gRPC in the clear: the protocol fix and
	// fn would name them (Rank), which Istio's inbound protocol detection
	// finds on the wire too (HTTP/1.1 and HTTP/2 are detected, TLS is not),
	// so the sidecar handles them as HTTP (routing, retries, trace spans)
	// before any rename. The trace-propagation rule counts them as served
	// HTTP, so that naming such a port http- adds no finding. Declared is
	// Unsupported.
	SniffedHTTP map[int][]Contradiction
}

// Judge collects the evidence for every Service port of an input that
// declares a protocol other than tcp, or none (Istio sniffs it) — Collect
// over src, the input's evidence sources, once per port — and judges the
// declared ones both ways (Contradictions, Mismatches) and the sniffed ones
// for HTTP in the clear (SniffedHTTP). src carries the client URLs of the
// whole chart tree (URLIndex.AddTree), the cross-chart evidence fix reads
// too, so that lint and fix judge a port from the same evidence; nil reads
// the input's objects alone.
func Judge(objects []map[string]any, s Settings, m *Model, src *RenderSources) Judged {
	if src == nil {
		src = NewRenderSources(objects, s.Namespace, nil, s.ClusterDomain)
	}
	var behind map[int][]Workload
	out := Judged{Contradictions: map[int][]Contradiction{}, Mismatches: map[int][]Contradiction{}, SniffedHTTP: map[int][]Contradiction{}}
	for si, ports := range m.ServicePorts {
		var declared []PortFacts
		for _, p := range ports {
			if p.Ignored == "" && p.Protocol != "tcp" {
				declared = append(declared, p)
			}
		}
		if len(declared) == 0 {
			continue
		}
		if behind == nil {
			// the workloads the model found behind each Service (Analyze
			// selected them, leaving Istio's own out): BackendsOf reads
			// their pod templates without matching every workload again
			behind = map[int][]Workload{}
			for _, p := range m.ServiceWorkloads {
				if w, ok := workloadOf(p[1], objects[p[1]], s.Namespace); ok {
					behind[p[0]] = append(behind[p[0]], w)
				}
			}
		}
		svc := objects[si]
		pods := BackendsOf(svc, s.Namespace, behind[si])
		items, _ := field(svc, "spec", "ports").([]any)
		for _, p := range declared {
			item, _ := items[p.Index].(map[string]any)
			q := PortQuery{Service: text(field(svc, "metadata", "name")), Namespace: objNS(svc, s.Namespace), Labels: StringMap(field(svc, "metadata", "labels")), Item: item, NPorts: len(items), Pods: pods}
			ev := Collect(q, src.Sources())
			if p.Protocol == "" {
				if inf := Rank(ev); inf.Protocol.IsHTTP() {
					out.SniffedHTTP[si] = append(out.SniffedHTTP[si], Contradiction{Index: p.Index, Field: p.Field, Value: p.Value, Declared: Parse(p.Protocol), Inference: inf})
				}
				continue
			}
			d := Parse(p.Protocol)
			if inf, ok := Contradicts(d, ev); ok {
				out.Contradictions[si] = append(out.Contradictions[si], Contradiction{Index: p.Index, Field: p.Field, Value: p.Value, Declared: d, Inference: inf})
			}
			if inf, ok := Mismatch(d, ev); ok {
				out.Mismatches[si] = append(out.Mismatches[si], Contradiction{Index: p.Index, Field: p.Field, Value: p.Value, Declared: d, Inference: inf})
			}
		}
	}
	return out
}
