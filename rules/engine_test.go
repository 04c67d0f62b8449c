package rules

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/meshready/meshready/internal/finding"
)

const header = `# METADATA
# title: Test rule
# description: A rule for tests.
# custom:
#   id: %s
#   severity: warning
#   family: ports
#   remediation: Do something.
package meshready.rules.%s
`

func src(files map[string]string) Source {
	fs := fstest.MapFS{}
	for n, t := range files {
		fs[n] = &fstest.MapFile{Data: []byte(t)}
	}
	return FSSource{Label: "test", FS: fs}
}

func rule(id, body string) string {
	return fmt.Sprintf(header, id, strings.ReplaceAll(id, "-", "_")) + body
}

var svc = map[string]any{"kind": "Service", "metadata": map[string]any{"name": "s"},
	"spec": map[string]any{"ports": []any{map[string]any{"name": "api", "port": int64(80)}, map[string]any{"name": "http-ok", "port": int64(81)}}}}

func TestEvaluate(t *testing.T) {
	body := `
findings contains f if {
	some i, r in input.resources
	some j, p in r.spec.ports
	not startswith(p.name, "http")
	f := {"resource": i, "field": sprintf("spec.ports[%d].name", [j]), "value": p.name, "message": sprintf("port %s in %s", [p.name, input.settings.namespace])}
}
findings contains f if {
	some i, r in input.resources
	r.metadata.name == "s"
	f := {"resource": i, "field": "metadata.name", "value": "s", "message": "note", "severity": "info"}
}`
	e, err := New(context.Background(), src(map[string]string{"a.rego": rule("port-check", body)}))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Rules(); len(got) != 1 || got[0].ID != "port-check" || got[0].Severity != finding.Warning || got[0].Remediation != "Do something." || !strings.HasSuffix(got[0].DocURL, "#port-check") {
		t.Fatalf("metadata: %+v", got)
	}
	hits, err := e.Evaluate(context.Background(), []map[string]any{svc}, Settings{Namespace: "onap"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Fatalf("want 2 hits, got %+v", hits)
	}
	bySev := map[finding.Severity]Hit{}
	for _, h := range hits {
		bySev[h.Severity] = h
	}
	w := bySev[finding.Warning]
	if w.Field != "spec.ports[0].name" || w.Value != "api" || w.Resource != 0 || w.Message != "port api in onap" {
		t.Errorf("warning hit: %+v", w)
	}
	if bySev[finding.Info].Message != "note" {
		t.Errorf("per-finding severity override lost: %+v", hits)
	}
}

func TestNewRejects(t *testing.T) {
	for _, c := range []struct {
		name, text, want string
	}{
		{"syntax", "package meshready.rules.x\nfindings contains f if {", "a.rego"},
		{"no id", "# METADATA\n# title: t\npackage meshready.rules.x\nfindings contains 1 if true", "needs custom.id"},
		{"bad id", fmt.Sprintf(header, "Bad_ID", "x") + "findings contains 1 if true", "not kebab-case"},
		{"bad severity", strings.Replace(rule("x", ""), "severity: warning", "severity: fatal", 1), "is not error, warning or info"},
		{"network", rule("net-rule", `findings contains f if { r := http.send({"method": "get", "url": "http://127.0.0.1:1"}); f := {"resource": 0, "message": r.body} }`), "http.send"},
		{"dns", rule("dns-rule", `findings contains f if { net.lookup_ip_addr("example.org"); f := {"resource": 0} }`), "net.lookup_ip_addr"},
		{"runtime", rule("env-rule", `findings contains f if { e := opa.runtime().env; f := {"resource": 0, "message": e.HOME} }`), "opa.runtime"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(context.Background(), src(map[string]string{"a.rego": c.text}))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want error containing %q, got %v", c.want, err)
			}
		})
	}
}

func TestDuplicateIDs(t *testing.T) {
	_, err := New(context.Background(), src(map[string]string{
		"a.rego": rule("same", ""),
		"b.rego": fmt.Sprintf(header, "same", "other"),
	}))
	if err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Fatalf("want duplicate id error, got %v", err)
	}
}

// TestNetworkPolicyNeverConnects: a policy calling http.send towards a
// listener the test opens on loopback gets an error, and the listener sees
// no connection.
func TestNetworkPolicyNeverConnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	body := fmt.Sprintf(`findings contains f if { r := http.send({"method": "get", "url": "http://%s/"}); f := {"resource": 0, "message": sprintf("%%v", [r])} }`, ln.Addr())
	_, err = New(context.Background(), src(map[string]string{"net.rego": rule("phone-home", body)}))
	if err == nil || !strings.Contains(err.Error(), "http.send") {
		t.Fatalf("want a compile error naming http.send, got %v", err)
	}
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(300 * time.Millisecond))
	if c, err := ln.Accept(); err == nil {
		c.Close()
		t.Fatal("the listener saw a connection")
	}
}

// TestTimeLimit: a policy that runs without end is stopped by the time
// limit, with an error naming the limit.
func TestTimeLimit(t *testing.T) {
	body := `findings contains f if {
	n := count([1 | some a in numbers.range(1, 200000); some b in numbers.range(1, 200000); a == 0 - b])
	f := {"resource": 0, "message": sprintf("%d", [n])}
}`
	e, err := New(context.Background(), src(map[string]string{"loop.rego": rule("slow-rule", body)}))
	if err != nil {
		t.Fatal(err)
	}
	e.Timeout = 200 * time.Millisecond
	start := time.Now()
	_, err = e.Evaluate(context.Background(), []map[string]any{svc}, Settings{})
	if err == nil || !strings.Contains(err.Error(), "time limit") || !strings.Contains(err.Error(), "slow-rule") {
		t.Fatalf("want a time-limit error, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("evaluation ran %s past a 200ms limit", d)
	}
}

func TestRunTests(t *testing.T) {
	s := src(map[string]string{
		"r.rego":      rule("t-rule", `findings contains {"resource": 0} if input.x == 1`),
		"r_test.rego": "package meshready.rules.t_rule_test\nimport data.meshready.rules.t_rule\ntest_fires if count(t_rule.findings) == 1 with input as {\"x\": 1}\ntest_wrong if count(t_rule.findings) == 1 with input as {\"x\": 2}\n",
	})
	res, err := RunTests(context.Background(), 5*time.Second, s)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res {
		got[r.Name] = r.Pass
	}
	if len(got) != 2 || !got["test_fires"] || got["test_wrong"] {
		t.Fatalf("want test_fires pass and test_wrong fail, got %+v", res)
	}
}

func TestBuiltinRulesLoad(t *testing.T) {
	e, err := NewDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Rules()); n < 18 {
		t.Fatalf("want the 18 built-in rules, got %d", n)
	}
}
