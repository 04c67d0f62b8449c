package krmfn

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

func TestParseConfig(t *testing.T) {
	for _, c := range []struct {
		name   string
		config string
		check  func(s Spec) bool
		errs   []string // substrings, one per expected error, in order
	}{
		{name: "none", config: "", check: func(s Spec) bool { return reflect.DeepEqual(s, DefaultSpec()) }},
		{name: "empty MeshReady", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata: {name: x}\n",
			check: func(s Spec) bool { return reflect.DeepEqual(s, DefaultSpec()) }},
		{name: "typed overrides keep other defaults", config: `
apiVersion: fn.meshready.dev/v1alpha1
kind: MeshReady
metadata: {name: x, annotations: {config.kubernetes.io/function: "exec: {path: ./x}"}}
spec:
  injection: {style: annotation}
  ports: {protocols: {9300: tcp, api: http}}
  authorizationPolicy: {enabled: true, serviceAccounts: [a, ns/b]}
`, check: func(s Spec) bool {
			return s.Injection.Style == "annotation" && s.Injection.Enabled && s.Ports.Mode == "prefix" &&
				s.Ports.Protocols["9300"] == "tcp" && s.Ports.Protocols["api"] == "http" &&
				len(s.AuthorizationPolicy.Methods) == 5 && len(s.AuthorizationPolicy.ServiceAccounts) == 2
		}},
		{name: "configmap flat keys", config: `
apiVersion: v1
kind: ConfigMap
metadata: {name: function-input}
data:
  injection.style: annotation
  ports.mode: appProtocol
  peerAuthentication.mode: PERMISSIVE
  spec.sidecar.enabled: "true"
  sidecar.egressHosts: "./*, istio-system/*, monitoring/*"
  ports.protocols.my.port: grpc
`, check: func(s Spec) bool {
			return s.Injection.Style == "annotation" && s.Ports.Mode == "appProtocol" && s.PeerAuthentication.Mode == "PERMISSIVE" &&
				s.Sidecar.Enabled && len(s.Sidecar.EgressHosts) == 3 && s.Sidecar.EgressHosts[2] == "monitoring/*" &&
				s.Ports.Protocols["my.port"] == "grpc"
		}},
		{name: "configmap without data", config: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
			check: func(s Spec) bool { return reflect.DeepEqual(s, DefaultSpec()) }},
		{name: "unknown typed fields", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {injection: {styel: x}, foo: 1}\nbar: 2\n",
			errs: []string{"spec.injection.styel: unknown field", "spec.foo: unknown field", "bar: unknown field"}},
		{name: "wrong shapes", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {injection: {enabled: yes please}, ports: [a], sidecar: {egressHosts: x}}\n",
			errs: []string{"spec.injection.enabled: must be true or false", "spec.ports: must be a mapping", "spec.sidecar.egressHosts: must be a list"}},
		{name: "enums", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {injection: {style: sidecar}, peerAuthentication: {scope: cluster}, validation: {failOn: fatal}}\n",
			errs: []string{`spec.injection.style: "sidecar" is not one of label, annotation`, `spec.peerAuthentication.scope: "cluster"`, `spec.validation.failOn: "fatal"`}},
		{name: "values", config: `
apiVersion: fn.meshready.dev/v1alpha1
kind: MeshReady
spec:
  namespace: Not_A_Namespace
  clusterDomain: ""
  authorizationPolicy: {enabled: true, serviceAccounts: ["a/b/c"], methods: [get]}
  sidecar: {enabled: true, egressHosts: [nohost]}
  generated: {path: ../outside.yaml}
`, errs: []string{"spec.namespace", "spec.clusterDomain", "spec.authorizationPolicy.serviceAccounts[0]", "spec.authorizationPolicy.methods[0]", "spec.sidecar.egressHosts[0]", "spec.generated.path"}},
		{name: "configmap errors", config: "apiVersion: v1\nkind: ConfigMap\ndata: {injection.stlye: a, ports: prefix, injection.force: maybe, ports.mode.x: y}\nextra: 1\n",
			errs: []string{"data.injection.stlye: unknown setting", "data.ports: is a group", "data.injection.force: must be true or false", "data.ports.mode.x: unknown setting", "extra: unknown field"}},
		{name: "wellKnown typed", config: `
apiVersion: fn.meshready.dev/v1alpha1
kind: MeshReady
spec:
  ports: {mode: appProtocol}
  wellKnown:
    ports: [{port: 10081, protocol: http, what: MSB discovery}]
    images: [{image: msb_apigateway, ports: {"80": http}}]
`, check: func(s Spec) bool {
			return s.Ports.Mode == "appProtocol" && s.WellKnown != nil && len(s.WellKnown.Ports) == 1 &&
				s.WellKnown.Ports[0].Port == 10081 && s.WellKnown.Ports[0].Protocol == "HTTP" && s.WellKnown.Images[0].Ports["80"] == "http"
		}},
		{name: "wellKnown configmap", config: "apiVersion: v1\nkind: ConfigMap\ndata:\n  wellKnown: |\n    ports: [{port: 9999, protocol: grpc}]\n",
			check: func(s Spec) bool {
				return s.WellKnown != nil && len(s.WellKnown.Ports) == 1 && s.WellKnown.Ports[0].Protocol == "GRPC" && s.WellKnown.Ports[0].What == "grpc"
			}},
		{name: "wellKnown errors are the config package's", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {wellKnown: {ports: [{port: 70000, protocol: http}]}}\n",
			errs: []string{"spec.wellKnown: wellKnown.ports[0]: port 70000"}},
		{name: "wellKnown unknown field", config: "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nspec: {wellKnown: {hosts: []}, foo: 1}\n",
			errs: []string{`spec.wellKnown: wellKnown: json: unknown field "hosts"`, "spec.foo: unknown field"}},
		{name: "wellKnown configmap bad protocol", config: "apiVersion: v1\nkind: ConfigMap\ndata:\n  spec.wellKnown: \"images: [{image: x, ports: {'80': smtp}}]\"\n",
			errs: []string{"data.spec.wellKnown: wellKnown.images[0] (x)"}},
		{name: "old apiVersion", config: "apiVersion: fn.meshready.dev/v1\nkind: MeshReady\n", errs: []string{`apiVersion: "fn.meshready.dev/v1" is not supported`}},
		{name: "other kind", config: "apiVersion: v1\nkind: Secret\n", errs: []string{`kind: functionConfig v1 "Secret" is not supported`}},
		{name: "not a mapping", config: "- a\n- b\n", errs: []string{"functionConfig is not a mapping"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var fc *yaml.RNode
			if c.config != "" {
				var err error
				if fc, err = yaml.Parse(c.config); err != nil {
					t.Fatal(err)
				}
			}
			spec, errs := ParseConfig(fc)
			if len(errs) != len(c.errs) {
				t.Fatalf("errors = %v, want %d: %q", errs, len(c.errs), c.errs)
			}
			for i, e := range errs {
				if !strings.Contains(e.Error(), c.errs[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, e.Error(), c.errs[i])
				}
			}
			if c.check != nil && !c.check(spec) {
				t.Errorf("spec = %+v", spec)
			}
		})
	}
}

// TestWellKnownFromFunctionConfig: a port nothing in the input names is
// tcp by default and takes the protocol the functionConfig's wellKnown
// table gives its number, with the table's words as the evidence.
func TestWellKnownFromFunctionConfig(t *testing.T) {
	defer mesh.ExtendWellKnown(nil)
	const input = `apiVersion: v1
kind: Service
metadata: {name: disc, namespace: onap}
spec:
  selector: {app: disc}
  ports: [{port: 10081}]
`
	dir := t.TempDir()
	for _, c := range []struct {
		name, config, want, evidence string
	}{
		{"no table", "spec: {}", "{name: tcp, port: 10081}", "tcp is the safe default"},
		{"typed", "spec: {wellKnown: {ports: [{port: 10081, protocol: http, what: MSB discovery}]}}", "{name: http, port: 10081}", "port 10081 is MSB discovery"},
		{"tcp entry", "spec: {wellKnown: {ports: [{port: 10081, protocol: tcp, what: a binary protocol}]}}", "{name: tcp, port: 10081}", "port 10081 is a binary protocol"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := filepath.Join(dir, "cfg.yaml")
			write(t, cfg, "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\n"+c.config+"\n")
			var out, stderr bytes.Buffer
			code := Run(Options{Stdin: strings.NewReader(input), Stdout: &out, Stderr: &stderr, ConfigFile: cfg})
			if code != ExitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
			}
			if !strings.Contains(out.String(), c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out.String())
			}
			if !strings.Contains(stderr.String()+out.String(), c.evidence) {
				t.Errorf("the evidence %q is not reported:\n%s\n%s", c.evidence, stderr.String(), out.String())
			}
		})
	}
}
