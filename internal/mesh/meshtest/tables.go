// Package meshtest reads internal/mesh's conformance tables
// (internal/mesh/testdata/*.tsv), so the Go model, the Rego rules and the
// KRM function are tested against the same cases.
package meshtest

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Row is one case of a table: where it is and its columns ("-" read as "").
type Row struct {
	File string
	Line int
	Cols []string
}

func (r Row) String() string { return r.File + ":" + itoa(r.Line) }

// Table reads internal/mesh/testdata/<name>: tab-separated, '#' comments,
// one header line, every row with the header's number of columns.
func Table(t testing.TB, name string) []Row {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(self), "..", "testdata", name)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Row
	width := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if width == 0 {
			width = len(cols)
			continue
		}
		if len(cols) != width {
			t.Fatalf("%s:%d: %d columns, want %d", name, n, len(cols), width)
		}
		for i, c := range cols {
			if c == "-" {
				cols[i] = ""
			}
		}
		out = append(out, Row{File: name, Line: n, Cols: cols})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no cases", name)
	}
	return out
}

// Map reads "k=v;k=v" ("" is an empty map).
func Map(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	for _, kv := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
