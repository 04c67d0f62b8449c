package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheaperRewrites(t *testing.T) {
	cases := []struct {
		name, in, want string // want "" means nothing to rewrite
	}{
		{"plain template", `name: {{ .Values.name }}`, ""},
		{"derivePassword", `{{ derivePassword 1 "long" .a .b .c }}`, `{{ print 1 "long" .a .b .c }}`},
		{"certificate", `{{ $ca := genCA "ca" 365 }}`, `{{ $ca := dict "ca" 365 }}`},
		{"longer name kept whole", `{{ genCAWithKey "x" 1 $k }}`, `{{ dict "x" 1 $k }}`},
		{"substring of a word", `{{ .Values.regenCA }}`, ""},
		{"subChartDot", `{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" $c "Values" $v) | toJson }}`,
			`{{ mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" $c "Values" $v) | toJson }}`},
		{"other deepCopy kept", `{{ mergeOverwrite (deepCopy $initRoot) (dict "global" .g) }}`, ""},
		{"both", `{{ derivePassword 1 "x" "y" "z" "w" }}{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" 1) }}`,
			`{{ print 1 "x" "y" "z" "w" }}{{ mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" 1) }}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(cheaper([]byte(c.in))); got != c.want {
				t.Errorf("cheaper(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestSubChartDotIdiomRendersSame renders OOM's common.subChartDot, copied
// verbatim, in lint mode and through Helm's exact path: the rewrite that
// drops its deep copy must change no object, files included.
func TestSubChartDotIdiomRendersSame(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Chart.yaml":            "apiVersion: v2\nname: dot\nversion: 1.0.0\n",
		"values.yaml":           "global:\n  a: 1\nsub:\n  nameOverride: other\n  port: 8080\n  nested: {x: [1, 2]}\n",
		"resources/config.json": `{"k": "v"}`,
		"templates/_utils.tpl": `{{- define "common.subChartDot" }}
{{- $initRoot := .initRoot }}
{{- $dot := .dot }}
{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" (set (set (fromJson (toJson $dot.Chart)) "Name" $initRoot.nameOverride) "Version" $dot.Chart.Version) "Values" (mergeOverwrite (deepCopy $initRoot) (dict "global" $dot.Values.global))) | toJson }}
{{- end -}}
`,
		"templates/cm.yaml": `{{- $sub := fromJson (include "common.subChartDot" (dict "dot" . "initRoot" .Values.sub)) }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $sub.Chart.Name }}
data:
  dot: {{ $sub | toJson | quote }}
  values: {{ .Values | toJson | quote }}
  files: {{ .Files.Get "resources/config.json" | quote }}
`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	render := func(lintMode bool) []map[string]any {
		o := DefaultOptions()
		o.LintMode = lintMode
		res, err := NewHelm(o).Render(context.Background(), dir)
		if err != nil {
			t.Fatalf("lint mode %v: %v", lintMode, err)
		}
		var objs []map[string]any
		for _, r := range res.Resources {
			objs = append(objs, r.Object)
		}
		return objs
	}
	exact, fast := render(false), render(true)
	if len(exact) != 1 {
		t.Fatalf("exact render gave %d objects, want 1", len(exact))
	}
	if dot, _ := exact[0]["data"].(map[string]any)["dot"].(string); !strings.Contains(dot, `"Files"`) || !strings.Contains(dot, `"Name":"other"`) {
		t.Fatalf("the test chart does not exercise the idiom: dot = %s", dot)
	}
	if diff := cmp.Diff(exact, fast); diff != "" {
		t.Errorf("lint mode renders differently (-exact +lint):\n%s", diff)
	}
}
