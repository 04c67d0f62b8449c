package fix

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/sourcemap"
	"github.com/meshready/meshready/internal/testutil"
)

// markKeyRE is the definition markAt implements over chartsource's
// template lines: the marker goes after group 1.
var markKeyRE = regexp.MustCompile(`^(\s*(?:-\s+)?(?:name|port|targetPort|servicePort):[ \t]+["']?)(.*)$`)

func regexMarkAt(line string) (int, bool) {
	m := markKeyRE.FindStringSubmatchIndex(line)
	if m == nil {
		return 0, false
	}
	rest := line[m[4]:m[5]]
	for _, p := range []string{"|", ">", "#", "{{/*"} {
		if strings.HasPrefix(rest, p) {
			return 0, false
		}
	}
	return m[3], true
}

func TestMarkAt(t *testing.T) {
	for _, c := range []struct {
		line string
		want int // -1: no marker
	}{
		{"  name: http", 8},
		{"  - name: \"http\"", 11},
		{"    port: {{ .Values.port }}", 10},
		{"targetPort:\t8080", 12},
		{"servicePort: 'x' # c", 14},
		{"name: ", 6}, // renders the marker alone: an unset value shows
		{"name:", -1},
		{"name: |", -1},
		{"name: # nothing", -1},
		{"name: {{/* later */}}", -1},
		{"image: x", -1},
		{"portName: x", -1},
		{"\"name\": x", -1}, // a quoted key is left alone
		{"{{ $name }}: x", -1},
	} {
		got := -1
		if at, ok := markAt(chartsource.ParseTemplate(c.line + "\n")[0]); ok {
			got = at
		}
		if got != c.want {
			t.Errorf("markAt(%q) = %d, want %d", c.line, got, c.want)
		}
		re := -1
		if at, ok := regexMarkAt(c.line); ok {
			re = at
		}
		if re != got && !strings.HasPrefix(c.line, `"`) {
			t.Errorf("markAt(%q) = %d, the regular expression says %d", c.line, got, re)
		}
	}
}

// TestMarkAtOOM compares markAt with the regular expression on every
// template line of the real OOM trees: they differ only on lines inside
// template comments, which do not render.
func TestMarkAtOOM(t *testing.T) {
	marked := 0
	var roots []string
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		roots = append(roots, testutil.OOMTree(t, tree))
	}
	testutil.Templates(t, roots, func(p, text string) {
		for i, l := range chartsource.ParseTemplate(text) {
			at, ok := markAt(l)
			rat, rok := regexMarkAt(l.Text)
			if ok {
				marked++
			}
			if (ok != rok || at != rat) && l.Kind != chartsource.Comment {
				t.Errorf("%s:%d %q: markAt %d %v, the regular expression %d %v", p, i+1, l.Text, at, ok, rat, rok)
			}
		}
	})
	if marked < 1000 {
		t.Errorf("only %d template lines marked; the OOM trees hold far more", marked)
	}
	t.Logf("%d template lines marked alike", marked)
}

// TestTracer: a probe as the provenance engine asks it. The marked render
// names the Service's port as each case says; the answer is the values
// entry the name is exactly, else the template line that writes it, else
// the first values entry in it, else no place; no answer when the marked
// render lacks the field or the object is not the unmarked render's.
func TestTracer(t *testing.T) {
	doc, err := parseValues("/c/values.yaml", []byte("service:\n  name: api\n"))
	if err != nil {
		t.Fatal(err)
	}
	node := doc.Find([]any{"service", "name"})
	if node == nil {
		t.Fatal("no values node service.name")
	}
	service := func(name string) *render.Result {
		raw := "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n"
		if name != "" {
			raw += "    name: " + name + "\n"
		}
		rs, err := resource.Parse("c", []byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		rs[0].Source = "c/templates/svc.yaml"
		return &render.Result{Resources: rs}
	}
	for _, c := range []struct {
		name, marked, field string
		other               bool // ask about an object of another render
		want                string
	}{
		{name: "exactly a values entry", marked: "zt0tzapizz0zz", field: "spec.ports[0].name", want: "/c/values.yaml:2 line 0 exact 0"},
		{name: "a template literal", marked: "zt0tzhttp-api", field: "spec.ports[0].name", want: "/c/templates/svc.yaml:5 line 0 exact -1"},
		{name: "a template line around a value", marked: "zt0tzhttp-apizz0zz", field: "spec.ports[0].name", want: "/c/templates/svc.yaml:5 line 0 exact -1"},
		{name: "a value inside a helper's output", marked: "http-apizz0zz", field: "spec.ports[0].name", want: "/c/values.yaml:2 line -1 exact -1"},
		{name: "no marker: no place, an answer", marked: "http-api", field: "spec.ports[0].name", want: ":0 line -1 exact -1"},
		{name: "the marked render lacks the field", marked: "http-api", field: "spec.ports[0].appProtocol", want: "no answer"},
		{name: "an object of another render", marked: "zt0tzhttp-api", field: "spec.ports[0].name", other: true, want: "no answer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, marked := service("api"), service(c.marked)
			pr := &probe{
				objs:  index(marked.Resources),
				lines: []markLine{{file: "/c/templates/svc.yaml", line: 4}},
				vals:  []markVal{{file: "/c/values.yaml", doc: doc, node: node, text: "api"}},
			}
			pr.ask(sourcemap.New(nil, nil), before)
			r := before.Resources[0]
			if c.other {
				r = service("api").Resources[0]
			}
			// asked through the engine, with no chart graph: only the tracer
			// can answer with a decomposition
			got := "no answer"
			loc := pr.mapper.Locate(r, c.field, "")
			if d, ok := loc.Trace.(decomp); ok {
				got = fmt.Sprintf("%s:%d line %d exact %d", loc.File, loc.Line, d.line, d.exactVal)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			// the fixer's question: the same answer
			if d := pr.origin(fieldRef{keyOf(before.Resources[0]), c.field}); !c.other && d.found != (got != "no answer") {
				t.Errorf("origin found %v, the tracer answered %q", d.found, got)
			}
		})
	}
}
