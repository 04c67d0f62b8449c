package helm36

import (
	"os"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// testdata/globals.helm-v3.6.3.yaml is `helm template t testdata/globals`
// of the helm v3.6.3 CLI (built as the render tests' oldHelm builds it):
// subchart a's global.persistence.mountPath reaches the parent and subchart
// b through the global table Helm 3.6.3 shares (coalesce.go), as in
// honolulu's oof. Today's Helm (go.mod) keeps it in a.
func TestGlobalsCoalesceAsHelm363(t *testing.T) {
	b, err := os.ReadFile("testdata/globals.helm-v3.6.3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(b))
	for _, c := range []struct {
		name  string
		today bool
		want  string // "": helm v3.6.3's output
	}{
		{name: "Helm v3.6.3's dependency processing and coalescing"},
		{name: "today's Helm", today: true, want: strings.ReplaceAll(want, `"/from-a"`, `"unset"`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch, err := loader.Load("testdata/globals")
			if err != nil {
				t.Fatal(err)
			}
			opts := chartutil.ReleaseOptions{Name: "t", Namespace: "default", IsInstall: true}
			vals := map[string]any{}
			var rv chartutil.Values
			var files map[string]string
			if c.today {
				if err = chartutil.ProcessDependenciesWithMerge(ch, vals); err == nil {
					if rv, err = chartutil.ToRenderValues(ch, vals, opts, chartutil.DefaultCapabilities); err == nil {
						files, err = engine.Engine{}.Render(ch, rv)
					}
				}
			} else {
				if err = ProcessDependencies(ch, vals); err == nil {
					if rv, err = ToRenderValues(ch, vals, opts, chartutil.DefaultCapabilities); err == nil {
						files, err = Engine{}.Render(ch, rv)
					}
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				c.want = want
			}
			if got := stream(files); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// stream prints rendered files as `helm template` does for these charts:
// each under "---\n# Source:", in name order (no kinds to sort by here:
// both are ConfigMaps, and Helm's install order keeps name order).
func stream(files map[string]string) string {
	var names []string
	for n, s := range files {
		if strings.TrimSpace(s) != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString("---\n# Source: " + n + "\n" + strings.TrimSpace(files[n]) + "\n")
	}
	return strings.TrimSpace(b.String())
}
