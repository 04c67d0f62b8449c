package charttree

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDependencies: any Chart.yaml and requirements.yaml either assemble or
// fail with an error naming a file of the chart; never a panic or a hang
// (dependency cycles, paths leaving the tree, unknown repositories).
func FuzzDependencies(f *testing.F) {
	f.Add("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: common\n  version: ~13.x-0\n  repository: '@local'\n", "")
	f.Add("apiVersion: v1\nname: a\nversion: 1.0.0\n", "dependencies:\n- name: common\n  version: ~13.0.0\n  repository: '@local'\n  alias: c\n")
	f.Add("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: a\n  version: '*'\n  repository: file://.\n", "")
	f.Add("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: x\n  repository: file://../../../../etc\n", "")
	f.Add("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: p\n  version: 1.0.0\n  repository: https://example.org/charts\n", "")
	f.Add("name: [\n", "dependencies: 5\n")
	f.Fuzz(func(t *testing.T, chartYAML, requirements string) {
		root := t.TempDir()
		common := filepath.Join(root, "common", "common")
		os.MkdirAll(common, 0o755)
		os.WriteFile(filepath.Join(common, "Chart.yaml"), []byte("apiVersion: v2\nname: common\nversion: 13.0.0\n"), 0o644)
		dir := filepath.Join(root, "a")
		os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
		os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(chartYAML), 0o644)
		if requirements != "" {
			os.WriteFile(filepath.Join(dir, "requirements.yaml"), []byte(requirements), 0o644)
		}
		a, err := NewAssembler(root, root)
		if err != nil {
			t.Fatal(err)
		}
		c, g, err := a.Assemble(dir)
		if err != nil {
			return
		}
		if c == nil || g == nil || g.Dir != dir {
			t.Fatalf("assembled without a chart or graph: %v %v", c, g)
		}
	})
}
