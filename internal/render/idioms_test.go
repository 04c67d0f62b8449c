package render

import (
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
)

// TestRewriteIdioms: the idioms are rewritten in the chart and its
// dependencies, nothing else is (stand-ins stay: the render stays Helm's),
// and the template slice a cached chart shares is never written.
func TestRewriteIdioms(t *testing.T) {
	idiom := `{{- $x := mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" $c "Values" $v) -}}`
	cheap := `{{- $x := mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" $c "Values" $v) -}}`
	for _, c := range []struct {
		name, in, want string
	}{
		{"idiom", idiom, cheap},
		{"stand-in kept", `{{ derivePassword 1 "long" "x" "u" "s" }}`, `{{ derivePassword 1 "long" "x" "u" "s" }}`},
		{"plain deepCopy kept", `{{ deepCopy .Values }}`, `{{ deepCopy .Values }}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			shared := []*chart.File{{Name: "templates/_h.tpl", Data: []byte(c.in)}}
			dep := &chart.Chart{Metadata: &chart.Metadata{Name: "dep"}, Templates: shared}
			top := &chart.Chart{Metadata: &chart.Metadata{Name: "top"}, Templates: []*chart.File{{Name: "templates/a.yaml", Data: []byte(c.in)}}}
			top.AddDependency(dep)
			RewriteIdioms(top)
			for _, ch := range []*chart.Chart{top, dep} {
				if got := string(ch.Templates[0].Data); got != c.want {
					t.Errorf("%s: got %q, want %q", ch.Name(), got, c.want)
				}
			}
			if got := string(shared[0].Data); got != c.in {
				t.Errorf("the shared template slice was written: %q", got)
			}
			if strings.Contains(c.in, "deepCopy (omit") && &dep.Templates[0] == &shared[0] {
				t.Error("the shared slice is still the dependency's after a rewrite")
			}
		})
	}
}
