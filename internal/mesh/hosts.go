package mesh

import (
	"net/netip"
	"strings"
)

// DefaultClusterDomain is Kubernetes' and Istio's default domain suffix.
const DefaultClusterDomain = "cluster.local"

// ResolveHost is the host an Istio config in namespace ns means, as
// pilot/pkg/model/config.go ResolveShortnameToFQDN (1.20-1.30) resolves it:
// "*" and IP addresses stay, a short name (no dot) becomes
// name.ns.svc.<domain>, and anything holding a dot is taken as written, so
// "name.namespace" is not expanded and reaches no Kubernetes Service.
func ResolveHost(host, ns, domain string) string {
	if host == "" || host == "*" {
		return host
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return host
	}
	if !strings.Contains(host, ".") {
		out := host
		if ns != "" {
			out += "." + ns
		}
		if domain != "" {
			out += ".svc." + domain
		}
		return out
	}
	return host
}

// ServiceHost is the hostname Istio gives a Kubernetes Service.
func ServiceHost(name, ns, domain string) string {
	return name + "." + ns + ".svc." + domainOr(domain)
}

// HostsMatch is pkg/config/host Name.Matches: a leading "*" matches any
// suffix after it ("*.local", "*" itself), two wildcards match when one's
// suffix ends the other's, else the names must be equal.
func HostsMatch(a, b string) bool {
	aw, bw := strings.HasPrefix(a, "*"), strings.HasPrefix(b, "*")
	switch {
	case aw && bw:
		if len(a) < len(b) {
			return strings.HasSuffix(b[1:], a[1:])
		}
		return strings.HasSuffix(a[1:], b[1:])
	case aw:
		return strings.HasSuffix(b, a[1:])
	case bw:
		return strings.HasSuffix(a, b[1:])
	}
	return a == b
}

// HostSelectsService: a host written in a config of namespace ns reaches the
// Service name in namespace svcNS.
func HostSelectsService(host, ns, name, svcNS, domain string) bool {
	d := domainOr(domain)
	return HostsMatch(ResolveHost(host, ns, d), ServiceHost(name, svcNS, d))
}

func domainOr(d string) string {
	if d == "" {
		return DefaultClusterDomain
	}
	return d
}
