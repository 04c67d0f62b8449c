package sourcemap

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/meshready/meshready/internal/resource"
)

// fakeTracer answers every question with loc (ok) and records what it is asked.
type fakeTracer struct {
	loc   Location
	ok    bool
	asked []string
}

func (f *fakeTracer) Trace(r *resource.Resource, field string) (Location, bool) {
	f.asked = append(f.asked, r.Kind+" "+field)
	return f.loc, f.ok
}

// TestFromTracer: the tracer slot, asked through Locate on a chart whose
// values-ref strategy would answer svc/values.yaml:3 from the text. With
// no tracer, or one whose render lacks the field, the text answers; a
// tracer's answer wins, with its Trace, even one without a place; and it is
// asked when the template cannot be read (a chart packed in a .tgz).
func TestFromTracer(t *testing.T) {
	traced := Location{File: "svc/templates/x.yaml", Line: 7, Trace: "footprint"}
	for _, c := range []struct {
		name   string
		tracer *fakeTracer
		source string // the rendered object's template ("" for the chart's own)
		want   string
	}{
		{name: "no tracer: the text strategies", want: "svc/values.yaml:3 <nil>"},
		{name: "the tracer's answer wins", tracer: &fakeTracer{loc: traced, ok: true}, want: "svc/templates/x.yaml:7 footprint"},
		{name: "its render lacks the field: the text strategies", tracer: &fakeTracer{loc: traced}, want: "svc/values.yaml:3 <nil>"},
		{name: "no marked source writes it: that answer stands", tracer: &fakeTracer{loc: Location{Trace: "helper"}, ok: true}, want: ":0 helper"},
		{name: "a template that cannot be read is no obstacle", tracer: &fakeTracer{loc: traced, ok: true}, source: "app/charts/svc/templates/gone.yaml", want: "svc/templates/x.yaml:7 footprint"},
		{name: "a template that cannot be read, no tracer: the rendered object's own line", source: "app/charts/svc/templates/gone.yaml", want: "app/charts/svc/templates/gone.yaml:7 <nil>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root, app, r := appChart(t, map[string]string{
				svcTemplate:       portTemplate,
				"svc/values.yaml": "replicas: 1\nservice:\n  portName: api\n",
			}, service("name: api\nport: 8080"))
			r.Source = "app/charts/svc/templates/x.yaml"
			if c.source != "" {
				r.Source = c.source
			}
			m := New(app, nil)
			if c.tracer != nil {
				m = m.WithTracer(c.tracer)
			}
			loc := m.Locate(r, "spec.ports[0].name", "api")
			file := loc.File
			if rel, err := filepath.Rel(root, file); err == nil && filepath.IsAbs(file) {
				file = filepath.ToSlash(rel)
			}
			if got := fmt.Sprintf("%s:%d %v", file, loc.Line, loc.Trace); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if c.tracer != nil {
				if asked := fmt.Sprint(c.tracer.asked); asked != "[Service spec.ports[0].name]" {
					t.Errorf("the tracer was asked %s, want [Service spec.ports[0].name]", asked)
				}
			}
		})
	}
}
