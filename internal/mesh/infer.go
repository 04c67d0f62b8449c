package mesh

import (
	"fmt"
	"strconv"
	"strings"
)

// WellKnownTCP names the server-first or binary protocols on well-known
// ports: sniffing breaks them and naming them http is wrong.
var WellKnownTCP = map[int32]string{
	9092: "Kafka",
	2181: "ZooKeeper client", 2888: "ZooKeeper peer", 3888: "ZooKeeper leader election",
	2379: "etcd client", 2380: "etcd peer",
	3306:  "MySQL",
	5432:  "PostgreSQL",
	27017: "MongoDB",
	6379:  "Redis",
	9042:  "Cassandra CQL", 7000: "Cassandra inter-node", 7001: "Cassandra inter-node TLS",
	7199: "Cassandra JMX", 9160: "Cassandra Thrift",
	4567: "MariaDB Galera replication", 4568: "MariaDB Galera IST", 4444: "MariaDB Galera SST",
	9300: "Elasticsearch transport",
	5672: "AMQP",
}

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
}

// Inference is a protocol and why.
type Inference struct {
	Protocol Instance
	Reason   string
	// FromTable: the user's table decided (it overrides declared names too).
	FromTable bool
}

// Infer picks the protocol a port most likely carries, in order of
// strength: the user's table, a well-known TCP port, TLS evidence (an HTTPS
// probe, TLS settings, a *443 port: naming a TLS port http breaks it),
// the port name, an HTTP probe, and TCP as the safe default.
func Infer(e Evidence) Inference {
	if p, key, ok := e.lookupTable(); ok {
		return Inference{Protocol: p, Reason: fmt.Sprintf("the protocol table maps %s to %s", key, p.Prefix()), FromTable: true}
	}
	if what, port, ok := wellKnown(e.Port, e.TargetPort); ok {
		return Inference{Protocol: TCP, Reason: fmt.Sprintf("port %d is %s", port, what)}
	}
	switch {
	case e.HTTPSProbe:
		return Inference{Protocol: HTTPS, Reason: "an HTTPS probe targets the port"}
	case e.TLS:
		return Inference{Protocol: HTTPS, Reason: e.TLSReason}
	case isTLSPort(e.Port) || isTLSPort(e.TargetPort):
		return Inference{Protocol: HTTPS, Reason: "the port number is a TLS port (*443)"}
	}
	for i, n := range []string{e.Name, e.TargetName} {
		if p, word, ok := fromName(n); ok {
			whose := "the port name"
			if i == 1 {
				whose = "the container port name"
			}
			if word != n {
				return Inference{Protocol: p, Reason: fmt.Sprintf("%s %q says %s (%q)", whose, n, p.Prefix(), word)}
			}
			return Inference{Protocol: p, Reason: fmt.Sprintf("%s %q says %s", whose, n, p.Prefix())}
		}
	}
	if e.HTTPProbe {
		return Inference{Protocol: HTTP, Reason: "an HTTP probe targets the port"}
	}
	return Inference{Protocol: TCP, Reason: "nothing shows an application protocol; tcp is the safe default"}
}

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
	// An httpGet probe on the port proves it speaks HTTP, whatever its number.
	if declared.IsHTTP() && !e.HTTPProbe && !e.HTTPSProbe {
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
	for _, p := range ports {
		if what, ok := WellKnownTCP[p]; ok {
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
