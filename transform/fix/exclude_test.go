package fix

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/testutil"
)

// TestExcludedChartIsLeftAlone: exclude: in the configuration leaves a
// chart out of fix as it does out of lint (a chart that cannot render
// offline must not fail the run), with the reason as a note.
func TestExcludedChartIsLeftAlone(t *testing.T) {
	for _, c := range []struct {
		name    string
		exclude []config.Exclude
		changes bool
	}{
		{"not excluded", nil, true},
		{"excluded", []config.Exclude{{Chart: "app", Reason: "cannot render offline"}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			testutil.WriteFiles(t, dir, map[string]string{
				"app/Chart.yaml":             "apiVersion: v2\nname: app\nversion: 1.0.0\n",
				"app/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  selector: {app: app}\n  ports:\n    - port: 80\n",
			})
			o := testOptions(t, dir)
			o.Only = []string{OpPorts}
			o.Config = &config.Config{Exclude: c.exclude, Path: ".meshready.yaml"}
			res, err := Run(context.Background(), []string{filepath.Join(dir, "app")}, o)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.Changes) > 0; got != c.changes {
				t.Errorf("changes %v, want %v: %v", res.Changes, c.changes, res.Notes)
			}
			noted := strings.Contains(strings.Join(res.Notes, "\n"), "app: excluded by .meshready.yaml (exclude: app): cannot render offline")
			if noted == c.changes {
				t.Errorf("notes %q", res.Notes)
			}
		})
	}
}
