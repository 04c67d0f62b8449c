package mesh

import (
	"fmt"
	"sort"
	"strings"
)

// A Clue is one piece of evidence about the protocol a Service port
// carries: what it says, how strong it is and where it was seen.
type Clue struct {
	Protocol Instance
	Kind     ClueKind
	Strength int
	// What is the evidence itself: "`http://msb-discovery:10081`", "an
	// HTTPS probe", "image consul serves 8500".
	What string
	// Where is the file:line in the chart tree, or the rendered object and
	// field ("" when the evidence is the port itself).
	Where string
}

// ClueKind says what kind of evidence a Clue is.
type ClueKind string

// Kinds of evidence.
const (
	KindTable     ClueKind = "table"      // the user's port table
	KindWellKnown ClueKind = "well-known" // a well-known binary-protocol port (wellknown.yaml, tcp)
	KindClientURL ClueKind = "client-url" // a client calls the Service with scheme://host:port
	KindServer    ClueKind = "server"     // the server's own configuration for the port (Spring Boot, restServerParameters, nginx)
	KindTLSHint   ClueKind = "tls-hint"   // TLS switched on container-wide (a *TLS*/*SSL* env, mounted certificates)
	KindProbe     ClueKind = "probe"      // an httpGet (scheme) or grpc probe on the port
	KindTLSPort   ClueKind = "tls-port"   // a *443 port number
	KindName      ClueKind = "name"       // a word of the port's or the container port's name
	KindScrape    ClueKind = "scrape"     // prometheus.io annotations, ServiceMonitor/PodMonitor endpoints
	KindRoute     ClueKind = "route"      // an Ingress or VirtualService http route to the port
	KindImage     ClueKind = "image"      // well-known software (wellknown.yaml images)
	KindIANA      ClueKind = "iana"       // an IANA well-known port (wellknown.yaml ports, http/https)
)

// The ranking. Evidence of the highest strength present decides; a lower
// one never outvotes it. Within the deciding strength, agreeing clues
// decide; disagreeing ones are a conflict: the TLS side wins (a TLS port
// named http breaks, one named https at worst loses HTTP features), then
// the protocol most clues name. Inference.Conflicts lists every strong
// clue (StrengthStrong or more) that disagrees with the decision, of the
// deciding strength or overruled, so that every caller prints it. Nothing
// at all: tcp, the safe default.
const (
	StrengthTable = 100 // the user said so
	// StrengthServer: what the server itself is told to serve on the port
	// (its configuration) or answers a probe with: it beats a client
	// that calls it otherwise (SO's 8080 is plain Spring Boot; one policy
	// config calls it with https://).
	StrengthServer = 85
	StrengthStrong = 80 // how clients call it; TLS switched on container-wide
	// StrengthWellKnown: the port number of a server-first or binary
	// protocol (sniffing and http names break it). Only a number: when the
	// tree's clients call the port with http:// (SO's adapters serve REST
	// on Kafka's 9092), they know better.
	StrengthWellKnown = 75
	StrengthTLSPort   = 70 // the *443 convention
	StrengthName      = 60 // the names the chart's authors gave the port
	StrengthUse       = 50 // an HTTP probe, a metrics scrape, an HTTP route
	StrengthImage     = 45 // well-known software on its own ports
	StrengthIANA      = 30 // an IANA port number alone
)

func (c Clue) String() string {
	s := c.Protocol.Prefix() + ": " + c.What
	if c.Where != "" {
		s += " in " + c.Where
	}
	return s
}

// clues turns what PortEvidence found, the user's table, the port's
// number and names, and the collector's Clues into one list.
func (e Evidence) allClues() []Clue {
	var out []Clue
	if p, key, ok := e.lookupTable(); ok {
		out = append(out, Clue{Protocol: p, Kind: KindTable, Strength: StrengthTable, What: fmt.Sprintf("the protocol table maps %s to %s", key, p.Prefix())})
	}
	if what, port, ok := wellKnown(e.Port, e.TargetPort); ok {
		out = append(out, Clue{Protocol: TCP, Kind: KindWellKnown, Strength: StrengthWellKnown, What: fmt.Sprintf("port %d is %s", port, what)})
	}
	if e.HTTPSProbe {
		out = append(out, Clue{Protocol: HTTPS, Kind: KindProbe, Strength: StrengthServer, What: "an HTTPS probe targets the port"})
	}
	if e.TLS {
		out = append(out, Clue{Protocol: HTTPS, Kind: KindTLSHint, Strength: StrengthStrong, What: e.TLSReason})
	}
	if isTLSPort(e.Port) || isTLSPort(e.TargetPort) {
		out = append(out, Clue{Protocol: HTTPS, Kind: KindTLSPort, Strength: StrengthTLSPort, What: "the port number is a TLS port (*443)"})
	}
	for i, n := range []string{e.Name, e.TargetName} {
		if p, word, ok := fromName(n); ok {
			whose := "the port name"
			if i == 1 {
				whose = "the container port name"
			}
			what := fmt.Sprintf("%s %q says %s", whose, n, p.Prefix())
			if word != n {
				what += fmt.Sprintf(" (%q)", word)
			}
			out = append(out, Clue{Protocol: p, Kind: KindName, Strength: StrengthName, What: what})
			break
		}
	}
	if e.HTTPProbe {
		out = append(out, Clue{Protocol: HTTP, Kind: KindProbe, Strength: StrengthUse, What: "an HTTP probe targets the port"})
	}
	out = append(out, e.Clues...)
	for _, n := range []int32{e.Port, e.TargetPort} {
		if n == 0 {
			continue
		}
		if pe, ok := Known().port(n); ok && pe.Protocol != TCP {
			out = append(out, Clue{Protocol: pe.Protocol, Kind: KindIANA, Strength: StrengthIANA, What: fmt.Sprintf("port %d is %s", n, pe.What)})
			break
		}
	}
	return out
}

// Rank combines the evidence by the ranking above.
func Rank(e Evidence) Inference {
	cs := e.allClues()
	if len(cs) == 0 {
		return Inference{Protocol: TCP, Reason: "nothing shows an application protocol; tcp is the safe default"}
	}
	// Stronger first; within a strength by kind and place, so that the
	// verdict and its wording do not depend on the order a renderer emitted
	// the objects in (lint mode and Helm-exact renders order them apart).
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Strength != b.Strength {
			return a.Strength > b.Strength
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Where != b.Where {
			return a.Where < b.Where
		}
		return a.What < b.What
	})
	top := cs[0].Strength
	var tier []Clue
	for _, c := range cs {
		if c.Strength == top {
			tier = append(tier, c)
		}
	}
	win := pick(tier)
	inf := Inference{Protocol: win, FromTable: top == StrengthTable}
	var used []Clue
	for _, c := range cs {
		switch {
		case c.Strength == top && c.Protocol == win:
			used = append(used, c)
		case c.Protocol != win && (c.Strength == top || c.Strength >= StrengthStrong):
			inf.Conflicts = append(inf.Conflicts, c)
		}
	}
	inf.Evidence = used
	inf.Reason = reasonOf(used, inf.Conflicts)
	return inf
}

// pick chooses within one strength: the TLS side, then the majority, then
// the first in Rank's order (kind, then place).
func pick(tier []Clue) Instance {
	count := map[Instance]int{}
	var order []Instance
	for _, c := range tier {
		if count[c.Protocol] == 0 {
			order = append(order, c.Protocol)
		}
		count[c.Protocol]++
	}
	if len(order) == 1 {
		return order[0]
	}
	best := order[0]
	for _, p := range order[1:] {
		bt, pt := best == HTTPS || best == TLS, p == HTTPS || p == TLS
		if pt && !bt || pt == bt && count[p] > count[best] {
			best = p
		}
	}
	return best
}

// reasonOf says which evidence decided, and what it overruled.
func reasonOf(used, conflicts []Clue) string {
	const max = 3
	var parts []string
	for i, c := range used {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(used)-max))
			break
		}
		parts = append(parts, c.String())
	}
	r := strings.Join(parts, "; ")
	if len(conflicts) > 0 {
		var cs []string
		for _, c := range conflicts {
			cs = append(cs, c.String())
		}
		r += "; CONFLICTING evidence (the stronger, then the TLS side, then the majority wins): " + strings.Join(cs, "; ")
	}
	return r
}

// strongHTTP: strong evidence says the port speaks HTTP (or HTTP over TLS).
func (e Evidence) strongHTTP() bool {
	for _, c := range e.Clues {
		if c.Strength >= StrengthStrong && (c.Protocol.IsHTTP() || c.Protocol == HTTPS) {
			return true
		}
	}
	return false
}

// Contradicts tells whether a declared protocol contradicts strong
// evidence (StrengthStrong or more) about the port itself that all agrees
// (the server's own word, when there is one):
// an http- port every client calls with https://. Container-wide TLS hints
// (an env switch, a mounted certificate or ssl.ini) are strong enough to
// name an unnamed port, not to overrule the chart author's name: SDC's
// front end mounts ssl.ini and serves plain HTTP on 8181 beside HTTPS. tcp and an undeclared protocol contradict
// nothing (tcp is always safe; port-protocol-name covers the rest), and
// the user's table is Mismatch's business.
func Contradicts(declared Instance, e Evidence) (Inference, bool) {
	if declared == TCP || declared == Unsupported || declared == "" {
		return Inference{}, false
	}
	var strong []Clue
	for _, c := range e.allClues() {
		if c.Kind == KindTable {
			return Inference{}, false
		}
		if c.Strength >= StrengthStrong && c.Kind != KindTLSHint {
			strong = append(strong, c)
		}
	}
	if len(strong) == 0 {
		return Inference{}, false
	}
	sort.SliceStable(strong, func(i, j int) bool { return strong[i].Strength > strong[j].Strength })
	if top := strong[0].Strength; top > StrengthStrong {
		k := 0
		for k < len(strong) && strong[k].Strength == top {
			k++
		}
		strong = strong[:k]
	}
	p := strong[0].Protocol
	for _, c := range strong[1:] {
		if c.Protocol != p {
			return Inference{}, false // conflicting: reported by Rank, not a verdict
		}
	}
	// plain against TLS breaks the connection; gRPC behind an http port
	// gets HTTP/1.1 upstream. http against http2 is a matter of taste.
	tls := func(x Instance) bool { return x == HTTPS || x == TLS }
	if tls(p) == tls(declared) && !(p == GRPC && declared != GRPC && declared != GRPCWeb) {
		return Inference{}, false
	}
	return Inference{Protocol: p, Reason: reasonOf(strong, nil), Evidence: strong}, true
}
