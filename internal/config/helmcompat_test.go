package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// helmCompat takes only the Helm releases render reproduces; a bad one is
// an error naming the file and the setting's line, never today's Helm by
// default.
func TestHelmCompatSetting(t *testing.T) {
	for _, c := range []struct {
		text    string
		want    string // the setting read; "" with wantErr
		wantErr string // a fragment of Load's error
	}{
		{text: "traceFormat: b3\n", want: ""},
		{text: "helmCompat: \"3.6\"\n", want: "3.6"},
		// a YAML number (3.6 and 3.60 alike) is refused: quote the release
		{text: "helmCompat: 3.6\n", wantErr: "helmCompat of type string"},
		{text: "traceFormat: w3c\n\nhelmCompat: \"3.7\"\n", wantErr: ".meshready.yaml:3: helmCompat: \"3.7\" is not a Helm release"},
		{text: "helmCompat: \"v3.6.3\"\n", wantErr: ".meshready.yaml:1: helmCompat:"},
	} {
		p := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(p)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), p) {
				t.Errorf("%q: Load error = %v, want one naming %s and containing %q", c.text, err, p, c.wantErr)
			}
		case err != nil:
			t.Errorf("%q: %v", c.text, err)
		case cfg.HelmCompat != c.want:
			t.Errorf("%q: helmCompat = %q, want %q", c.text, cfg.HelmCompat, c.want)
		}
	}
}
