package fix

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// appDeployment is the workload behind Service app in the charts below.
const appDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: example/app:1
          ports:
            - {name: api, containerPort: 8443}
`

// TestOOMTLSSwitchEvidence: fix reads the service.ports of the values.yaml
// of the chart that renders a Service and names an unnamed port by the side
// of OOM's TLS switch it was rendered as (internal/mesh/evidence_oomtls.go),
// saying so with the values.yaml line.
func TestOOMTLSSwitchEvidence(t *testing.T) {
	const svc = `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: {app: app}
  ports:
    - port: {{ .Values.tlsPort }}
      targetPort: api
`
	for _, c := range []struct {
		name, values, want, evidence string
	}{
		{"TLS side, port_protocol http", "tlsPort: 8443\nservice:\n  ports:\n    - name: api\n      port: 8443\n      plain_port: 8080\n      port_protocol: http\n",
			"named https", "https: OOM's common.needTLS is on for the chart: service.ports api (port_protocol \"http\") serves 8443 with TLS, plain_port 8080 without in app/values.yaml:4"},
		{"TLS side, no port_protocol", "tlsPort: 8443\nservice:\n  ports:\n    - {name: api, port: 8443, plain_port: 8080}\n",
			"named tls", "tls: OOM's common.needTLS is on for the chart"},
		{"no plain_port: only the *443 convention", "tlsPort: 8443\nservice:\n  ports:\n    - {name: api, port: 8443}\n",
			"named https", "https: the port number is a TLS port (*443)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			all := portMessages(t, map[string]string{
				"app/values.yaml":               c.values,
				"app/templates/service.yaml":    svc,
				"app/templates/deployment.yaml": appDeployment,
			})
			if !strings.Contains(all, c.want) || !strings.Contains(all, c.evidence) {
				t.Errorf("want %q with %q, got:\n%s", c.want, c.evidence, all)
			}
		})
	}
}

// TestUnnamespacedRenderEvidence: objects a chart renders without
// metadata.namespace live in the release namespace (Helm installs them
// there), so a client URL http://app.onap:9000 reaches port 9000 of Service
// app when the release namespace is onap — for fix as for lint, which reads
// the same render in the same namespace (lint.ReleaseNamespace).
func TestUnnamespacedRenderEvidence(t *testing.T) {
	all := portMessages(t, map[string]string{
		"app/values.yaml": "caller: http://app.onap:9000/v1\n",
		"app/templates/all.yaml": `apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: {app: app}
  ports:
    - name: svc9000
      port: 9000
---
` + appDeployment + `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: caller
data:
  url: {{ .Values.caller | quote }}
`,
	})
	if !strings.Contains(all, "named http-svc9000") {
		t.Errorf("want port 9000 named http-svc9000 by the client URL, got:\n%s", all)
	}
}

// portMessages writes a chart "app" (Chart.yaml and files) into a new
// folder, runs fix's port operation on it and returns every change and
// refusal ("refused: ...") it reports, one a line.
func portMessages(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n"})
	testutil.WriteFiles(t, dir, files)
	o := testOptions(t, dir)
	o.Only = []string{OpPorts}
	res, err := Run(context.Background(), []string{filepath.Join(dir, "app")}, o)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, ch := range res.Changes {
		msgs = append(msgs, ch.String())
	}
	for _, ch := range res.Refusals {
		msgs = append(msgs, "refused: "+ch.String())
	}
	return strings.Join(msgs, "\n")
}
