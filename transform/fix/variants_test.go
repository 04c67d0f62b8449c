package fix

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestVariantOrder: where variants disagree on the template line that
// writes a port's name (both sides of an `eq .Values.service.type
// "NodePort"` switch, as casablanca's clamp-dash-es), the refusal names the
// line of the values as given, on every run (the variants were once asked
// in a map's order, and the line changed from run to run).
func TestVariantOrder(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"switch/Chart.yaml":  "apiVersion: v2\nname: switch\nversion: 1.0.0\n",
		"switch/values.yaml": "service:\n  type: ClusterIP\nconfig: {}\n",
		"switch/templates/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: switch
spec:
  type: {{ .Values.service.type }}
  selector:
    app: switch
  ports:
    {{if eq .Values.service.type "NodePort" -}}
    - port: 8000
      nodePort: 30080
      name: {{ .Values.config.portName }}
    {{- else -}}
    - port: 8000
      name: {{ .Values.config.portName }}
    {{- end}}
`,
	})
	const want = "switch/templates/service.yaml:16 writes the port's name, but it renders empty"
	for run := range 8 { // two variants: a map's order fails one run in two
		res, err := Run(context.Background(), []string{filepath.Join(dir, "switch")}, testOptions(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Refusals {
			if r.Resource == "Service/switch" {
				got = append(got, r.Message)
			}
		}
		if len(got) != 1 || !strings.Contains(got[0], want) {
			t.Fatalf("run %d: refusals of Service/switch %q, want one saying %q", run+1, got, want)
		}
	}
}
