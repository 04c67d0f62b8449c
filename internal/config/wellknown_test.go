package config

import (
	"strings"
	"testing"
)

func TestWellKnownConfig(t *testing.T) {
	for _, c := range []struct {
		name, text, err string
	}{
		{"ports and images", "wellKnown:\n  ports: [{port: 10081, protocol: http, what: MSB discovery}]\n  images: [{image: msb_apigateway, ports: {\"80\": http}}]\n", ""},
		{"unknown protocol", "wellKnown:\n  ports: [{port: 10081, protocol: smtp}]\n", "wellKnown.ports[0]"},
		{"port out of range", "wellKnown:\n  images: [{image: x, ports: {\"70000\": http}}]\n", "wellKnown.images[0]"},
		{"unknown field", "wellKnown:\n  hosts: []\n", "unknown field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse([]byte(c.text))
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error %v, want one containing %q", err, c.err)
			case c.err == "" && (cfg.WellKnown == nil || len(cfg.WellKnown.Ports) != 1 || cfg.WellKnown.Ports[0].Protocol != "HTTP"):
				t.Fatalf("parsed %+v", cfg.WellKnown)
			}
		})
	}
}
