package chartsource

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/resource"
)

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
