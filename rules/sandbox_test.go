package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchemaReferencesStayInside: json.verify_schema and json.match_schema
// resolve no reference outside the schema (a file would be read otherwise),
// while references within it still work.
func TestSchemaReferencesStayInside(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(secret, []byte(`{"type": "integer"}`), 0o644)
	for _, c := range []struct {
		name, expr, err string
	}{
		{"verify, file ref", `json.verify_schema({"$ref": "file://` + secret + `"})`, `json.verify_schema: schema reference "file://`},
		{"match, file ref", `json.match_schema("1", "{\"$ref\": \"file:///dev/zero\"}")`, `json.match_schema: schema reference "file:///dev/zero" leaves the schema`},
		{"match, relative ref", `json.match_schema("1", {"$ref": "s.json"})`, "leaves the schema"},
		{"match, file base URI", `json.match_schema("1", {"$id": "file://` + secret + `", "$ref": "#"})`, "schema base URI"},
		{"nested ref", `json.verify_schema({"properties": {"a": {"items": [{"$ref": "file:///etc/passwd"}]}}})`, "leaves the schema"},
		{"local ref works", `json.match_schema("1", {"definitions": {"n": {"type": "integer"}}, "$ref": "#/definitions/n"})`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := "findings contains f if {\n\tr := " + c.expr + "\n\tf := {\"resource\": 0, \"message\": sprintf(\"%v\", [r])}\n}\n"
			e, err := New(context.Background(), src(map[string]string{"a.rego": rule("schema-ref", body)}))
			if err != nil {
				t.Fatal(err)
			}
			hits, err := e.Evaluate(context.Background(), []map[string]any{svc}, Settings{})
			if c.err == "" {
				if err != nil || len(hits) != 1 || !strings.HasPrefix(hits[0].Message, "[true") {
					t.Fatalf("local reference: %v, %+v", err, hits)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want %q (hits %+v)", err, c.err, hits)
			}
		})
	}
}

// TestOnlyAllowedBuiltins: a policy calling a built-in outside the
// capabilities document fails to compile, naming it.
func TestOnlyAllowedBuiltins(t *testing.T) {
	for _, call := range []string{`bits.lsh(1, 8000000000)`, `net.cidr_expand("10.0.0.0/8")`, `time.now_ns()`, `opa.runtime()`, `net.lookup_ip_addr("x")`} {
		body := "findings contains f if {\n\tx := " + call + "\n\tf := {\"resource\": 0, \"message\": sprintf(\"%v\", [x])}\n}\n"
		_, err := New(context.Background(), src(map[string]string{"a.rego": rule("b", body)}))
		name := call[:strings.Index(call, "(")]
		if err == nil || !strings.Contains(err.Error(), "undefined function "+name) {
			t.Errorf("%s: %v", call, err)
		}
	}
}
