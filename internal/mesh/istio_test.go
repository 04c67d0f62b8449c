package mesh

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// selectionCase is one row of testdata/selection.tsv.
type selectionCase struct {
	line int
	port Port
	want Instance
}

// readSelectionTable reads the shared case table ("-" is an empty field).
func readSelectionTable(t *testing.T) []selectionCase {
	t.Helper()
	f, err := os.Open("testdata/selection.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []selectionCase
	sc := bufio.NewScanner(f)
	header := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("selection.tsv:%d: %d columns, want 5", n, len(cols))
		}
		for i, c := range cols {
			if c == "-" {
				cols[i] = ""
			}
		}
		port, err := strconv.Atoi(cols[2])
		if err != nil {
			t.Fatalf("selection.tsv:%d: port %q: %v", n, cols[2], err)
		}
		out = append(out, selectionCase{line: n, port: Port{Name: cols[0], AppProtocol: cols[1], Port: int32(port), Protocol: cols[3]}, want: Instance(cols[4])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
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
			t.Errorf("selection.tsv:%d: Select(%+v) = %s, want %s", c.line, c.port, got, c.want)
		}
		if got, want := Declared(c.port), c.want != Unsupported; got != want {
			t.Errorf("selection.tsv:%d: Declared(%+v) = %v, want %v", c.line, c.port, got, want)
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
