package mesh

import (
	"strconv"
	"testing"

	"github.com/meshready/meshready/internal/mesh/meshtest"
)

// selectionCase is one row of testdata/selection.tsv.
type selectionCase struct {
	row  meshtest.Row
	port Port
	want Instance
}

// readSelectionTable reads the shared case table ("-" is an empty field).
func readSelectionTable(t *testing.T) []selectionCase {
	t.Helper()
	var out []selectionCase
	for _, r := range meshtest.Table(t, "selection.tsv") {
		port, err := strconv.Atoi(r.Cols[2])
		if err != nil {
			t.Fatalf("%s: port %q: %v", r, r.Cols[2], err)
		}
		out = append(out, selectionCase{row: r, port: Port{Name: r.Cols[0], AppProtocol: r.Cols[1], Port: int32(port), Protocol: r.Cols[3]}, want: Instance(r.Cols[4])})
	}
	return out
}

func TestSelectTable(t *testing.T) {
	cases := readSelectionTable(t)
	if len(cases) < 40 {
		t.Fatalf("selection.tsv holds %d cases; expected the full table", len(cases))
	}
	for _, c := range cases {
		if got := Select(c.port); got != c.want {
			t.Errorf("selection.tsv:%d: Select(%+v) = %s, want %s", c.row.Line, c.port, got, c.want)
		}
		if got, want := Declared(LatestVersion, c.port), c.want != Unsupported; got != want {
			t.Errorf("selection.tsv:%d: Declared(%+v) = %v, want %v", c.row.Line, c.port, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Instance
	}{
		{"tcp", TCP}, {"http", HTTP}, {"HTTP", HTTP}, {"Http", HTTP}, {"https", HTTPS}, {"http2", HTTP2},
		{"grpc", GRPC}, {"grpc-web", GRPCWeb}, {"gRPC-Web", GRPCWeb}, {"udp", UDP}, {"Mongo", Mongo},
		{"REDIS", Redis}, {"MySQL", MySQL}, {"tls", TLS}, {"http_proxy", HTTPProxy},
		{"", Unsupported}, {"SMTP", Unsupported}, {"httpx", Unsupported},
	} {
		if got := Parse(c.in); got != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestPrefix(t *testing.T) {
	for in, want := range map[Instance]string{GRPCWeb: "grpc-web", HTTP2: "http2", TCP: "tcp", MySQL: "mysql"} {
		if got := in.Prefix(); got != want {
			t.Errorf("%s.Prefix() = %q, want %q", in, got, want)
		}
	}
}
