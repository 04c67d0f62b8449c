package config

import "testing"

// The mesh's versions are checked when the file is read: a bad one is an
// error naming the key, never a silent default.
func TestValidateVersions(t *testing.T) {
	for _, c := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{IstioVersion: "1.28.3", KubernetesVersion: "1.33"}, true},
		{Config{KubernetesVersion: "v1.33.2"}, true},
		{Config{KubernetesVersion: "1.x"}, false},
		{Config{KubernetesVersion: "2.0"}, false},
		{Config{IstioVersion: "1.19"}, false},
	} {
		if err := c.cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: Validate() = %v, want ok %v", c.cfg, err, c.ok)
		}
	}
}
