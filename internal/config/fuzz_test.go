package config

import "testing"

// FuzzParse: the .meshready.yaml loader accepts or rejects any input with an
// error, never a panic; what it accepts is valid.
func FuzzParse(f *testing.F) {
	f.Add([]byte("rules:\n  disable: [a]\n  severity:\n    b: warning\nignore:\n  - chart: 'so*'\nnamespaceLabels:\n  istio-injection: enabled\ntraceFormat: w3c\n"))
	f.Add([]byte("values:\n  so: [x.yaml]\nfailOn: none\n"))
	f.Add([]byte("ignore:\n  - name: '['\n"))
	f.Add([]byte("unknown: 1\n"))
	f.Add([]byte("a: &a [x]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid config: %v", err)
		}
		c.RuleEnabled("x")
		c.ValuesFor("so")
	})
}
