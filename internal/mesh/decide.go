package mesh

import "strings"

// Decide applies the rule the KRM function, the chart fixer and lint's
// suggestions share to one Service port, with the protocol the target Istio
// release v selects: a port that declares no protocol gets Infer's; one
// whose declared protocol Mismatch or strong evidence (Contradicts)
// contradicts gets the corrected one. ok is false when the port stays as it
// is: UDP and SCTP (Istio does not proxy them), an explicit appProtocol (the
// user's word), or a declared protocol nothing contradicts.
func Decide(v Version, p Port, ev Evidence) (inf Inference, ok bool) {
	if strings.EqualFold(p.Protocol, "UDP") || strings.EqualFold(p.Protocol, "SCTP") {
		return Inference{}, false
	}
	declared := SelectFor(v, p)
	switch {
	case declared == Unsupported:
		return Infer(ev), true
	case p.AppProtocol != "":
		return Inference{}, false
	}
	if inf, ok := Mismatch(declared, ev); ok {
		return inf, true
	}
	return Contradicts(declared, ev) // port-protocol-evidence
}

// PortOf reads a Service port item of a decoded object.
func PortOf(item map[string]any) Port {
	n, _ := Number(item["port"])
	return Port{
		Name:        text(item["name"]),
		AppProtocol: text(item["appProtocol"]),
		Port:        n,
		Protocol:    text(item["protocol"]),
	}
}
