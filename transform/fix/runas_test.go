package fix

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/mesh"
)

// TestRunAsProxyEdits: where fix writes securityContext.runAsUser: 1337 on
// an init container (the chart's own template writes the initContainers
// as a literal list) and where it refuses, saying why.
func TestRunAsProxyEdits(t *testing.T) {
	const head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n"
	const main = "      containers:\n      - name: app\n        image: app\n"
	rem := mesh.Remedy{Problem: "p", NoNative: "n", RunAsProxy: []mesh.InitNetwork{{Index: 1, Name: "wait"}}}
	for _, c := range []struct {
		name, inits string
		total       int
		// want is the template after the edit; refusal a part of the
		// refusal's text ("" when the edit is made).
		want, refusal string
	}{
		{name: "list at the key's column",
			inits: "      initContainers:\n      - name: chown\n        image: busybox\n      - name: wait\n        image: readiness\n        args: [--container-name, db]\n", total: 2,
			want: "      initContainers:\n      - name: chown\n        image: busybox\n      - name: wait\n        image: readiness\n        args: [--container-name, db]\n        securityContext:\n          runAsUser: 1337\n"},
		{name: "indented list, templated values",
			inits: "      initContainers:\n        - name: chown\n          image: busybox\n        - name: {{ include \"common.name\" . }}-wait\n          image: {{ .Values.readiness.image }}\n", total: 2,
			want: "      initContainers:\n        - name: chown\n          image: busybox\n        - name: {{ include \"common.name\" . }}-wait\n          image: {{ .Values.readiness.image }}\n          securityContext:\n            runAsUser: 1337\n"},
		{name: "a common helper renders the readiness container",
			inits: "      initContainers:\n      - name: chown\n        image: busybox\n      {{ include \"common.readinessCheck.waitFor\" . | indent 6 | trim }}\n", total: 2,
			refusal: `a template action renders part of the init containers ({{ include "common.readinessCheck.waitFor"`},
		{name: "a condition inside the list",
			inits: "      initContainers:\n      - name: chown\n        image: busybox\n      {{- if .Values.wait }}\n      - name: wait\n        image: readiness\n      {{- end }}\n", total: 2,
			refusal: "a template action renders part of the init containers"},
		{name: "the whole list from a helper",
			inits: "      initContainers: {{ include \"x.inits\" . | nindent 6 }}\n", total: 2,
			refusal: "the init containers are not a literal list"},
		{name: "more init containers rendered than written",
			inits: "      initContainers:\n      - name: wait\n        image: readiness\n", total: 2,
			refusal: "the template writes 1 init containers, the pod has 2"},
		{name: "a securityContext already",
			inits: "      initContainers:\n      - name: chown\n        image: busybox\n      - name: wait\n        securityContext:\n          runAsUser: 1000\n        image: readiness\n", total: 2,
			refusal: "init container wait has a securityContext already"},
		{name: "no initContainers in the template",
			inits: "", total: 2,
			refusal: "does not write the pod's spec.template.spec.initContainers literally"},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := head + c.inits + main
			ls := chartsource.ParseTemplate(text)
			edits, err := runAsProxyEdits("t.yaml", "t.yaml", text, ls, [2]int{0, len(ls)}, "Deployment", rem, c.total)
			if c.refusal != "" {
				if err == nil || !strings.Contains(err.Error(), c.refusal) || !strings.Contains(err.Error(), "run 'wait' as UID 1337") {
					t.Fatalf("got edits %v, error %v; want a refusal containing %q", edits, err, c.refusal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := applyEdits([]byte(text), edits)
			if err != nil {
				t.Fatal(err)
			}
			if want := head + c.want + main; string(out) != want {
				t.Errorf("got\n%s\nwant\n%s", out, want)
			}
		})
	}
}
