package krmfn

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// process runs the function (validation off) over a stream with spec lines
// added to the MeshReady config; it returns the output stream and results.
func process(t *testing.T, input, spec string) (string, framework.Results) {
	t.Helper()
	cfg := "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata: {name: m}\nspec:\n  validation: {enabled: false}\n" + spec
	rl := &framework.ResourceList{Items: parseItems(t, input), FunctionConfig: yaml.MustParse(cfg)}
	if err := (&Processor{}).Process(rl); err != nil {
		t.Fatalf("fn: %v", err)
	}
	var b strings.Builder
	for _, it := range rl.Items {
		b.WriteString(it.MustString())
		b.WriteString("---\n")
	}
	return b.String(), rl.Results
}

func deploymentWith(kind, apiVersion, annotations string) string {
	return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: web, namespace: onap}\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n" +
		"      annotations: {" + annotations + "}\n    spec:\n      containers: [{name: web, image: web}]\n"
}

// The function injects what Istio injects and reads sidecar.istio.io/inject
// as the target Istio version does (internal/mesh).
func TestInjectionFollowsTheModel(t *testing.T) {
	for _, c := range []struct {
		name, input, spec string
		injected          bool
	}{
		{"DeploymentConfig", deploymentWith("DeploymentConfig", "apps.openshift.io/v1", ""), "", true},
		{"ReplicationController", deploymentWith("ReplicationController", "v1", ""), "", true},
		// Istio 1.26 reads "no" as do not inject; from 1.27 only "false" opts out.
		{"no at 1.26", deploymentWith("Deployment", "apps/v1", `sidecar.istio.io/inject: "no"`), "  istio: {version: \"1.26\"}\n", false},
		{"no at 1.30", deploymentWith("Deployment", "apps/v1", `sidecar.istio.io/inject: "no"`), "  istio: {version: \"1.30\"}\n", true},
		// The injector rejects these: the pod would never be created.
		{"excludeInboundPorts *", deploymentWith("Deployment", "apps/v1", `traffic.sidecar.istio.io/excludeInboundPorts: "*"`), "", false},
		{"bad CIDR", deploymentWith("Deployment", "apps/v1", `traffic.sidecar.istio.io/excludeOutboundIPRanges: "10.0.0.0/33"`), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, results := process(t, c.input, c.spec)
			got := strings.Contains(out, `sidecar.istio.io/inject: "true"`)
			if got != c.injected {
				t.Errorf("injected = %v, want %v; results: %v\n%s", got, c.injected, results, out)
			}
		})
	}
}

// ports.mode appProtocol keeps kubernetes.io/h2c, which Istio reads as
// HTTP2 (ConvertProtocol), instead of rewriting it to http.
func TestAppProtocolH2CIsKept(t *testing.T) {
	in := deploymentWith("Deployment", "apps/v1", "") + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: onap}\nspec:\n  selector: {app: web}\n" +
		"  ports:\n  - {name: grpc-api, port: 8080, appProtocol: kubernetes.io/h2c}\n  - {name: web, port: 8081, appProtocol: kubernetes.io/ws}\n"
	out, _ := process(t, in, "  ports: {mode: appProtocol}\n")
	for _, want := range []string{"appProtocol: kubernetes.io/h2c", "appProtocol: kubernetes.io/ws"} {
		if !strings.Contains(out, want) {
			t.Errorf("%s was rewritten:\n%s", want, out)
		}
	}
}

// With injection.style annotation the function says when the annotation
// alone injects nothing (a namespace without injection labels).
func TestAnnotationStyleWarnsWithoutNamespaceLabel(t *testing.T) {
	_, results := process(t, deploymentWith("Deployment", "apps/v1", ""), "  injection: {style: annotation}\n")
	found := false
	for _, r := range results {
		if strings.Contains(r.Message, "not injected by the annotation alone") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning that the annotation alone does not inject; results: %v", results)
	}
	ns := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: onap\n  labels: {istio-injection: enabled}\n---\n"
	_, results = process(t, ns+deploymentWith("Deployment", "apps/v1", ""), "  injection: {style: annotation}\n")
	for _, r := range results {
		if strings.Contains(r.Message, "not injected by the annotation alone") {
			t.Errorf("warned although the namespace injects: %s", r.Message)
		}
	}
}

// A client URL names a Service under the cluster domain the function is
// configured with (spec.clusterDomain), as lint reads it under its own:
// http://web.onap.svc.example.org:9000 is HTTP evidence for port 9000 of
// web in a cluster whose domain is example.org, and names nothing in a
// cluster.local one.
func TestClientURLsUnderClusterDomain(t *testing.T) {
	in := deploymentWith("Deployment", "apps/v1", "") + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: onap}\nspec:\n  selector: {app: web}\n" +
		"  ports:\n  - {name: svc9000, port: 9000}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: caller, namespace: onap}\ndata:\n  url: http://web.onap.svc.example.org:9000/v1\n"
	for _, c := range []struct{ spec, want string }{
		{"  clusterDomain: example.org\n", "name: http-svc9000"},
		{"", "name: tcp-svc9000"},
	} {
		out, results := process(t, in, c.spec)
		if !strings.Contains(out, c.want) {
			t.Errorf("spec %q: want %q; results: %v\n%s", c.spec, c.want, results, out)
		}
	}
}
