package mesh_test

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/testutil"
)

// TestTreeURLsOOM: the client URLs of OOM master name what the engineers
// knew about SO's adapter (REST on 9092) and the portal (https on 8443).
func TestTreeURLsOOM(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the OOM tree under -short")
	}
	ix := mesh.NewURLIndex()
	if err := ix.AddTree(testutil.OOMTree(t, "master")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		svc   string
		port  int32
		want  mesh.Instance
		where string
	}{
		{"so-etsi-sol003-adapter", 9092, mesh.HTTP, "so/components/so-bpmn-infra/resources/config/overrides/override.yaml:"},
		{"portal-app", 8443, mesh.HTTPS, ""},
	} {
		cs := ix.Clues(c.svc, "onap", c.port, 1, "")
		found := false
		for _, cl := range cs {
			if cl.Protocol != c.want {
				t.Errorf("%s:%d: unexpected %s", c.svc, c.port, cl)
			}
			found = found || strings.HasPrefix(cl.Where, c.where)
		}
		if !found {
			t.Errorf("%s:%d: no clue in %s*: %v", c.svc, c.port, c.where, cs)
		}
		t.Logf("%s:%d: %d client URLs, e.g. %v", c.svc, c.port, len(cs), cs[:min(len(cs), 2)])
	}
}

// BenchmarkTreeURLs is the cross-chart evidence's cost: reading the client
// URLs of the whole master tree, once per fix run (make bench prints it
// beside the lint of the tree).
func BenchmarkTreeURLs(b *testing.B) {
	root := testutil.OOMTree(b, "master")
	for i := 0; i < b.N; i++ {
		ix := mesh.NewURLIndex()
		if err := ix.AddTree(root); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(ix.Len()), "urls")
	}
}
