package chartsource

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
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

func TestParseTemplate(t *testing.T) {
	text := "{{- /* a\nmulti-line comment */}}\nkind: Service\n\"quoted key\": x\n# yaml comment {{ .x }}\nspec:\n  ports:\n  {{- range .Values.ports }}\n  - name: {{ .name }}\n  {{- end }}\n{{ include \"x\" . }}\n{{ $k }}: v\n"
	want := []string{
		"Comment", "Comment", "Key kind@0 rest=Service", "Key quoted key@0 rest=x", "Comment", "Key spec@0",
		"Key ports@2", "Action depth=0 delta=1", "Key name@4 dash range rest={{ .name }}", "Action depth=1 delta=-1",
		"Action", "Other",
	}
	kinds := []string{"Blank", "Comment", "Action", "Key", "Other"}
	var got []string
	for _, l := range ParseTemplate(text) {
		s := kinds[l.Kind]
		if l.Kind == Key {
			s += fmt.Sprintf(" %s@%d", l.Key, l.KeyCol)
			if l.Dash {
				s += " dash"
			}
			if l.InRange {
				s += " range"
			}
			if l.Rest != "" {
				s += " rest=" + l.Rest
			}
		}
		if l.Delta != 0 {
			s += fmt.Sprintf(" depth=%d delta=%d", l.Depth, l.Delta)
		}
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ls := ParseTemplate("a: 1\r\nb: 2\n")
	if len(ls) != 2 || ls[1].Off != 6 || ls[0].Text != "a: 1" {
		t.Errorf("CRLF lines: %+v", ls)
	}
}

func TestPickRegion(t *testing.T) {
	obj := func(raw string) *resource.Resource {
		rs, err := resource.Parse("r", []byte(raw))
		if err != nil || len(rs) != 1 {
			t.Fatal(err)
		}
		return rs[0]
	}
	svc := obj("kind: Service\nmetadata:\n  name: a\nspec:\n  type: ClusterIP\n")
	for _, c := range []struct {
		name, tpl string
		want      string // start-end, or "none"
	}{
		{"one document", "kind: Service\n", "0-1"},
		{"the document of the kind", "kind: Deployment\n---\nkind: Service\n", "2-3"},
		{"most shared literal lines", "kind: {{ .k }}\nspec:\n  type: NodePort\n---\nkind: {{ .k }}\nspec:\n  type: ClusterIP\n", "4-7"},
		{"a document without content is not it", "# only a comment\n---\nkind: {{ .k }}\n", "2-3"},
		{"every document writes another kind", "kind: Deployment\n---\nkind: Job\n", "none"},
		{"a --- in a template comment does not split", "{{/*\n---\n*/}}\nkind: Service\n", "0-4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg, ok := PickRegion(ParseTemplate(c.tpl), svc)
			got := "none"
			if ok {
				got = fmt.Sprintf("%d-%d", reg[0], reg[1])
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{`"a b"`: "a b", `'x'`: "x", "plain # note": "plain", ` "q" # c`: "q", `"`: `"`} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateFile(t *testing.T) {
	sub := &charttree.Node{Name: "etcd", Dir: "/oom/common/etcd", Aliases: []string{"db"}}
	packaged := &charttree.Node{Name: "pkg"}
	g := &charttree.Node{Name: "app", Dir: "/oom/app", Deps: []*charttree.Node{sub, packaged}}
	for _, c := range []struct {
		source string
		want   string // chain names, file; or "error"
	}{
		{"app/templates/svc.yaml", "app /oom/app/templates/svc.yaml"},
		{"app/charts/db/templates/svc.yaml", "app,etcd /oom/common/etcd/templates/svc.yaml"},
		{"app/charts/pkg/templates/svc.yaml", "error"},
		{"app/charts/nope/templates/svc.yaml", "error"},
		{"", "error"},
	} {
		chain, file, err := TemplateFile(g, &resource.Resource{Source: c.source})
		got := "error"
		if err == nil {
			var names []string
			for _, n := range chain {
				names = append(names, n.Name)
			}
			got = strings.Join(names, ",") + " " + filepath.ToSlash(file)
		}
		if got != c.want {
			t.Errorf("TemplateFile(%q) = %q, want %q", c.source, got, c.want)
		}
	}
	if _, _, err := TemplateFile(nil, &resource.Resource{Source: "app/templates/x.yaml"}); err == nil {
		t.Error("no graph: no error")
	}
}

func TestCache(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(p, []byte("a: 1\r\nb: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := NewCache()
	if got := c.Lines(p); !slices.Equal(got, []string{"a: 1", "b: 2", ""}) {
		t.Errorf("lines %q", got)
	}
	v := c.Values(p)
	if v == nil || v.Find([]any{"b"}).Value != "2" {
		t.Fatalf("values %+v", v)
	}
	if err := os.WriteFile(p, []byte("b: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.Values(p) != v || c.Lines(p)[0] != "a: 1" {
		t.Error("a file is read more than once per cache")
	}
	if c.Lines(filepath.Join(dir, "missing")) != nil || c.Template(filepath.Join(dir, "missing")) != nil || c.Values(filepath.Join(dir, "missing")) != nil {
		t.Error("a missing file reads as something")
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxSourceBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.Lines(big) != nil {
		t.Error("a file over MaxSourceBytes is read")
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("- a list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.Values(bad) != nil {
		t.Error("a list is read as values")
	}
}
