package rules

import "testing"

// FuzzPolicyLoad feeds the policy loader (parse, compile, read metadata)
// arbitrary module text: it never panics, and an error is short (the
// parser's quote of a huge line is cut).
func FuzzPolicyLoad(f *testing.F) {
	f.Add(rule("ok-rule", "findings contains f if {\n\tsome i, r in input.resources\n\tf := {\"resource\": i}\n}\n"))
	f.Add("package x\nimport rego.v1\np if { http.send({}) }\n")
	f.Add("# METADATA\n# custom:\n#   id: 1\npackage meshready.rules.x\n")
	f.Add("package meshready.rules.y\nfindings contains f if { f := json.match_schema(\"{}\", {\"$ref\": \"file:///etc/passwd\"}) }\n")
	f.Fuzz(func(t *testing.T, text string) {
		_, err := parseModules([]Source{src(map[string]string{"a.rego": text})}, false)
		if err != nil {
			if len(err.Error()) > 2000 {
				t.Errorf("a %d-byte error for a %d-byte policy", len(err.Error()), len(text))
			}
			return
		}
		e, err := New(t.Context(), src(map[string]string{"a.rego": text}))
		if err == nil && e == nil {
			t.Error("no engine and no error")
		}
	})
}
