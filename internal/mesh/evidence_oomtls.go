package mesh

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/resource"
)

// OOM's TLS switch as server configuration. OOM's charts serve a port with
// or without TLS as common.needTLS decides: tlsOverride (per chart), else
// global.tlsEnabled, else TLS unless global.serviceMesh.enabled and
// global.serviceMesh.tls (the table in OOM's
// kubernetes/common/common/templates/_service.tpl, jakarta to master). The
// charts that list their ports under service.ports in values.yaml with a
// plain_port beside the port render them through common.servicePorts and
// common.containerPorts, which write, per entry {name, port, plain_port,
// port_protocol}:
//
//   - needTLS: port `port`, targetPort `name`, named `<port_protocol>s-<name>`;
//     with service.both_tls_and_plain also port `plain_port`, targetPort
//     `<name>-plain`, named `<port_protocol>-<name>`;
//   - otherwise: port `plain_port`, targetPort `name`, named `<port_protocol>-<name>`.
//
// So the render itself says which side of the switch a Service port is:
// Helm evaluated needTLS (the chart's values, the umbrella's and the
// user's) when it chose the number. A port rendered as `port` is the chart's
// server configured for TLS on it (port_protocol http: https; another or
// none: tls); one rendered as `plain_port` is configured without TLS, and
// says port_protocol when the entry gives one. Both are the server's own
// configuration for the port: StrengthServer, as Spring Boot's server.ssl
// and restServerParameters' "https" are. Other charts switch with their own
// ternaries in templates (sdc, aai: port `internalPort2` and name
// `portName` + "s"); what those render (names, probe schemes, server.ssl
// properties, https:// URLs) is read by the other collectors.

// OOMServicePort is one service.ports entry of an OOM chart's values.yaml
// that has both sides of the TLS switch.
type OOMServicePort struct {
	Name            string
	Port, PlainPort int32
	// Protocol is port_protocol ("" when the entry has none).
	Protocol string
	// BothSides is service.both_tls_and_plain: with TLS on, the plain port
	// is served too, as <name>-plain.
	BothSides bool
	// Where is values.yaml:line of the entry.
	Where string
}

// ParseOOMServicePorts reads the service.ports entries with a plain_port
// from a chart's values.yaml text; file names it in Where. Text that is not
// YAML, or has no such entries, gives none.
func ParseOOMServicePorts(b []byte, file string) []OOMServicePort {
	if !strings.Contains(string(b), "plain_port") {
		return nil
	}
	var values map[string]any
	if yaml.Unmarshal(b, &values) != nil {
		return nil
	}
	both, _ := field(values, "service", "both_tls_and_plain").(bool)
	var out []OOMServicePort
	for i, e := range mapItems(field(values, "service", "ports")) {
		port, ok1 := Number(e["port"])
		plain, ok2 := Number(e["plain_port"])
		name := text(e["name"])
		if !ok1 || !ok2 || name == "" || port == plain {
			continue
		}
		line, _ := resource.Locate(string(b), fmt.Sprintf("service.ports[%d]", i))
		out = append(out, OOMServicePort{Name: name, Port: port, PlainPort: plain, Protocol: strings.ToLower(text(e["port_protocol"])),
			BothSides: both, Where: fmt.Sprintf("%s:%d", file, line)})
	}
	return out
}

// oomTLSClues: the side of OOM's TLS switch the Service port p (reaching
// the container port named target) was rendered as.
func oomTLSClues(entries []OOMServicePort, p Port, target string) []Clue {
	var out []Clue
	for _, e := range entries {
		switch {
		case p.Port == e.Port && target == e.Name:
			pr := TLS
			if e.Protocol == "http" || e.Protocol == "https" {
				pr = HTTPS
			}
			out = append(out, Clue{Protocol: pr, Kind: KindServer, Strength: StrengthServer,
				What:  fmt.Sprintf("OOM's common.needTLS is on for the chart: service.ports %s (port_protocol %q) serves %d with TLS, plain_port %d without", e.Name, e.Protocol, e.Port, e.PlainPort),
				Where: e.Where})
		case p.Port == e.PlainPort && (target == e.Name || e.BothSides && target == e.Name+"-plain"):
			pr, ok := ParseMesh(e.Protocol)
			if !ok || e.Protocol == "" || pr == HTTPS || pr == TLS {
				continue // plain says no TLS, not what runs over it
			}
			out = append(out, Clue{Protocol: pr, Kind: KindServer, Strength: StrengthServer,
				What:  fmt.Sprintf("OOM's common.needTLS is off for the chart: service.ports %s (port_protocol %q) serves plain_port %d without TLS", e.Name, e.Protocol, e.PlainPort),
				Where: e.Where})
		}
	}
	return out
}
