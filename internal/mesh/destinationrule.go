package mesh

import "strings"

// RootNamespace is meshConfig.rootNamespace's default: DestinationRules there
// apply mesh-wide, after the client's and the service's own.
const RootNamespace = "istio-system"

// DestRule is a DestinationRule as Istio indexes it: its namespace, its
// spec.host resolved in that namespace (ResolveHost) and its exportTo.
type DestRule struct {
	Index    int
	NS, Host string
	ExportTo []string
}

// visibleTo: exportTo lets clients in ns see the rule (unset or "*": every
// namespace, ".": its own, "~": none, else the namespaces listed). Clients
// in the rule's own namespace always use it (the namespace-local index).
func (d DestRule) visibleTo(ns string) bool {
	if len(d.ExportTo) == 0 {
		return true
	}
	for _, e := range d.ExportTo {
		if e == "*" || e == ns || e == "." && d.NS == ns {
			return true
		}
	}
	return false
}

// EffectiveDestinationRules are the DestinationRules that apply to traffic
// from a proxy in namespace client to the Service host svcHost in namespace
// svcNS, as pilot/pkg/model/push_context.go destinationRule (1.30.0,
// :1234-1300) picks them: the rules of the client's namespace (the root
// namespace's for a proxy there), else those the service's namespace
// exports to the client, else those the root namespace exports to it; within
// each, MostSpecificHostMatch (pilot/pkg/model/config.go:265-303): the exact
// host, else the longest matching wildcard. Rules with that same host in one
// namespace are merged (all are returned). A DestinationRule's
// workloadSelector is not modelled.
func EffectiveDestinationRules(drs []DestRule, client, svcHost, svcNS string) []int {
	pick := func(ns string, visible bool) []int {
		var cands []DestRule
		for _, d := range drs {
			if d.NS == ns && (!visible || d.visibleTo(client)) {
				cands = append(cands, d)
			}
		}
		return mostSpecificHost(cands, svcHost)
	}
	if out := pick(client, false); len(out) > 0 {
		return out
	}
	if client == RootNamespace {
		return nil
	}
	if out := pick(svcNS, true); len(out) > 0 {
		return out
	}
	if svcNS == RootNamespace {
		return nil
	}
	return pick(RootNamespace, true)
}

// mostSpecificHost: the rules whose host is needle, else those whose
// wildcard host is the longest one matching it.
func mostSpecificHost(cands []DestRule, needle string) []int {
	best := ""
	for _, d := range cands {
		switch {
		case d.Host == needle:
			best = needle
		case best != needle && strings.HasPrefix(d.Host, "*") && strings.HasSuffix(needle, d.Host[1:]) && len(d.Host) > len(best):
			best = d.Host
		}
	}
	var out []int
	for _, d := range cands {
		if best != "" && d.Host == best {
			out = append(out, d.Index)
		}
	}
	return out
}
