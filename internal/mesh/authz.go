package mesh

import (
	"sort"
	"strconv"
)

// ServedPort is a container port a workload serves, with the protocol
// Istio gives the Service port that reaches it.
type ServedPort struct {
	Number   int32
	Protocol Instance
}

// Operation is one `to.operation` of an ALLOW AuthorizationPolicy rule.
type Operation struct {
	Methods []string
	Ports   []string
}

// AllowOperations are the operations an ALLOW policy needs so that every
// served port stays reachable: HTTP methods only on ports Istio handles as
// HTTP, and the other ports (TCP, TLS, sniffed) by port alone. Istio
// ignores an ALLOW rule that uses HTTP-only fields such as methods on TCP
// traffic (istio.io/latest/docs/reference/config/security/authorization-policy:
// "HTTP-only fields ... for TCP traffic ... the rule will be ignored"), so a
// methods list on a TCP port denies it. With no known port, it is the
// methods alone, as before.
func AllowOperations(ports []ServedPort, methods []string) []Operation {
	http, other := map[string]bool{}, map[string]bool{}
	for _, p := range ports {
		n := strconv.Itoa(int(p.Number))
		if p.Protocol.IsHTTP() {
			http[n] = true
		} else {
			other[n] = true
		}
	}
	for n := range other {
		delete(http, n) // a port reached both ways keeps the rule without methods
	}
	if len(ports) == 0 {
		return []Operation{{Methods: methods}}
	}
	var out []Operation
	if len(http) > 0 {
		out = append(out, Operation{Methods: methods, Ports: sortedNumbers(http)})
	}
	if len(other) > 0 {
		out = append(out, Operation{Ports: sortedNumbers(other)})
	}
	return out
}

func sortedNumbers(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i])
		b, _ := strconv.Atoi(out[j])
		return a < b
	})
	return out
}
