package sourcemap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

// FuzzLocate: for any template, values file, rendered document, field path
// and value, the mapper returns a line inside the file it names (or 0),
// never a panic.
func FuzzLocate(f *testing.F) {
	f.Add("apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - name: {{ .Values.service.name }}\n", "service:\n  name: api\n", "kind: Service\nspec:\n  ports:\n  - name: api\n", "spec.ports[0].name", "api")
	f.Add("kind: Deployment\nspec:\n  template:\n    metadata: {{- include \"x\" . }}\n---\nkind: Service\n", "a: 1\n", "kind: Deployment\nspec:\n  template:\n    metadata: {}\n", `spec.template.metadata.annotations["sidecar.istio.io/inject"]`, "")
	f.Add("data:\n  nginx.conf: |\n    proxy_pass_request_headers off;\n", "", "kind: ConfigMap\ndata:\n  nginx.conf: x\n", `data["nginx.conf"]`, "proxy_pass_request_headers off;")
	f.Add("- - -\n\"a\": [\n", "- x\n", "[", "[0]", "x")
	f.Fuzz(func(t *testing.T, tpl, values, raw, field, value string) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		tplPath := filepath.Join(dir, "templates", "x.yaml")
		os.WriteFile(tplPath, []byte(tpl), 0o644)
		os.WriteFile(filepath.Join(dir, "values.yaml"), []byte(values), 0o644)
		g := &charttree.Node{Name: "c", Dir: dir}
		r := &resource.Resource{Ref: resource.Ref{Kind: "Service", Name: "n"}, Source: "c/templates/x.yaml", Raw: raw, Object: map[string]any{}}
		if rs, err := resource.Parse("raw", []byte(raw)); err == nil && len(rs) > 0 {
			r.Object = rs[0].Object
		}
		loc := New(g, nil).Locate(r, field, value)
		if loc.File == "" || loc.Line < 0 {
			t.Fatalf("no location: %+v", loc)
		}
		b, err := os.ReadFile(loc.File)
		if err != nil {
			t.Fatalf("location names a file that does not exist: %+v", loc)
		}
		if n := strings.Count(string(b), "\n") + 1; loc.Line > n {
			t.Fatalf("line %d past the end of %s (%d lines)", loc.Line, loc.File, n)
		}
	})
}
