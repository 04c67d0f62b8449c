package mesh

import (
	"strings"
	"testing"
)

// TestOOMTLSSwitch: the side of OOM's TLS switch a rendered Service port
// is, read against the chart's service.ports (values of our own, in the
// shapes OOM's charts use), and how it ranks.
func TestOOMTLSSwitch(t *testing.T) {
	const api = `
service:
  type: ClusterIP
  ports:
    - name: api
      port: 8443
      plain_port: 8080
      port_protocol: http
    - name: debug
      port: 5005
`
	const both = `
service:
  both_tls_and_plain: true
  ports:
    - name: web
      port: 9443
      plain_port: 9080
      port_protocol: http
`
	const bare = `
service:
  ports:
    - {name: stream, port: 7443, plain_port: 7080}
    - {name: rpc, port: 6443, plain_port: 6080, port_protocol: grpc}
`
	for _, c := range []struct {
		name, values string
		port         int32
		target       any
		url          string   // a client URL in the tree
		want         Instance // the ranked decision
		kinds        []ClueKind
		where        string
	}{
		{"TLS side, http", api, 8443, "api", "", HTTPS, []ClueKind{KindServer}, "values.yaml:5"},
		{"plain side, http", api, 8080, "api", "", HTTP, []ClueKind{KindServer}, "values.yaml:5"},
		{"both sides: the -plain port", both, 9080, "web-plain", "", HTTP, []ClueKind{KindServer}, "values.yaml:5"},
		{"both sides: the TLS port", both, 9443, "web", "", HTTPS, []ClueKind{KindServer}, "values.yaml:5"},
		{"-plain without both_tls_and_plain is not the entry", api, 8080, "api-plain", "", TCP, nil, ""},
		{"no port_protocol, TLS side", bare, 7443, "stream", "", TLS, []ClueKind{KindServer}, "values.yaml:4"},
		{"no port_protocol, plain side says nothing", bare, 7080, "stream", "", TCP, nil, ""},
		{"grpc over TLS is tls", bare, 6443, "rpc", "", TLS, []ClueKind{KindServer}, "values.yaml:5"},
		{"grpc plain", bare, 6080, "rpc", "", GRPC, []ClueKind{KindServer}, "values.yaml:5"},
		{"another container port", api, 8443, "other", "", HTTPS, []ClueKind{KindTLSPort}, ""},
		{"a number targetPort is not OOM's common.servicePorts", api, 8080, int64(8080), "", TCP, nil, ""},
		{"an entry without plain_port", api, 5005, "debug", "", TCP, nil, ""},
		// the server's own configuration outranks a client calling otherwise
		{"beats a client's http://", api, 8443, "api", "x: http://svc:8443/", HTTPS, []ClueKind{KindServer}, "values.yaml:5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := PortQuery{Service: "svc", Namespace: "onap", Item: map[string]any{"port": int64(c.port), "targetPort": c.target}, NPorts: 2,
				OOMPorts: ParseOOMServicePorts([]byte(c.values), "values.yaml")}
			ix := NewURLIndex()
			if c.url != "" {
				ix.AddText(c.url, "onap", func(int) string { return "other/values.yaml:1" })
			}
			inf := Rank(Collect(q, Sources{URLs: []*URLIndex{ix}}))
			if inf.Protocol != c.want {
				t.Fatalf("decided %s, want %s: %s", inf.Protocol, c.want, inf.Reason)
			}
			var kinds []ClueKind
			for _, e := range inf.Evidence {
				kinds = append(kinds, e.Kind)
			}
			if strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(c.kinds), ",") {
				t.Errorf("decided by %v, want %v: %s", kinds, c.kinds, inf.Reason)
			}
			if c.where != "" && (len(inf.Evidence) == 0 || inf.Evidence[0].Where != c.where || !strings.Contains(inf.Evidence[0].What, "common.needTLS")) {
				t.Errorf("evidence %+v, want OOM's switch at %s", inf.Evidence, c.where)
			}
			if c.url != "" && len(inf.Conflicts) != 1 {
				t.Errorf("the client's http:// is not reported as conflicting: %s", inf.Reason)
			}
		})
	}
}

func TestParseOOMServicePortsIgnoresOtherText(t *testing.T) {
	for _, text := range []string{"", "plain_port: [", "service: {ports: {plain_port: 1}}", "service:\n  ports:\n    - {name: a, port: 80, plain_port: 80}\n"} {
		if got := ParseOOMServicePorts([]byte(text), "v.yaml"); len(got) != 0 {
			t.Errorf("%q: got %+v", text, got)
		}
	}
}

func kindStrings(ks []ClueKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
