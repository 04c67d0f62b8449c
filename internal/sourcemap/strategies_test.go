package sourcemap

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// Each strategy is asked directly, on a chart "app" whose subchart "svc"
// holds the template (source app/charts/svc/templates/x.yaml) unless a
// case puts it in app. Answers are "file:line" relative to the charts'
// parent folder, "" for no answer.

type strategyCase struct {
	name  string
	files map[string]string // app/values.yaml, svc/values.yaml, svc/templates/x.yaml, ...
	raw   string            // the rendered object
	field string
	value string
	want  string
}

const svcTemplate = "svc/templates/x.yaml"

func runStrategy(t *testing.T, find func(*Mapper, *query) (Location, bool), cases []strategyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, app, r := appChart(t, c.files, c.raw)
			r.Source = "app/charts/svc/templates/x.yaml"
			if _, ok := c.files[svcTemplate]; !ok {
				r.Source = "app/templates/x.yaml"
			}
			m := New(app, nil)
			q, ok := m.query(r, c.field, c.value)
			if !ok {
				t.Fatalf("no query: the template of %s cannot be read", r.Source)
			}
			got := ""
			if loc, ok := find(m, q); ok {
				rel, _ := filepath.Rel(root, loc.File)
				got = fmt.Sprintf("%s:%d", filepath.ToSlash(rel), loc.Line)
				for _, p := range loc.Parts {
					got += fmt.Sprintf(" %s:%d", p.Key, p.Line)
				}
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// appChart writes files under a new folder and returns it, the graph of
// "app" with its subchart "svc" there, and raw parsed as one rendered object.
func appChart(t *testing.T, files map[string]string, raw string) (string, *charttree.Node, *resource.Resource) {
	t.Helper()
	root := t.TempDir()
	testutil.WriteFiles(t, root, files)
	svc := &charttree.Node{Name: "svc", Dir: filepath.Join(root, "svc")}
	app := &charttree.Node{Name: "app", Dir: filepath.Join(root, "app"), Deps: []*charttree.Node{svc}}
	rs, err := resource.Parse("rendered", []byte(raw))
	if err != nil || len(rs) != 1 {
		t.Fatalf("rendered object: %v (%d documents)", err, len(rs))
	}
	return root, app, rs[0]
}

// service is a rendered Service with one port.
func service(port string) string {
	return "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - " + strings.ReplaceAll(port, "\n", "\n    ") + "\n"
}

const portTemplate = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - name: {{ .Values.service.portName }}\n    port: 8080\n"

func TestFromValuesRef(t *testing.T) {
	runStrategy(t, fromValuesRef, []strategyCase{
		{name: "the owner's values", files: map[string]string{
			svcTemplate: portTemplate, "svc/values.yaml": "replicas: 1\nservice:\n  portName: api\n",
		}, raw: service("name: api\nport: 8080"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:3"},
		{name: "the parent overrides", files: map[string]string{
			svcTemplate: portTemplate, "svc/values.yaml": "service:\n  portName: api\n", "app/values.yaml": "svc:\n  service:\n    portName: web\n",
		}, raw: service("name: web\nport: 8080"), field: "spec.ports[0].name", value: "web", want: "app/values.yaml:3"},
		{name: "the parent sets another value: not the origin", files: map[string]string{
			svcTemplate: portTemplate, "svc/values.yaml": "service:\n  portName: api\n", "app/values.yaml": "svc:\n  service:\n    portName: web\n",
		}, raw: service("name: api\nport: 8080"), field: "spec.ports[0].name", value: "api", want: ""},
		{name: "global values are not under the subchart's key", files: map[string]string{
			svcTemplate: strings.ReplaceAll(portTemplate, ".Values.service.portName", ".Values.global.portName"), "app/values.yaml": "global:\n  portName: api\n",
		}, raw: service("name: api\nport: 8080"), field: "spec.ports[0].name", value: "api", want: "app/values.yaml:2"},
		{name: "a reference on another line, when the field's own line has none", files: map[string]string{
			svcTemplate: "kind: Service\n{{- $n := .Values.service.portName }}\nspec:\n  ports:\n  - name: {{ $n }}\n", "svc/values.yaml": "service:\n  portName: api\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:2"},
		{name: "no rendered value", files: map[string]string{
			svcTemplate: portTemplate, "svc/values.yaml": "service:\n  portName: \"\"\n",
		}, raw: service("port: 8080"), field: "spec.ports[0].name", value: "", want: ""},
	})
}

func TestFromLiteral(t *testing.T) {
	two := "kind: Deployment\nspec:\n  name: api\n---\nkind: Service\nspec:\n  ports:\n  - port: 80\n    name: web # the port\n"
	runStrategy(t, fromLiteral, []strategyCase{
		{name: "key: value written literally", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  - name: \"api\"\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/templates/x.yaml:4"},
		{name: "in the document that renders the object, comment left out", files: map[string]string{svcTemplate: two},
			raw: service("port: 80\nname: web"), field: "spec.ports[0].name", value: "web", want: "svc/templates/x.yaml:9"},
		{name: "not in another document", files: map[string]string{svcTemplate: two},
			raw: service("port: 80\nname: api"), field: "spec.ports[0].name", value: "api", want: ""},
		{name: "a template action is not literal", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  - name: {{ \"api\" }}\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: ""},
		{name: "another key with that value", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  - targetPort: api\n",
		}, raw: service("name: api\ntargetPort: api"), field: "spec.ports[0].name", value: "api", want: ""},
	})
}

func TestFromText(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  nginx.conf: x\n"
	runStrategy(t, fromText, []strategyCase{
		{name: "a configuration line in the template", files: map[string]string{
			svcTemplate: "kind: ConfigMap\ndata:\n  nginx.conf: |\n    listen 80;\n    proxy_pass_request_headers off;\n",
		}, raw: cm, field: `data["nginx.conf"]`, value: "proxy_pass_request_headers off;", want: "svc/templates/x.yaml:5"},
		{name: "in a file the chart reads with .Files.Get", files: map[string]string{
			svcTemplate: "kind: ConfigMap\ndata:\n  nginx.conf: {{ .Files.Get \"resources/nginx.conf\" | quote }}\n", "svc/resources/nginx.conf": "listen 80;\nproxy_pass_request_headers off;\n",
		}, raw: cm, field: `data["nginx.conf"]`, value: "proxy_pass_request_headers off;", want: "svc/resources/nginx.conf:2"},
		{name: "not in another chart's templates", files: map[string]string{
			svcTemplate: "kind: ConfigMap\n", "svc/charts/x/templates/y.yaml": "proxy_pass_request_headers off;\n",
		}, raw: cm, field: `data["nginx.conf"]`, value: "proxy_pass_request_headers off;", want: ""},
		{name: "a single word is left to the values strategies", files: map[string]string{
			svcTemplate: "kind: ConfigMap\ndata:\n  mode: strict\n",
		}, raw: cm, field: "data.mode", value: "strict", want: ""},
	})
}

func TestFromValueMatch(t *testing.T) {
	runStrategy(t, fromValueMatch, []strategyCase{
		{name: "the field's key wins over another key", files: map[string]string{
			svcTemplate: "kind: Service\n", "svc/values.yaml": "image:\n  tag: api\nservice:\n  name: api\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:4"},
		{name: "a key ending like the field's", files: map[string]string{
			svcTemplate: "kind: Service\n", "svc/values.yaml": "image: api\nportName: api\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:2"},
		{name: "the owner's values before the parent's", files: map[string]string{
			svcTemplate: "kind: Service\n", "svc/values.yaml": "name: api\n", "app/values.yaml": "name: api\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:1"},
		{name: "the path ending like the field's path", files: map[string]string{
			svcTemplate: "kind: Service\n", "svc/values.yaml": "a:\n  name: api\nports:\n  name: api\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: "svc/values.yaml:4"},
		{name: "no such value", files: map[string]string{
			svcTemplate: "kind: Service\n", "svc/values.yaml": "name: web\n",
		}, raw: service("name: api"), field: "spec.ports[0].name", value: "api", want: ""},
	})
}

func TestFromComposed(t *testing.T) {
	values := "service:\n  ports:\n  - name: api\n    port: 8080\n    port_protocol: http\n"
	runStrategy(t, fromComposed, []strategyCase{
		{name: "printf %s-%s .port_protocol .name", files: map[string]string{svcTemplate: "kind: Service\n", "svc/values.yaml": values},
			raw: service("name: http-api\nport: 8080"), field: "spec.ports[0].name", value: "http-api", want: "svc/values.yaml:5 port_protocol:5 name:3"},
		{name: "the mapping disagrees with the rendered port", files: map[string]string{svcTemplate: "kind: Service\n", "svc/values.yaml": values},
			raw: service("name: http-api\nport: 9090"), field: "spec.ports[0].name", value: "http-api", want: ""},
		{name: "a top-level field has no parent mapping", files: map[string]string{svcTemplate: "kind: Service\n", "svc/values.yaml": values},
			raw: service("name: http-api"), field: "kind", value: "http-api", want: ""},
	})
}

func TestFromParent(t *testing.T) {
	values := "service:\n  ports:\n  - name: http-api\n    port: 8080\n  - name: http-web\n    port: 8081\n"
	helper := "kind: Service\nspec:\n  ports:\n  {{- include \"common.ports\" . | nindent 2 }}\n"
	runStrategy(t, fromParent, []strategyCase{
		{name: "the values item that rendered the port", files: map[string]string{svcTemplate: helper, "svc/values.yaml": values},
			raw: service("name: http-web\nport: 8081"), field: "spec.ports[0].appProtocol", want: "svc/values.yaml:5"},
		{name: "no item agrees", files: map[string]string{svcTemplate: helper, "svc/values.yaml": values},
			raw: service("name: http-web\nport: 9999"), field: "spec.ports[0].appProtocol", want: ""},
		{name: "the template writes the whole path", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  - name: http-web\n    appProtocol: http\n", "svc/values.yaml": values,
		}, raw: service("name: http-web\nport: 8081"), field: "spec.ports[0].appProtocol", want: ""},
		// sdnc/templates/service.yaml:42-43 (jakarta) writes the name on the
		// item's dash line; an unrelated values mapping that agrees on the
		// port (sdnc/values.yaml:362, vesCollector's port 8443) is not where
		// it came from
		{name: "the template writes the name on the item's dash line", files: map[string]string{
			svcTemplate:       "kind: Service\nspec:\n  ports:\n    - name: \"{{ .Values.service.portName }}-restconf\"\n      port: {{ .Values.service.externalPort }}\n",
			"svc/values.yaml": "vesCollector:\n  port: 8443\n",
		}, raw: service("name: sdnc-restconf\nport: 8443"), field: "spec.ports[0].name", want: ""},
	})
}

func TestFromStructure(t *testing.T) {
	deploy := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        app: d\n"
	runStrategy(t, fromStructure, []strategyCase{
		{name: "where a missing annotation belongs", files: map[string]string{svcTemplate: deploy},
			raw: deploy, field: `spec.template.metadata.annotations["sidecar.istio.io/inject"]`, want: "svc/templates/x.yaml:7"},
		{name: "the n-th item of a literal list", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  - name: a\n    port: 1\n  - port: 2\n",
		}, raw: service("port: 2"), field: "spec.ports[1].name", want: "svc/templates/x.yaml:6"},
		{name: "items from a range are not literal", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n  {{- range .Values.ports }}\n  - port: {{ . }}\n  {{- end }}\n",
		}, raw: service("port: 2"), field: "spec.ports[0].name", want: "svc/templates/x.yaml:3"},
		// sdnc/templates/service.yaml:69-82 (jakarta): the name written on
		// an item's dash line is the item's; item 0 ends where item 1
		// starts (the walk once answered item 1's line 80 here)
		{name: "a key on the item's dash line, not the next item's", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n    - name: \"{{ .Values.portName }}-restconf-alt\"\n      {{ if .Values.aaf }}\n      port: 1\n      {{ end }}\n    - name: \"{{ .Values.portName }}-karaf\"\n      port: 2\n",
		}, raw: service("name: sdnc-restconf-alt\nport: 1"), field: "spec.ports[0].name", want: "svc/templates/x.yaml:4"},
		{name: "a key item 0 does not write is not item 1's", files: map[string]string{
			svcTemplate: "kind: Service\nspec:\n  ports:\n    - port: 1\n    - port: 2\n      appProtocol: http\n",
		}, raw: service("port: 1"), field: "spec.ports[0].appProtocol", want: "svc/templates/x.yaml:4"},
		{name: "nothing written: the kind line", files: map[string]string{
			svcTemplate: "{{- /* a Service */}}\napiVersion: v1\nkind: Service\n{{ include \"spec\" . }}\n",
		}, raw: service("port: 2"), field: "spec.ports[0].name", want: "svc/templates/x.yaml:3"},
	})
}

// TestStrategyOrder pins the order strategies are asked in: Locate
// returns the first answer.
func TestStrategyOrder(t *testing.T) {
	var got []string
	for _, s := range strategies {
		got = append(got, s.name)
	}
	want := []string{"sentinel-trace", "values-ref", "template-literal", "text", "values-by-value", "composed", "parent-in-values", "template-structure"}
	if !slices.Equal(got, want) {
		t.Errorf("strategies %v, want %v", got, want)
	}
}
