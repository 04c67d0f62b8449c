package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckRules(t *testing.T) {
	known := []string{"sidecar-injection", "port-protocol-name", "port-protocol-mismatch", "mtls-mode"}
	for _, c := range []struct {
		name, text string
		want       string // "" = valid
	}{
		{"valid", "rules:\n  enable: [sidecar-injection]\n  disable: [mtls-mode]\n", ""},
		{"typo in enable", "rules:\n  enable: [sidecar-injections]\n", `.meshready.yaml:2: rules.enable[0]: unknown rule "sidecar-injections" (did you mean "sidecar-injection"?)`},
		{"typo in disable", "rules:\n  disable:\n    - mtls-mode\n    - port-protocol-nam\n", `.meshready.yaml:4: rules.disable[1]: unknown rule "port-protocol-nam" (did you mean "port-protocol-name"?)`},
		{"typo in severity", "rules:\n  severity:\n    mtls_mode: info\n", `.meshready.yaml:3: rules.severity.mtls_mode: unknown rule "mtls_mode" (did you mean "mtls-mode"?)`},
		{"typo in ignore", "ignore:\n  - chart: so\n    rules: [sidecar-injection, portprotocolname]\n", `.meshready.yaml:3: ignore[0].rules[1]: unknown rule "portprotocolname" (did you mean "port-protocol-name"?)`},
		{"nothing close", "rules:\n  disable: [xyz]\n", `.meshready.yaml:2: rules.disable[0]: unknown rule "xyz"` + "\n"},
		{"enable selects nothing", "rules:\n  enable: [mtls-mode]\n  disable: [mtls-mode]\n", ".meshready.yaml:2: rules.enable selects no rule"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.CheckRules(known)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Errorf("no error, want %q", c.want)
			case c.want != "" && !strings.Contains(err.Error()+"\n", c.want):
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"sidecar-injection", "port-protocol-name"}
	for id, want := range map[string]string{
		"sidecar-injections": ` (did you mean "sidecar-injection"?)`,
		"port-protocol-nme":  ` (did you mean "port-protocol-name"?)`,
		"tracing":            "",
	} {
		if got := Suggest(id, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", id, got, want)
		}
	}
}
