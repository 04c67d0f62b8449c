// Tests of the built-in rules through the policy engine (package rules), so
// that they load, sandbox and evaluate the policies exactly as lint does.
package policies_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
	"github.com/meshready/meshready/rules"
)

var compileBuiltin = sync.OnceValues(func() (*rules.Engine, error) {
	return rules.New(context.Background(), rules.Builtin())
})

// engine is the built-in rules, compiled once for all tests.
func engine(t *testing.T) *rules.Engine {
	t.Helper()
	e, err := compileBuiltin()
	if err != nil {
		t.Fatalf("compiling the built-in rules: %v", err)
	}
	if len(e.Packages()) == 0 {
		t.Fatal("no rule packages embedded: check the //go:embed patterns")
	}
	return e
}

func TestRegoUnitTests(t *testing.T) {
	pkgs := engine(t).Packages()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results, err := rules.RunTests(ctx, 30*time.Second, rules.Builtin())
	if err != nil {
		t.Fatalf("compiling policies and tests: %v", err)
	}
	passed := 0
	perPackage := map[string]int{}
	for _, r := range results {
		switch {
		case r.Pass:
			passed++
			perPackage[strings.TrimPrefix(r.Package, "data.")]++
		case r.Skip:
			t.Logf("%s.%s: skipped", r.Package, r.Name)
		default:
			t.Errorf("%s.%s (%s): %s", r.Package, r.Name, r.File, r.Err)
		}
	}
	// Guard against silently running nothing: every rule has tests for its
	// passing and its failing case, in the package beside it.
	if want := 2 * len(pkgs); passed < want {
		t.Errorf("%d Rego tests passed, want at least %d (2 per rule package)", passed, want)
	}
	for _, p := range pkgs {
		test := rules.RulesPackage + "." + p.Name + "_test"
		if n := perPackage[test]; n < 2 {
			t.Errorf("%s (%s): %d passing tests in package %s, want at least 2", p.Name, strings.Join(p.Files, ", "), n, test)
		}
	}
	t.Logf("%d Rego tests passed (%d rule packages)", passed, len(pkgs))
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

func TestRuleMetadata(t *testing.T) {
	// Built-in file names carry the source's prefix ("builtin:").
	prefix := rules.Builtin().(rules.FSSource).Prefix
	seen := map[string]string{}
	families := map[string]bool{} // declared by policies/rules/<family>/family.rego
	for _, f := range engine(t).Families() {
		families[f.ID] = true
	}
	for _, p := range engine(t).Packages() {
		file := strings.Join(p.Files, ", ")
		if len(p.Files) > 1 {
			t.Errorf("package %s is defined in %s: one rule per package", p.Name, file)
		}
		if !p.Findings {
			t.Errorf("%s: package %s defines no findings", file, p.Name)
		}
		r := p.Rule
		if r.ID == "" {
			t.Errorf("%s: no package-scope METADATA with custom.id", file)
			continue
		}
		switch {
		case !kebab.MatchString(r.ID):
			t.Errorf("%s: custom.id %q is not kebab-case", file, r.ID)
		case seen[r.ID] != "":
			t.Errorf("%s: custom.id %q is already used by %s", file, r.ID, seen[r.ID])
		}
		seen[r.ID] = file
		name := strings.ReplaceAll(r.ID, "-", "_")
		if p.Name != name {
			t.Errorf("%s: package %s.%s, want %s.%s for id %s", file, rules.RulesPackage, p.Name, rules.RulesPackage, name, r.ID)
		}
		if want := prefix + path.Join("rules", r.Family, name+".rego"); r.Source != want {
			t.Errorf("%s: rule %s of family %s belongs in %s", r.Source, r.ID, r.Family, want)
		}
		if _, ok := finding.ParseSeverity(string(r.Severity)); !ok {
			t.Errorf("%s: custom.severity %q is not error, warning or info", file, r.Severity)
		}
		if !families[r.Family] {
			t.Errorf("%s: custom.family %q is not declared in policies/rules/%s/family.rego", file, r.Family, r.Family)
		}
		if r.Family == "mtls" && !strings.HasPrefix(r.ID, "mtls-") {
			t.Errorf("%s: mtls rule id %q must start with mtls-", file, r.ID)
		}
		if strings.TrimSpace(r.Title) == "" || r.Description == "" || r.Remediation == "" {
			t.Errorf("%s: METADATA needs title, description and custom.remediation", file)
		}
	}
}

type hit struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Value    string `json:"value"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// evaluate runs every rule over objects (refs names each one) and checks each
// finding against the contract in README.md.
func evaluate(t *testing.T, objects []map[string]any, refs []string, s rules.Settings) []hit {
	t.Helper()
	raw, err := engine(t).Evaluate(context.Background(), objects, s)
	if err != nil {
		t.Fatalf("evaluating rules with settings %+v: %v", s, err)
	}
	var hits []hit
	for _, h := range raw {
		id := h.Rule.ID
		if h.Resource < 0 || h.Resource >= len(objects) {
			t.Errorf("%s: resource %d is not an index into input.resources", id, h.Resource)
			continue
		}
		// The engine falls back to the title when a finding has no message.
		if h.Message == "" || h.Message == h.Rule.Title {
			t.Errorf("%s: finding on %s has no message", id, refs[h.Resource])
		}
		if _, err := resource.ParsePath(h.Field); err != nil || h.Field == "" {
			t.Errorf("%s: field %q is not a field path: %v", id, h.Field, err)
		}
		hits = append(hits, hit{Rule: id, Resource: refs[h.Resource], Field: h.Field, Value: h.Value, Message: h.Message, Severity: string(h.Severity)})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Message, b.Message))
	})
	return hits
}

// TestMixedChart runs every rule over a chart with one of each problem:
// each rule must fire, every reported field must exist in the object when
// the finding names a value, and the findings match the golden file.
func TestMixedChart(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mixed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := resource.Parse("testdata/mixed.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	objects := make([]map[string]any, len(docs))
	refs := make([]string, len(docs))
	byRef := map[string]map[string]any{}
	for i, d := range docs {
		objects[i], refs[i] = d.Object, d.Ref.String()
		byRef[refs[i]] = d.Object
	}
	hits := evaluate(t, objects, refs, rules.Settings{Namespace: "onap", TraceFormat: "b3"})

	fired := map[string]bool{}
	for _, h := range hits {
		fired[h.Rule] = true
		if h.Value == "" {
			continue
		}
		if _, ok := resource.Lookup(byRef[h.Resource], h.Field); !ok {
			t.Errorf("%s on %s: field %s (value %q) is not in the object", h.Rule, h.Resource, h.Field, h.Value)
		}
	}
	for _, r := range engine(t).Rules() {
		if !fired[r.ID] {
			t.Errorf("rule %s did not fire on testdata/mixed.yaml", r.ID)
		}
	}

	got, err := json.MarshalIndent(hits, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	testutil.Golden(t, filepath.Join("testdata", "mixed.golden.json"), got)
}

// TestHostileInput feeds nulls and wrong types everywhere a chart could
// render them: no rule may fail evaluation under the engine's strict
// built-in errors.
func TestHostileInput(t *testing.T) {
	var objects []map[string]any
	if err := json.Unmarshal([]byte(hostile), &objects); err != nil {
		t.Fatal(err)
	}
	refs := make([]string, len(objects))
	for i := range refs {
		refs[i] = fmt.Sprintf("#%d", i)
	}
	for _, s := range []rules.Settings{
		{},
		{NamespaceLabels: map[string]string{"istio-injection": ""}, TraceFormat: "zipkin", NativeSidecars: true},
		{Namespace: "onap", NamespaceLabels: map[string]string{"istio-injection": "enabled"}, TraceFormat: "w3c"},
	} {
		evaluate(t, objects, refs, s)
	}
}

// Evaluate takes objects, as resource.Parse yields them (it rejects a
// document that is a scalar or a list), so the top level holds objects or null.
const hostile = `[
	null, {}, {"kind": 5}, {"kind": null},
	{"kind": "Deployment", "metadata": null, "spec": null},
	{"kind": "Deployment", "spec": {"template": null}},
	{"kind": "StatefulSet", "spec": {"template": {"metadata": {"labels": null, "annotations": null}, "spec": {"containers": null, "initContainers": null, "securityContext": null}}}},
	{"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"sidecar.istio.io/inject": true, "proxy.istio.io/config": null}}, "spec": {"containers": [{"name": "c", "command": null}]}}}}}},
	{"kind": "Job", "metadata": {"annotations": {"sidecar.istio.io/inject": 1}}, "spec": {"template": {"metadata": {"annotations": {"sidecar.istio.io/inject": "true"}}, "spec": {"initContainers": [null, {"name": 3, "image": null, "env": [null, {"name": "U", "value": 3}], "args": [1, null]}], "containers": [null]}}}},
	{"kind": "Pod", "metadata": {"name": null, "namespace": 7, "annotations": {"sidecar.istio.io/inject": null, "sidecar.istio.io/rewriteAppHTTPProbers": false, "traffic.sidecar.istio.io/excludeInboundPorts": 8080, "meshready.io/trace-propagation": null}},
	 "spec": {"hostNetwork": "true", "volumes": [null, {"configMap": null}, {"projected": {"sources": [null, {"configMap": {"name": 5}}]}}],
	  "securityContext": {"runAsUser": "1337"},
	  "containers": [null, {"name": null, "ports": [null, 5, {"containerPort": "15000", "name": null}, {"containerPort": 15000}], "env": [null, {"name": null}, {"name": "X", "valueFrom": {"configMapKeyRef": {"name": 3, "key": null}}}, {"name": "OTEL_PROPAGATORS", "value": null}], "envFrom": [null, {"configMapRef": null}, {"configMapRef": {"name": "cm"}, "prefix": 5}], "command": "not-a-list", "args": {"a": 1}, "securityContext": null, "livenessProbe": {"httpGet": null}, "readinessProbe": null}], "initContainers": 5}},
	{"kind": "Service", "metadata": {"name": 5}, "spec": {"ports": null, "selector": null, "clusterIP": null}},
	{"kind": "Service", "spec": {"clusterIP": "None", "selector": {"app": null}, "ports": [null, 5, {"name": 5, "port": "x", "targetPort": null, "appProtocol": 7, "protocol": null}, {"port": 9300, "targetPort": "9300", "name": "http"}, {"port": 80, "targetPort": "", "appProtocol": null}]}},
	{"kind": "Service", "spec": {"selector": {"app": "x"}, "ports": [{"name": "http", "port": 80, "targetPort": "web"}]}},
	{"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "x", "ports": [{"name": null, "containerPort": null}]}]}}}},
	{"kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": 5, "nginx.conf": null, "application.yml": "management: [unclosed", "b.yaml": "- a\n- b", "c.yml": "management:\n  tracing: null\n"}},
	{"kind": "ConfigMap", "data": null},
	{"kind": "Namespace", "metadata": {"name": "onap", "labels": null}},
	{"kind": "PeerAuthentication", "spec": {"mtls": null, "portLevelMtls": {"80": null, "81": {"mode": 5}}, "selector": {"matchLabels": null}}},
	{"kind": "PeerAuthentication", "spec": null},
	{"kind": "DestinationRule", "spec": {"host": 5, "trafficPolicy": {"tls": null, "portLevelSettings": [null, {"tls": {"mode": null}}]}, "subsets": [null, {"trafficPolicy": null}]}},
	{"kind": "DestinationRule", "spec": {"host": "*", "trafficPolicy": {"tls": {"mode": "DISABLE"}}}},
	{"kind": "VirtualService", "spec": {"http": [null, {"headers": {"request": {"remove": null, "set": null}}, "route": [null, {"headers": null}]}, {"headers": {"request": {"remove": [null, 5, "b3"], "set": {"traceparent": null}}}}]}},
	{"kind": "EnvoyFilter", "spec": {"configPatches": [null, {"patch": null}, {"patch": "remove x-request-id"}]}}
]`
