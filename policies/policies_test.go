package policies

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/meshready/meshready/internal/resource"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current rules")

// deniedBuiltins mirrors the engine's sandbox (rules/capabilities.go): a
// built-in rule that calls one of these would fail to load there.
var deniedBuiltins = map[string]bool{
	"http.send": true, "net.lookup_ip_addr": true, "opa.runtime": true,
	"time.now_ns": true, "rand.intn": true, "uuid.rfc4122": true,
}

func capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := c.Builtins[:0:0]
	for _, b := range c.Builtins {
		if !deniedBuiltins[b.Name] {
			kept = append(kept, b)
		}
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}

// loadModules parses the embedded policies, with or without their tests.
func loadModules(t *testing.T, withTests bool) map[string]*ast.Module {
	t.Helper()
	mods := map[string]*ast.Module{}
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !withTests && strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		src, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		mods[p] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mods
}

// rulePackages maps each rule package (meshready.rules.x) to its file.
func rulePackages(t *testing.T, mods map[string]*ast.Module) map[string]string {
	t.Helper()
	out := map[string]string{}
	for file, m := range mods {
		if strings.HasPrefix(file, "rules/") && !strings.HasSuffix(file, "_test.rego") {
			pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
			if prev, dup := out[pkg]; dup {
				t.Errorf("package %s is defined in %s and %s: one rule per package", pkg, prev, file)
			}
			out[pkg] = file
		}
	}
	if len(out) == 0 {
		t.Fatal("no rule packages embedded: check the //go:embed patterns")
	}
	return out
}

func TestRegoUnitTests(t *testing.T) {
	mods := loadModules(t, true)
	rules := rulePackages(t, mods)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithCapabilities(capabilities()).WithDefaultRegoVersion(ast.RegoV1)).
		SetDefaultRegoVersion(ast.RegoV1).
		SetModules(mods).
		RaiseBuiltinErrors(true).
		SetTimeout(30 * time.Second)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		t.Fatalf("compiling policies and tests: %v", err)
	}
	passed := 0
	perPackage := map[string]int{}
	for r := range ch {
		switch {
		case r.Error != nil:
			t.Errorf("%s.%s (%s): error: %v", r.Package, r.Name, r.Location, r.Error)
		case r.Fail:
			at := ""
			if r.FailedAt != nil {
				at = fmt.Sprintf(" at %s: %s", r.FailedAt.Location, r.FailedAt)
			}
			t.Errorf("%s.%s (%s): FAIL%s", r.Package, r.Name, r.Location, at)
		case r.Skip:
			t.Logf("%s.%s: skipped", r.Package, r.Name)
		default:
			passed++
			perPackage[strings.TrimPrefix(r.Package, "data.")]++
		}
	}
	// Guard against silently running nothing: every rule has tests for its
	// passing and its failing case, in the package beside it.
	if want := 2 * len(rules); passed < want {
		t.Errorf("%d Rego tests passed, want at least %d (2 per rule package)", passed, want)
	}
	for pkg, file := range rules {
		if n := perPackage[pkg+"_test"]; n < 2 {
			t.Errorf("%s (%s): %d passing tests in package %s_test, want at least 2", pkg, file, n, pkg)
		}
	}
	t.Logf("%d Rego tests passed (%d rule packages)", passed, len(rules))
}

var (
	kebab      = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	severities = map[string]bool{"error": true, "warning": true, "info": true}
	families   = map[string]bool{"injection": true, "ports": true, "tracing": true, "mtls": true}
)

func TestRuleMetadata(t *testing.T) {
	mods := loadModules(t, false)
	seen := map[string]string{}
	for pkg, file := range rulePackages(t, mods) {
		m := mods[file]
		var meta *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				meta = a
			}
		}
		if meta == nil {
			t.Errorf("%s: no package-scope METADATA", file)
			continue
		}
		custom := func(k string) string { s, _ := meta.Custom[k].(string); return strings.TrimSpace(s) }
		id, sev, family := custom("id"), custom("severity"), custom("family")
		switch {
		case !kebab.MatchString(id):
			t.Errorf("%s: custom.id %q is not kebab-case", file, id)
		case seen[id] != "":
			t.Errorf("%s: custom.id %q is already used by %s", file, id, seen[id])
		}
		seen[id] = file
		if want := "meshready.rules." + strings.ReplaceAll(id, "-", "_"); pkg != want {
			t.Errorf("%s: package %s, want %s for id %s", file, pkg, want, id)
		}
		if want := path.Join("rules", family, strings.ReplaceAll(id, "-", "_")+".rego"); file != want {
			t.Errorf("%s: rule %s of family %s belongs in %s", file, id, family, want)
		}
		if !severities[sev] {
			t.Errorf("%s: custom.severity %q is not error, warning or info", file, sev)
		}
		if !families[family] {
			t.Errorf("%s: custom.family %q is not injection, ports, tracing or mtls", file, family)
		}
		if family == "mtls" && !strings.HasPrefix(id, "mtls-") {
			t.Errorf("%s: mtls rule id %q must start with mtls-", file, id)
		}
		if strings.TrimSpace(meta.Title) == "" || strings.TrimSpace(meta.Description) == "" || custom("remediation") == "" {
			t.Errorf("%s: METADATA needs title, description and custom.remediation", file)
		}
		if !definesFindings(m) {
			t.Errorf("%s: package %s defines no findings", file, pkg)
		}
	}
}

func definesFindings(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Name.String() == "findings" || r.Head.Ref().String() == "findings" {
			return true
		}
	}
	return false
}

// evaluator compiles the rules (tests left out, as the engine does) with
// strict built-in errors: a helper handed a null must not error on a chart.
func evaluator(t *testing.T) rego.PreparedEvalQuery {
	t.Helper()
	compiler := ast.NewCompiler().WithCapabilities(capabilities())
	if compiler.Compile(loadModules(t, false)); compiler.Failed() {
		t.Fatal(compiler.Errors)
	}
	q, err := rego.New(
		rego.Query("out := [[p, f] | some p; some f in data.meshready.rules[p].findings]"),
		rego.Compiler(compiler),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

type hit struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Value    string `json:"value"`
	Message  string `json:"message"`
	Severity string `json:"severity,omitempty"`
}

// evaluate runs every rule over input and checks each finding against the
// contract in README.md.
func evaluate(t *testing.T, q rego.PreparedEvalQuery, input map[string]any, refs []string) []hit {
	t.Helper()
	rs, err := q.Eval(context.Background(), rego.EvalInput(input))
	if err != nil {
		t.Fatalf("evaluating rules: %v", err)
	}
	if len(rs) != 1 {
		t.Fatalf("want one result set, got %d", len(rs))
	}
	pairs, _ := rs[0].Bindings["out"].([]any)
	var hits []hit
	for _, p := range pairs {
		pair := p.([]any)
		pkg, f := pair[0].(string), pair[1]
		m, ok := f.(map[string]any)
		if !ok {
			t.Errorf("%s: finding %v is not an object", pkg, f)
			continue
		}
		h := hit{Rule: pkg}
		n, ok := m["resource"].(json.Number)
		idx, err := n.Int64()
		if !ok || err != nil || idx < 0 || int(idx) >= len(refs) {
			t.Errorf("%s: resource %v is not an index into input.resources", pkg, m["resource"])
			continue
		}
		h.Resource = refs[idx]
		for k, dst := range map[string]*string{"field": &h.Field, "value": &h.Value, "message": &h.Message} {
			s, ok := m[k].(string)
			if !ok {
				t.Errorf("%s: %s %v is not a string", pkg, k, m[k])
			}
			*dst = s
		}
		if sev, ok := m["severity"]; ok {
			h.Severity, _ = sev.(string)
			if !severities[h.Severity] {
				t.Errorf("%s: severity %v is not error, warning or info", pkg, sev)
			}
		}
		if h.Message == "" {
			t.Errorf("%s: finding on %s has no message", pkg, h.Resource)
		}
		if _, err := resource.ParsePath(h.Field); err != nil || h.Field == "" {
			t.Errorf("%s: field %q is not a field path: %v", pkg, h.Field, err)
		}
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		return fmt.Sprint(a.Rule, a.Resource, a.Field, a.Message) < fmt.Sprint(b.Rule, b.Resource, b.Field, b.Message)
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
	objects := make([]any, len(docs))
	refs := make([]string, len(docs))
	for i, d := range docs {
		objects[i] = d.Object
		refs[i] = d.Ref.String()
	}
	input := map[string]any{
		"resources": objects,
		"settings":  map[string]any{"namespace": "onap", "namespaceLabels": map[string]any{}, "traceFormat": "b3"},
	}
	hits := evaluate(t, evaluator(t), input, refs)

	fired := map[string]bool{}
	for _, h := range hits {
		fired[h.Rule] = true
		if h.Value == "" {
			continue
		}
		var obj map[string]any
		for i, r := range refs {
			if r == h.Resource {
				obj = docs[i].Object
			}
		}
		if _, ok := resource.Lookup(obj, h.Field); !ok {
			t.Errorf("%s on %s: field %s (value %q) is not in the object", h.Rule, h.Resource, h.Field, h.Value)
		}
	}
	for pkg := range rulePackages(t, loadModules(t, false)) {
		if name := strings.TrimPrefix(pkg, "meshready.rules."); !fired[name] {
			t.Errorf("rule %s did not fire on testdata/mixed.yaml", name)
		}
	}

	got, err := json.MarshalIndent(hits, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "mixed.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./policies/ -run TestMixedChart -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("findings differ from %s (rerun with -update and review the diff):\n%s", golden, got)
	}
}

// TestHostileInput feeds nulls and wrong types everywhere a chart could
// render them: no rule may fail evaluation under strict built-in errors.
func TestHostileInput(t *testing.T) {
	var resources []any
	if err := json.Unmarshal([]byte(hostile), &resources); err != nil {
		t.Fatal(err)
	}
	refs := make([]string, len(resources))
	for i := range refs {
		refs[i] = fmt.Sprintf("#%d", i)
	}
	q := evaluator(t)
	for _, settings := range []any{
		nil,
		map[string]any{"namespace": nil, "namespaceLabels": nil, "traceFormat": nil, "nativeSidecars": "yes"},
		map[string]any{"namespace": "onap", "namespaceLabels": map[string]any{"istio-injection": "enabled"}, "traceFormat": "w3c"},
	} {
		input := map[string]any{"resources": resources}
		if settings != nil {
			input["settings"] = settings
		}
		evaluate(t, q, input, refs)
	}
}

const hostile = `[
	null, "text", 5, {}, {"kind": 5}, {"kind": null},
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
