package krmfn

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
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
