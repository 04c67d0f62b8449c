package charttree

import (
	"os"
	"path/filepath"
	"sort"
)

// IsChartDir reports whether dir holds a Chart.yaml.
func IsChartDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && !st.IsDir()
}

// excludedTopLevel are the directories of an OOM kubernetes/ root that are
// not component charts: the shared library charts and the umbrella.
var excludedTopLevel = map[string]bool{"common": true, "onap": true}

// Discover lists the top-level charts of an OOM kubernetes/ root, sorted:
// directories directly under root with a Chart.yaml, except common/ and the
// onap umbrella.
func Discover(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() || excludedTopLevel[e.Name()] {
			continue
		}
		d := filepath.Join(root, e.Name())
		if IsChartDir(d) {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out, nil
}

// TreeRoot returns the OOM tree a chart lives in: the nearest ancestor
// directory (the chart's own included) holding common/common/Chart.yaml,
// OOM's shared library chart. Failing that, the nearest holding a common/
// folder that is not itself a chart; failing that, the chart's parent.
func TreeRoot(chartDir string) string {
	abs, err := filepath.Abs(chartDir)
	if err != nil {
		return filepath.Dir(chartDir)
	}
	for d := abs; d != filepath.Dir(d); d = filepath.Dir(d) {
		if IsChartDir(filepath.Join(d, "common", "common")) {
			return d
		}
	}
	for d := abs; d != filepath.Dir(d); d = filepath.Dir(d) {
		c := filepath.Join(d, "common")
		if st, err := os.Stat(c); err == nil && st.IsDir() && !IsChartDir(c) {
			return d
		}
	}
	return filepath.Dir(abs)
}
