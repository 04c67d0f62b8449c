package render

import (
	"context"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestDeployTimeValues: a chart that fails without global.masterPassword
// (OOM's common.masterPassword, verbatim in its logic) lints with no flag,
// a --set value overrides the stand-in, and the exact render keeps failing
// as Helm does, naming the flag to pass.
func TestDeployTimeValues(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: pw\nversion: 1.0.0\n",
		"values.yaml": "global: {}\n",
		"templates/secret.yaml": `{{- define "pw.masterPassword" -}}
  {{ if .Values.masterPasswordOverride }}{{ printf "%s" .Values.masterPasswordOverride }}
  {{- else if .Values.global.masterPassword }}{{ printf "%s" .Values.global.masterPassword }}
  {{- else }}{{ fail "masterPassword not provided" }}{{ end }}
{{- end -}}
apiVersion: v1
kind: Secret
metadata:
  name: pw
stringData:
  password: {{ include "pw.masterPassword" . | trim | quote }}
`,
	})
	cases := []struct {
		name    string
		lint    bool
		set     []string
		want    string // the password rendered; "" when the render must fail
		wantErr string
	}{
		{"lint, no flag: stand-in", true, nil, "meshready-lint-stand-in", ""},
		{"lint, --set wins", true, []string{"global.masterPassword=given"}, "given", ""},
		{"render, --set", false, []string{"global.masterPassword=given"}, "given", ""},
		{"render, no flag: Helm's error and the flag", false, nil, "", "masterPassword not provided (a deploy-time value: pass --set global.masterPassword=VALUE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultOptions()
			o.LintMode = c.lint
			o.Set = c.set
			res, err := NewHelm(o).Render(context.Background(), dir)
			if testutil.WantErr(t, err, c.wantErr) {
				return
			}
			if len(res.Resources) != 1 {
				t.Fatalf("%d objects, want 1", len(res.Resources))
			}
			got := res.Resources[0].Object["stringData"].(map[string]any)["password"]
			if got != c.want {
				t.Errorf("password = %v, want %q", got, c.want)
			}
		})
	}
}
