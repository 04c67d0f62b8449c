package policies_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshready/meshready/internal/mesh/meshtest"
	"github.com/meshready/meshready/rules"
)

// The conformance tables of internal/mesh (testdata/*.tsv, each case naming
// its source in Istio) run through the Rego library here, exactly as the
// rules read them, so the Go model and the rules cannot drift apart.

var libQuery = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
	mods, err := rules.Builtin().Modules(false)
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	opts := []func(*rego.Rego){rego.Query(`x := {"ports": data.meshready.lib.svc_ports, "pods": data.meshready.lib.pods, "hosts": data.meshready.lib.host_services}`), rego.StrictBuiltinErrors(true)}
	for name, src := range mods {
		opts = append(opts, rego.Module(name, src))
	}
	return rego.New(opts...).PrepareForEval(context.Background())
})

// lib evaluates the library over input and returns svc_ports, pods and host_services.
func lib(t *testing.T, input map[string]any) map[string]any {
	t.Helper()
	q, err := libQuery()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := q.Eval(context.Background(), rego.EvalInput(input))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d results", len(rs))
	}
	return rs[0].Bindings["x"].(map[string]any)
}

func TestProtocolConformance(t *testing.T) {
	for _, r := range meshtest.Table(t, "selection.tsv") {
		port, _ := strconv.Atoi(r.Cols[2])
		p := map[string]any{"port": port}
		for i, k := range []string{"name", "appProtocol"} {
			if r.Cols[i] != "" {
				p[k] = r.Cols[i]
			}
		}
		if r.Cols[3] != "" {
			p["protocol"] = r.Cols[3]
		}
		svc := map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s"}, "spec": map[string]any{"ports": []any{p}}}
		out := lib(t, map[string]any{"resources": []any{svc}, "settings": map[string]any{"namespace": "onap"}})
		ports, _ := out["ports"].(map[string]any)["0"].([]any)
		if len(ports) != 1 {
			t.Fatalf("%s: svc_ports = %v", r, out["ports"])
		}
		got := ports[0].(map[string]any)["protocol"]
		want := strings.ToLower(r.Cols[4])
		if want == "unsupportedprotocol" {
			want = ""
		}
		if got != want {
			t.Errorf("%s: the rules read protocol %q, want %q (%s)", r, got, want, r.Cols[4])
		}
	}
}

func TestInjectionConformance(t *testing.T) {
	for _, r := range meshtest.Table(t, "injection.tsv") {
		pod := map[string]any{
			"metadata": map[string]any{"labels": toAny(meshtest.Map(r.Cols[5])), "annotations": toAny(meshtest.Map(r.Cols[6]))},
			"spec":     map[string]any{"hostNetwork": r.Cols[7] == "true", "containers": []any{map[string]any{"name": "app"}}},
		}
		dep := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "app", "namespace": r.Cols[3]}, "spec": map[string]any{"template": pod}}
		settings := map[string]any{"namespace": r.Cols[3], "namespaceLabels": toAny(meshtest.Map(r.Cols[4])), "istioVersion": r.Cols[0], "istioFlavor": r.Cols[1]}
		if r.Cols[2] != "" {
			var revs []any
			for _, rev := range strings.Split(r.Cols[2], ",") {
				revs = append(revs, rev)
			}
			settings["revisions"] = revs
		}
		out := lib(t, map[string]any{"resources": []any{dep}, "settings": settings})
		pods, _ := out["pods"].(map[string]any)
		p, ok := pods["0"].(map[string]any)
		if strings.HasPrefix(r.Cols[3], "kube-") {
			// Objects in namespaces Istio ignores are Istio's own: no rule judges them.
			if ok {
				t.Errorf("%s: a workload in %s is judged by the rules", r, r.Cols[3])
			}
			continue
		}
		if !ok {
			t.Fatalf("%s: lib.pods = %v", r, out["pods"])
		}
		if got, want := p["injected"], r.Cols[8] == "injected"; got != want {
			t.Errorf("%s (%s): the rules read injected = %v (%v), want %v", r, r.Cols[9], got, p["reason"], want)
		}
	}
}

func TestHostConformance(t *testing.T) {
	for _, r := range meshtest.Table(t, "hosts.tsv") {
		svc := map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": r.Cols[2], "namespace": r.Cols[3]}, "spec": map[string]any{}}
		dr := map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": map[string]any{"name": "dr", "namespace": r.Cols[1]}, "spec": map[string]any{"host": r.Cols[0]}}
		// A client in the rule's namespace: a DestinationRule applies to its own namespace's
		// clients whatever the Service's namespace (EffectiveDestinationRules).
		client := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "client", "namespace": r.Cols[1]},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c"}}}}}}
		out := lib(t, map[string]any{"resources": []any{svc, dr, client}, "settings": map[string]any{"namespace": "onap"}})
		hosts, _ := out["hosts"].(map[string]any)
		got := fmt.Sprint(hosts["1"])
		if want := map[bool]string{true: "[0]", false: "[]"}[r.Cols[4] == "match"]; got != want {
			t.Errorf("%s (%s): host_services = %s, want %s", r, r.Cols[5], got, want)
		}
	}
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestAnnotationConformance(t *testing.T) {
	for _, r := range meshtest.Table(t, "annotations.tsv") {
		value, err := strconv.Unquote(r.Cols[2])
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		pod := map[string]any{
			"metadata": map[string]any{"annotations": map[string]any{r.Cols[1]: value}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "app"}}},
		}
		dep := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "app"}, "spec": map[string]any{"template": pod}}
		settings := map[string]any{"namespace": "onap", "namespaceLabels": map[string]any{"istio-injection": "enabled"}, "istioVersion": r.Cols[0]}
		out := lib(t, map[string]any{"resources": []any{dep}, "settings": settings})
		p, _ := out["pods"].(map[string]any)["0"].(map[string]any)
		rejected, _ := p["rejected"].([]any)
		if got := map[bool]string{true: "valid", false: "rejected"}[len(rejected) == 0]; got != r.Cols[3] {
			t.Errorf("%s (%s): the rules read %s=%q at %s as %s (%v), want %s", r, r.Cols[4], r.Cols[1], value, r.Cols[0], got, rejected, r.Cols[3])
		}
	}
}

func TestNativeSidecarConformance(t *testing.T) {
	for _, r := range meshtest.Table(t, "native.tsv") {
		tmpl := map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "job"}}}}
		if r.Cols[1] != "" {
			a, err := strconv.Unquote(r.Cols[1])
			if err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			tmpl["metadata"] = map[string]any{"annotations": map[string]any{"sidecar.istio.io/nativeSidecar": a}}
		}
		job := map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j"}, "spec": map[string]any{"template": tmpl}}
		settings := map[string]any{"namespace": "onap", "namespaceLabels": map[string]any{"istio-injection": "enabled"}, "istioVersion": r.Cols[0],
			"nativeSidecars": r.Cols[2] == "true", "kubernetesVersion": r.Cols[3]}
		out := lib(t, map[string]any{"resources": []any{job}, "settings": settings})
		p, _ := out["pods"].(map[string]any)["0"].(map[string]any)
		if got, want := p["native_sidecars"], r.Cols[4] == "native"; got != want {
			t.Errorf("%s (%s): the rules read native_sidecars = %v, want %v", r, r.Cols[5], got, want)
		}
	}
}
