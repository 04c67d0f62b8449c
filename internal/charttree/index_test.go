package charttree

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestChartsUnder(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "charts-fixtures")
	root, _ = filepath.Abs(root)
	ix, err := NewIndex(root)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dir  string
		want int
	}{
		{"good", 3},      // good and its components/ subcharts
		{"legacy", 3},    // legacy and its charts/ subcharts
		{"bad-ports", 1}, // no subcharts
		{"good/components/good-api", 1},
		{"goo", 0}, // a prefix of a name is not a folder above it
		{"", 13},   // the whole tree
	}
	for _, c := range cases {
		if got := ix.ChartsUnder(filepath.Join(root, c.dir)); got != c.want {
			t.Errorf("ChartsUnder(%q) = %d, want %d", c.dir, got, c.want)
		}
	}
}
