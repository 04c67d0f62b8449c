package chartsource

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

func TestTemplateFile(t *testing.T) {
	sub := &charttree.Node{Name: "etcd", Dir: "/oom/common/etcd", Aliases: []string{"db"}}
	packaged := &charttree.Node{Name: "pkg"}
	g := &charttree.Node{Name: "app", Dir: "/oom/app", Deps: []*charttree.Node{sub, packaged}}
	for _, c := range []struct {
		source string
		want   string // chain names, file; or "error"
	}{
		{"app/templates/svc.yaml", "app /oom/app/templates/svc.yaml"},
		{"app/charts/db/templates/svc.yaml", "app,etcd /oom/common/etcd/templates/svc.yaml"},
		{"app/charts/pkg/templates/svc.yaml", "error"},
		{"app/charts/nope/templates/svc.yaml", "error"},
		{"", "error"},
	} {
		chain, file, err := TemplateFile(g, &resource.Resource{Source: c.source})
		got := "error"
		if err == nil {
			var names []string
			for _, n := range chain {
				names = append(names, n.Name)
			}
			got = strings.Join(names, ",") + " " + filepath.ToSlash(file)
		}
		if got != c.want {
			t.Errorf("TemplateFile(%q) = %q, want %q", c.source, got, c.want)
		}
	}
	if _, _, err := TemplateFile(nil, &resource.Resource{Source: "app/templates/x.yaml"}); err == nil {
		t.Error("no graph: no error")
	}
}
