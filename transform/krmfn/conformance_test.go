package krmfn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/mesh/meshtest"
)

// The conformance tables of internal/mesh run through the function: each
// row becomes a small ResourceList, the function runs over it, and its
// output carries the row's verdict.

// fnItems runs the function (validation off) with spec lines added to the
// MeshReady config and returns the output items and the results.
func fnItems(t *testing.T, input, spec string) ([]*yaml.RNode, framework.Results) {
	t.Helper()
	cfg := "apiVersion: fn.meshready.dev/v1alpha1\nkind: MeshReady\nmetadata: {name: m}\nspec:\n  validation: {enabled: false}\n" + spec
	rl := &framework.ResourceList{Items: parseItems(t, input), FunctionConfig: yaml.MustParse(cfg)}
	if err := (&Processor{}).Process(rl); err != nil {
		t.Fatalf("fn: %v", err)
	}
	return rl.Items, rl.Results
}

// flow writes a map as a YAML flow mapping of quoted strings.
func flow(m map[string]string) string {
	var kv []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		kv = append(kv, strconv.Quote(k)+": "+strconv.Quote(m[k]))
	}
	return "{" + strings.Join(kv, ", ") + "}"
}

// injection.tsv: a Namespace with the row's labels and a Deployment with
// its pod labels and annotations. The function's readiness check of its
// output, at the row's Istio release, states the row's verdict:
//   - injection off, the pod passes through: a pod the row injects is not
//     reported, one it does not inject is reported "not injected" (or
//     excused as Readiness excuses it: hostNetwork, or an inject value of
//     its own that opts out);
//   - injection on: a pod the row injects stays injected, and where the
//     row's namespace keeps the sidecar out (istio-injection=disabled) or
//     the pod uses hostNetwork, the function's label
//     changes nothing and it does not claim the pod ready.
//
// fn has no setting for the Istio flavour or installed revisions, and the
// model leaves the ignored namespaces' objects unjudged: those rows are
// skipped by name, with the reason.
func TestInjectionTableThroughFn(t *testing.T) {
	const (
		colVersion = iota
		colFlavor
		colRevisions
		colNS
		colNSLabels
		colPodLabels
		colPodAnnotations
		colHostNetwork
		colWant
		colSource
	)
	ran := 0
	for _, row := range meshtest.Table(t, "injection.tsv") {
		c := row.Cols
		t.Run(fmt.Sprintf("%s %s", row, c[colSource]), func(t *testing.T) {
			switch {
			case c[colFlavor] != "":
				t.Skipf("fn cannot express the Istio flavour %q (no functionConfig setting)", c[colFlavor])
			case c[colRevisions] != "":
				t.Skipf("fn cannot express installed revisions %q (no functionConfig setting)", c[colRevisions])
			case c[colNS] == "kube-system" || c[colNS] == "kube-public":
				t.Skipf("the model does not judge objects of %s as application workloads (mesh.IstioObject): fn's readiness check states nothing about them", c[colNS])
			}
			ran++
			podLabels := meshtest.Map(c[colPodLabels])
			podLabels["app"] = "web"
			input := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + c[colNS] + "\n  labels: " + flow(meshtest.Map(c[colNSLabels])) + "\n---\n" +
				"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: " + c[colNS] + "}\nspec:\n  template:\n    metadata:\n" +
				"      labels: " + flow(podLabels) + "\n      annotations: " + flow(meshtest.Map(c[colPodAnnotations])) + "\n" +
				"    spec:\n      hostNetwork: " + c[colHostNetwork] + "\n      containers: [{name: web, image: web}]\n"
			version := "  istio: {version: \"" + c[colVersion] + "\"}\n"
			spec := DefaultSpec()
			spec.Namespace, spec.Istio.Version = c[colNS], c[colVersion]
			notInjected := func(items []*yaml.RNode) []string {
				return readinessAbout(t, spec, items, "pod template not injected")
			}
			injected := c[colWant] == "injected"
			hostNetwork := c[colHostNetwork] == "true"
			ownValue := meshtest.Map(c[colPodLabels])[mesh.InjectKey] != "" || meshtest.Map(c[colPodAnnotations])[mesh.InjectKey] != ""

			// injection off: the verdict passes through
			items, _ := fnItems(t, input, version+"  injection: {enabled: false}\n")
			got := notInjected(items)
			switch {
			case injected && len(got) > 0:
				t.Errorf("passed through: the row injects the pod, fn's readiness says %q", got)
			case !injected && len(got) == 0 && !hostNetwork && !ownValue:
				t.Errorf("passed through: the row does not inject the pod, fn's readiness does not say so")
			}

			// injection on
			items, results := fnItems(t, input, version)
			got = notInjected(items)
			switch {
			case injected && len(got) > 0:
				t.Errorf("injected: fn broke an injected pod: %q", got)
			case injected:
			case hostNetwork:
				found := false
				for _, r := range results {
					found = found || strings.Contains(r.Message, "not injected: a hostNetwork pod")
				}
				if !found {
					t.Errorf("hostNetwork: fn does not report the pod stays without a sidecar; results %v", results)
				}
			case meshtest.Map(c[colNSLabels])["istio-injection"] == "disabled":
				if len(got) == 0 {
					t.Errorf("the namespace keeps the sidecar out, yet fn's output is claimed ready")
				}
			}
		})
	}
	if ran == 0 {
		t.Fatal("no injection row ran through fn")
	}
}

// selection.tsv: a Service with the row's port and a Deployment behind it.
// A port whose protocol the row says Istio reads from its name or
// appProtocol keeps it through fn (fn corrects only what evidence
// contradicts: the rows it corrects are listed); a port Istio sniffs gets
// a name (ports.mode prefix) or an appProtocol (ports.mode appProtocol)
// that mesh.SelectFor reads as a protocol, the same one in both modes.
// UDP and SCTP ports are not proxied and stay as they are.
func TestSelectionTableThroughFn(t *testing.T) {
	// Rows where fn deliberately writes another protocol than the row's
	// name declares, and why; each must really be corrected.
	corrected := map[string]string{
		"http-transport\t\t9300": "9300 is Elasticsearch's binary transport port: Mismatch names it tcp (port-protocol-mismatch)",
	}
	for _, row := range meshtest.Table(t, "selection.tsv") {
		c := row.Cols
		name, appProtocol, port, transport, expected := c[0], c[1], c[2], c[3], c[4]
		t.Run(fmt.Sprintf("%s %s/%s/%s/%s", row, name, appProtocol, port, transport), func(t *testing.T) {
			item := "{port: " + port
			if name != "" {
				item += ", name: " + strconv.Quote(name)
			}
			if appProtocol != "" {
				item += ", appProtocol: " + strconv.Quote(appProtocol)
			}
			if transport != "" {
				item += ", protocol: " + transport
			}
			item += "}"
			input := deploymentWith("Deployment", "apps/v1", "") +
				"---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: onap}\nspec:\n  selector: {app: web}\n  ports: [" + item + "]\n"
			outPort := func(mode string) mesh.Port {
				items, _ := fnItems(t, input, "  injection: {enabled: false}\n  ports: {mode: "+mode+"}\n")
				for _, it := range items {
					if it.GetKind() == "Service" {
						pm, _ := plain(seq(it.YNode(), "spec", "ports")[0]).(map[string]any)
						return mesh.PortOf(pm)
					}
				}
				t.Fatal("no Service in the output")
				return mesh.Port{}
			}
			prefix, app := outPort("prefix"), outPort("appProtocol")
			gotPrefix, gotApp := mesh.SelectFor(mesh.LatestVersion, prefix), mesh.SelectFor(mesh.LatestVersion, app)
			key := strings.Join([]string{name, appProtocol, port}, "\t")
			switch {
			case expected == "UDP" || transport == "SCTP":
				if prefix.Name != name || app.AppProtocol != appProtocol {
					t.Errorf("a port Istio does not proxy was rewritten: name %q, appProtocol %q", prefix.Name, app.AppProtocol)
				}
			case corrected[key] != "":
				if string(gotPrefix) == expected {
					t.Errorf("listed as corrected (%s), but fn kept %s", corrected[key], expected)
				}
			case expected == string(mesh.Unsupported):
				if gotPrefix == mesh.Unsupported || gotPrefix != gotApp {
					t.Errorf("Istio sniffs this port; fn wrote name %q (%s) and appProtocol %q (%s): want one declared protocol", prefix.Name, gotPrefix, app.AppProtocol, gotApp)
				}
			default:
				if string(gotPrefix) != expected || string(gotApp) != expected {
					t.Errorf("declared %s; after fn Istio reads %s (name %q) and %s (appProtocol %q)", expected, gotPrefix, prefix.Name, gotApp, app.AppProtocol)
				}
			}
		})
	}
}
