package chartsource

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	for _, c := range []struct {
		name, text string
		err        bool
		root       bool // a mapping root
	}{
		{"mapping", "a: 1\n", false, true},
		{"empty", "", false, false},
		{"null", "~\n", false, false},
		{"list", "- a\n", true, false},
		{"scalar", "hello\n", true, false},
		{"broken", "a: [\n", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseValues("values.yaml", []byte(c.text))
			if (err != nil) != c.err {
				t.Fatalf("err %v, want error %v", err, c.err)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "values.yaml: ") {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if (d.Root != nil) != c.root {
				t.Errorf("root %v, want a mapping %v", d.Root, c.root)
			}
		})
	}
}

func TestValuesLinesAndOffsets(t *testing.T) {
	d, err := ParseValues("v", []byte(BOM+"a: 1\r\nbé: xyz\nc: 3"))
	if err != nil {
		t.Fatal(err)
	}
	if d.NumLines() != 3 || d.Line(0) != BOM+"a: 1" || d.Line(1) != "bé: xyz" || d.Line(2) != "c: 3" || d.Line(3) != "" {
		t.Errorf("lines %d %q %q %q", d.NumLines(), d.Line(0), d.Line(1), d.Line(2))
	}
	b := d.Find([]any{"bé"})
	if off := d.Offset(b.Line, b.Column); d.Content[off:off+3] != "xyz" {
		t.Errorf("offset of bé's value at %d: %q", off, d.Content[off:])
	}
	a := d.Find([]any{"a"})
	if off := d.Offset(a.Line, a.Column); d.Content[off:off+1] != "1" {
		t.Errorf("offset after the BOM: %q", d.Content[off:])
	}
	if d.LineStart(2) != strings.Index(d.Content, "c:") || d.LineStart(9) != len(d.Content) || d.Offset(9, 1) != -1 {
		t.Error("line starts")
	}
}

func TestValuesFindLookup(t *testing.T) {
	text := `base: &b
  port: 80
svc:
  name: api
  name: web
  ports:
  - name: http
  - name: grpc
alias: *b
merged:
  <<: *b
empty: {}
`
	d, err := ParseValues("v", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []any
		want string // value@line, "" for nil
	}{
		{[]any{"svc", "name"}, "web@5"}, // the last of repeated keys, as Helm reads
		{[]any{"svc", "ports", 1, "name"}, "grpc@8"},
		{[]any{"alias", "port"}, "80@2"}, // through the alias
		{[]any{"merged", "port"}, ""},    // not through a merge key
		{[]any{"svc", "ports", 2}, ""},
		{[]any{"svc", "ports", -1}, ""},
		{[]any{"svc", "name", "x"}, ""},
	} {
		got := ""
		if n := d.Find(c.path); n != nil {
			got = fmt.Sprintf("%s@%d", n.Value, n.Line)
		}
		if got != c.want {
			t.Errorf("Find(%v) = %q, want %q", c.path, got, c.want)
		}
	}
	for _, c := range []struct {
		path []string
		want string // value@line of the key, "-" when not set
	}{
		{[]string{"svc", "name"}, "web@5"},
		{[]string{"svc", "ports"}, "@6"}, // set, not a scalar
		{[]string{"alias", "port"}, "80@2"},
		{[]string{"svc", "missing"}, "-"},
		{[]string{"empty"}, "@12"},
	} {
		got := "-"
		if line, v, ok := d.Lookup(c.path); ok {
			got = fmt.Sprintf("%s@%d", v, line)
		}
		if got != c.want {
			t.Errorf("Lookup(%v) = %q, want %q", c.path, got, c.want)
		}
	}
	var scalars []string
	for _, s := range d.Scalars() {
		scalars = append(scalars, fmt.Sprintf("%s=%s@%d", strings.Join(s.Path, "."), s.Value, s.Line))
	}
	want := []string{"base.port=80@2", "svc.name=api@4", "svc.name=web@5", "svc.ports.name=http@7", "svc.ports.name=grpc@8"}
	if !slices.Equal(scalars[:len(want)], want) {
		t.Errorf("scalars %v, want %v first", scalars, want)
	}
	var maps []string
	for _, m := range d.Maps() {
		maps = append(maps, fmt.Sprintf("%s@%d", strings.Join(m.Path, "."), m.Node.Line))
	}
	if !slices.Contains(maps, "svc.ports@7") || !slices.Contains(maps, "svc.ports@8") || !slices.Contains(maps, "empty@12") {
		t.Errorf("maps %v lack the list items or the empty map", maps)
	}
}
