package charttree

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/meshready/meshready/internal/testutil"
)

// sameAsLoadDir loads dir through readDir and loadDir and compares the chart
// with Helm's loader.LoadDir: the single walk must read exactly what Helm reads.
func sameAsLoadDir(t *testing.T, a *Assembler, dir string) (readOurselves bool) {
	t.Helper()
	files, err := a.readDir(dir)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	got, gotErr := loadDir(dir, files)
	want, wantErr := loader.LoadDir(dir)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%s: error %v, Helm's LoadDir: %v", dir, gotErr, wantErr)
	}
	if wantErr != nil {
		return files != nil
	}
	if diff := chartDiff(want, got); diff != "" {
		t.Errorf("%s: chart differs from Helm's LoadDir (-helm +ours): %s", dir, diff)
	}
	return files != nil
}

// chartDiff compares two loaded charts and their dependencies: file bytes
// with bytes.Equal (cmp walks them byte by byte, far too slowly for OOM's
// charts), the rest with cmp.
func chartDiff(want, got *chart.Chart) string {
	opts := cmp.Options{cmpopts.EquateEmpty()}
	if d := cmp.Diff(want.Metadata, got.Metadata, opts); d != "" {
		return d
	}
	if d := cmp.Diff(want.Values, got.Values, opts); d != "" {
		return d
	}
	if d := cmp.Diff(want.Lock, got.Lock, opts); d != "" {
		return d
	}
	if !bytes.Equal(want.Schema, got.Schema) {
		return "values.schema.json differs"
	}
	for _, fs := range [][2][]*chart.File{{want.Raw, got.Raw}, {want.Templates, got.Templates}, {want.Files, got.Files}} {
		if len(fs[0]) != len(fs[1]) {
			return fmt.Sprintf("%d files, want %d", len(fs[1]), len(fs[0]))
		}
		for i := range fs[0] {
			if fs[0][i].Name != fs[1][i].Name || !bytes.Equal(fs[0][i].Data, fs[1][i].Data) {
				return fmt.Sprintf("file %d: %s, want %s (or its bytes differ)", i, fs[1][i].Name, fs[0][i].Name)
			}
		}
	}
	// Helm's LoadFiles attaches subcharts in map order: compare them sorted.
	wd, gd := sortedDeps(want), sortedDeps(got)
	if len(wd) != len(gd) {
		return fmt.Sprintf("%d dependencies, want %d", len(gd), len(wd))
	}
	for i := range wd {
		if d := chartDiff(wd[i], gd[i]); d != "" {
			return wd[i].Name() + ": " + d
		}
	}
	return ""
}

func TestReadDirMatchesLoadDir(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"plain/Chart.yaml":                  "apiVersion: v2\nname: plain\nversion: 1.0.0\n",
		"plain/values.yaml":                 "\xEF\xBB\xBFa: 1\n", // a BOM, stripped
		"plain/templates/cm.yaml":           "kind: ConfigMap\n",
		"plain/templates/.hidden":           "ignored by Helm's defaults\n",
		"plain/.helmignore":                 "*.bak\nskipped/\n",
		"plain/resources/x.bak":             "ignored\n",
		"plain/skipped/a.yaml":              "ignored\n",
		"plain/resources/config/b.conf":     "kept\n",
		"plain/charts/sub/Chart.yaml":       "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
		"plain/charts/sub/templates/s.yaml": "kind: Service\n",
		"linked/Chart.yaml":                 "apiVersion: v2\nname: linked\nversion: 1.0.0\n",
		"linked/real/a.txt":                 "through a link\n",
		"fifo/Chart.yaml":                   "apiVersion: v2\nname: fifo\nversion: 1.0.0\n",
	})
	if err := os.Symlink("real", filepath.Join(dir, "linked", "alias")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	a := &Assembler{Root: dir}
	cases := []struct {
		chart         string
		readOurselves bool // false: Helm's LoadDir reads it (symlinks, irregular files)
	}{
		{"plain", true},
		{"linked", false},
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo", "pipe"), 0o600); err == nil {
		cases = append(cases, struct {
			chart         string
			readOurselves bool
		}{"fifo", false})
	}
	for _, c := range cases {
		t.Run(c.chart, func(t *testing.T) {
			if got := sameAsLoadDir(t, a, filepath.Join(dir, c.chart)); got != c.readOurselves {
				t.Errorf("read by readDir = %v, want %v", got, c.readOurselves)
			}
		})
	}
}

// TestReadDirMatchesLoadDirOOM: every chart folder of the real OOM trees and
// of our fixtures loads the same through the single walk as through Helm.
func TestReadDirMatchesLoadDirOOM(t *testing.T) {
	roots := []string{filepath.Join(testutil.RepoRoot(t), "charts-fixtures")}
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		roots = append(roots, testutil.OOMTree(t, tree))
	}
	a := &Assembler{}
	n := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "Chart.yaml" {
				return err
			}
			if sameAsLoadDir(t, a, filepath.Dir(p)) {
				n++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 500 {
		t.Errorf("only %d chart folders read by the single walk; the OOM trees hold over 500", n)
	}
	t.Logf("%d chart folders compared", n)
}

func sortedDeps(c *chart.Chart) []*chart.Chart {
	ds := append([]*chart.Chart(nil), c.Dependencies()...)
	sort.Slice(ds, func(i, j int) bool { return ds[i].ChartFullPath() < ds[j].ChartFullPath() })
	return ds
}
