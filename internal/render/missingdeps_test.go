package render

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/testutil"
)

// TestSubchartDependencies: a subchart kept as a folder under charts/ gets
// its own '@local' dependencies, recursively, as OOM's Makefiles `helm dep
// up` it (casablanca's dcae-bootstrap -> postgres -> pgpool); a remote
// dependency of a subchart is needed only when, after conditions and tags,
// that subchart and the dependency are enabled (montreal's platform).
func TestSubchartDependencies(t *testing.T) {
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	}
	tree := t.TempDir()
	testutil.WriteFiles(t, tree, map[string]string{
		"common/common/Chart.yaml":           "apiVersion: v1\nname: common\nversion: 1.0.0\n",
		"common/postgres/Chart.yaml":         "apiVersion: v1\nname: postgres\nversion: 1.0.0\n",
		"common/postgres/requirements.yaml":  "dependencies:\n  - name: pgpool\n    version: ~1.0.0\n    repository: '@local'\n",
		"common/postgres/templates/cm.yaml":  cm("postgres"),
		"common/pgpool/Chart.yaml":           "apiVersion: v1\nname: pgpool\nversion: 1.0.0\n",
		"common/pgpool/templates/cm.yaml":    cm("pgpool"),
		"top/Chart.yaml":                     "apiVersion: v1\nname: top\nversion: 1.0.0\n",
		"top/values.yaml":                    "global: {}\nproxy:\n  enabled: false\n",
		"top/requirements.yaml":              "dependencies:\n  - name: common\n    version: ~1.0.0\n    repository: '@local'\n  - name: proxy\n    version: ~1.0.0\n    repository: '@local'\n    condition: proxy.enabled\n",
		"top/templates/cm.yaml":              cm("top"),
		"top/charts/boot/Chart.yaml":         "apiVersion: v1\nname: boot\nversion: 1.0.0\n",
		"top/charts/boot/requirements.yaml":  "dependencies:\n  - name: postgres\n    version: ~1.0.0\n    repository: '@local'\n",
		"top/charts/boot/templates/cm.yaml":  cm("boot"),
		"top/charts/proxy/Chart.yaml":        "apiVersion: v2\nname: proxy\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: ~16.13.2\n    repository: https://charts.bitnami.com/bitnami\n    condition: redis.enabled\n",
		"top/charts/proxy/values.yaml":       "redis:\n  enabled: true\n",
		"top/charts/proxy/templates/cm.yaml": cm("proxy"),
	})
	cases := []struct {
		name    string
		set     []string
		want    string // the ConfigMaps rendered, sorted
		wantErr string
	}{
		{"subchart's dependencies, recursively; disabled remote subtree", nil, "boot pgpool postgres top", ""},
		{"remote dependency disabled inside an enabled subchart", []string{"proxy.enabled=true", "proxy.redis.enabled=false"}, "boot pgpool postgres proxy top", ""},
		{"remote dependency needed", []string{"proxy.enabled=true"}, "", `dependency "redis" version "~16.13.2" comes from https://charts.bitnami.com/bitnami, which cannot be resolved offline`},
	}
	for _, c := range cases {
		for _, lint := range []bool{false, true} {
			// a missing chart is needed where the rendering Helm release
			// needs it: today's or Helm v3.6.3's dependency processing
			for _, compat := range append([]string{""}, HelmCompats...) {
				t.Run(c.name+" "+compat, func(t *testing.T) {
					o := DefaultOptions()
					o.LintMode = lint
					o.HelmCompat = compat
					o.Set = c.set
					res, err := NewHelm(o).Render(context.Background(), tree+"/top")
					if c.wantErr != "" {
						if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "--fetch") {
							t.Fatalf("lint %v: err = %v, want one containing %q and what to do", lint, err, c.wantErr)
						}
						return
					}
					if err != nil {
						t.Fatalf("lint %v: %v", lint, err)
					}
					var names []string
					for _, r := range res.Resources {
						names = append(names, r.Name)
					}
					sort.Strings(names)
					if got := strings.Join(names, " "); got != c.want {
						t.Errorf("lint %v: rendered %q, want %q", lint, got, c.want)
					}
				})
			}
		}
	}
}
