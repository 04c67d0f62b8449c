// Package protocol is meshready's knowledge of service-port protocols: how
// Istio selects a port's protocol (istio.go, a port of istio/istio
// pkg/config/protocol and pkg/config/kube ConvertProtocol), what protocol a
// port most likely carries (infer.go), and how ports are named (name.go).
// The Rego rules implement the same selection in policies/lib; the case
// table testdata/selection.tsv is shared by both.
package mesh

import "strings"

// Instance is an Istio protocol, spelled as Istio spells it.
type Instance string

const (
	GRPC        Instance = "GRPC"
	GRPCWeb     Instance = "GRPC-Web"
	HTTP        Instance = "HTTP"
	HTTPProxy   Instance = "HTTP_PROXY"
	HTTP2       Instance = "HTTP2"
	HTTPS       Instance = "HTTPS"
	TCP         Instance = "TCP"
	TLS         Instance = "TLS"
	UDP         Instance = "UDP"
	Mongo       Instance = "Mongo"
	Redis       Instance = "Redis"
	MySQL       Instance = "MySQL"
	Unsupported Instance = "UnsupportedProtocol"
)

// Parse reads a protocol name case-insensitively, as Istio's protocol.Parse.
func Parse(s string) Instance {
	switch strings.ToLower(s) {
	case "tcp":
		return TCP
	case "udp":
		return UDP
	case "grpc":
		return GRPC
	case "grpc-web":
		return GRPCWeb
	case "http":
		return HTTP
	case "http_proxy":
		return HTTPProxy
	case "http2":
		return HTTP2
	case "https":
		return HTTPS
	case "tls":
		return TLS
	case "mongo":
		return Mongo
	case "redis":
		return Redis
	case "mysql":
		return MySQL
	}
	return Unsupported
}

// IsHTTP is true for protocols carried over HTTP (Istio's IsHTTP).
func (i Instance) IsHTTP() bool {
	switch i {
	case HTTP, HTTP2, HTTPProxy, GRPC, GRPCWeb:
		return true
	}
	return false
}

// Prefix is the lower-case spelling used in port names and appProtocol.
func (i Instance) Prefix() string { return strings.ToLower(string(i)) }

// Port is what Istio looks at to select a Service port's protocol.
type Port struct {
	Name string
	// AppProtocol is the port's appProtocol; empty means unset (Kubernetes
	// rejects an empty appProtocol, so the two cannot be told apart anyway).
	AppProtocol string
	Port        int32
	// Protocol is the transport: TCP (or empty), UDP or SCTP.
	Protocol string
}

// istioWellKnownPorts are the ports Istio treats as TCP when the name says
// nothing (server-first protocols that sniffing would break).
var istioWellKnownPorts = map[int32]bool{25: true, 53: true, 3306: true, 27017: true}

// Select returns the protocol Istio uses for a Service port, following
// pkg/config/kube ConvertProtocol: UDP is exempt, appProtocol wins over the
// name, a name counts as `<proto>` or `<proto>-<suffix>` (case-insensitive,
// "grpc-web" matched before the first '-'), and a few well-known ports fall
// back to TCP. Unsupported means Istio sniffs the protocol.
func Select(p Port) Instance { return SelectFor(LatestVersion, p) }

// SelectFor is Select as Istio release v does it: kubernetes.io/h2c is
// HTTP2 in every covered release, kubernetes.io/ws and kubernetes.io/wss are
// HTTP and HTTPS from 1.24 (before, they select nothing and Istio sniffs).
func SelectFor(v Version, p Port) Instance {
	if strings.EqualFold(p.Protocol, "UDP") {
		return UDP
	}
	name := p.Name
	if p.AppProtocol != "" {
		name = p.AppProtocol
		// Matched exactly, as ConvertProtocol's switch does.
		switch {
		case name == "kubernetes.io/h2c":
			return HTTP2
		case name == "kubernetes.io/ws" && v.orLatest().AtLeast(appProtocolWebSocket):
			return HTTP
		case name == "kubernetes.io/wss" && v.orLatest().AtLeast(appProtocolWebSocket):
			return HTTPS
		}
	}
	if len(name) >= len(GRPCWeb) && strings.EqualFold(name[:len(GRPCWeb)], string(GRPCWeb)) {
		return GRPCWeb
	}
	if i := strings.IndexByte(name, '-'); i >= 0 {
		name = name[:i]
	}
	out := Parse(name)
	if out == Unsupported && istioWellKnownPorts[p.Port] {
		return TCP
	}
	return out
}

// Declared reports whether Istio release v selects the port's protocol
// without sniffing: by appProtocol, by name, or by a well-known port. UDP
// counts as declared, since Istio does not proxy it.
func Declared(v Version, p Port) bool { return SelectFor(v, p) != Unsupported }
