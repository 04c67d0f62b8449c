package mesh

import (
	"fmt"
	"strconv"
	"strings"
)

// WellKnownTCP names the server-first or binary protocols on well-known
// ports: sniffing breaks them and naming them http is wrong. It is the tcp
// part of the ports table in wellknown.yaml.
var WellKnownTCP = builtinKnown().tcpPorts()

// tcpNames are port-name words that mean a TCP protocol.
var tcpNames = map[string]bool{
	"kafka": true, "zookeeper": true, "zk": true, "etcd": true,
	"postgres": true, "postgresql": true, "pg": true, "mariadb": true, "galera": true,
	"mongodb": true, "cassandra": true, "cql": true, "thrift": true,
	"transport": true, "amqp": true, "rabbitmq": true, "jdbc": true,
}

// httpNames are port-name words that mean HTTP.
var httpNames = map[string]bool{
	"metrics": true, "prometheus": true, "api": true, "ui": true, "rest": true, "web": true,
}

// Evidence is what is known about one Service port and the container port
// it reaches.
type Evidence struct {
	Port int32
	Name string
	// TargetPort is the container port number (0 when unknown).
	TargetPort int32
	// TargetName is the container port name (when known).
	TargetName string
	// HTTPProbe: an httpGet probe (scheme HTTP) hits the container port.
	HTTPProbe bool
	// HTTPSProbe: an httpGet probe with scheme HTTPS hits the container port.
	HTTPSProbe bool
	// TLS: the workload configures TLS for the port (env, mounted certificates).
	TLS bool
	// TLSReason says where TLS was seen.
	TLSReason string
	// Table is the user's table: port number or name -> protocol name.
	Table map[string]string
	// Clues are what the collector found beyond the pods (Collect).
	Clues []Clue
}

// Inference is a protocol and why.
type Inference struct {
	Protocol Instance
	Reason   string
	// FromTable: the user's table decided (it overrides declared names too).
	FromTable bool
	// Evidence decided; Conflicts are clues of the same strength that
	// disagree (see evidence_rank.go).
	Evidence, Conflicts []Clue
}

// Infer picks the protocol a port most likely carries: Rank's ranking of
// the evidence (evidence_rank.go).
func Infer(e Evidence) Inference { return Rank(e) }

// Mismatch tells whether a declared protocol contradicts what is known:
// the user's table says otherwise, or an HTTP-family name sits on a
// well-known TCP port (the port-protocol-mismatch rule).
func Mismatch(declared Instance, e Evidence) (Inference, bool) {
	if p, key, ok := e.lookupTable(); ok {
		if p != declared {
			return Inference{Protocol: p, Reason: fmt.Sprintf("the protocol table maps %s to %s", key, p.Prefix()), FromTable: true}, true
		}
		return Inference{}, false
	}
	// An httpGet probe on the port, or strong evidence (clients calling it
	// with http://), proves it speaks HTTP, whatever its number.
	// https counts: Istio expects TLS there, which a binary protocol's
	// well-known port does not carry either (port-protocol-mismatch).
	if (declared.IsHTTP() || declared == HTTPS) && !e.HTTPProbe && !e.HTTPSProbe && !e.strongHTTP() {
		if what, port, ok := wellKnown(e.Port, e.TargetPort); ok {
			return Inference{Protocol: TCP, Reason: fmt.Sprintf("port %d is %s, not %s", port, what, declared.Prefix())}, true
		}
	}
	return Inference{}, false
}

// lookupTable finds the port in the user's table by number, then name.
func (e Evidence) lookupTable() (Instance, string, bool) {
	if len(e.Table) == 0 {
		return "", "", false
	}
	keys := []string{strconv.Itoa(int(e.Port))}
	if e.TargetPort != 0 && e.TargetPort != e.Port {
		keys = append(keys, strconv.Itoa(int(e.TargetPort)))
	}
	keys = append(keys, e.Name)
	if e.TargetName != "" {
		keys = append(keys, e.TargetName)
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if v, ok := e.Table[k]; ok {
			if p := Parse(v); p != Unsupported {
				return p, fmt.Sprintf("%q", k), true
			}
		}
	}
	return "", "", false
}

func wellKnown(ports ...int32) (string, int32, bool) {
	tcp := Known().tcp // the built-in WellKnownTCP and the user's tcp entries
	for _, p := range ports {
		if what, ok := tcp[p]; ok {
			return what, p, true
		}
	}
	return "", 0, false
}

// isTLSPort matches 443 and the *443 convention (8443, 9443, ...).
func isTLSPort(p int32) bool { return p == 443 || p > 1000 && p%1000 == 443 }

// fromName reads a protocol from the words of a port name.
func fromName(name string) (Instance, string, bool) {
	if name == "" {
		return "", "", false
	}
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	// Strong words first, so "kafka-metrics" is http and "grpc-api" is grpc.
	for _, w := range words {
		if w == "metrics" || w == "prometheus" {
			return HTTP, w, true
		}
	}
	for _, w := range words {
		switch {
		case w == "https" || w == "tls" || w == "ssl":
			return HTTPS, w, true
		case w == "grpc":
			return GRPC, w, true
		}
	}
	for _, w := range words {
		if tcpNames[w] {
			return TCP, w, true
		}
	}
	for _, w := range words {
		if httpNames[w] || strings.HasPrefix(w, "http") {
			return HTTP, w, true
		}
	}
	return "", "", false
}

// MeshProtocols are the protocols a user may name in the table or config.
var MeshProtocols = []Instance{HTTP, HTTP2, HTTPS, GRPC, GRPCWeb, TCP, TLS, Mongo, MySQL, Redis}

// ParseMesh reads a protocol a port may be given; UDP and Istio's
// internal values are refused.
func ParseMesh(s string) (Instance, bool) {
	p := Parse(s)
	for _, m := range MeshProtocols {
		if p == m {
			return p, true
		}
	}
	return "", false
}
