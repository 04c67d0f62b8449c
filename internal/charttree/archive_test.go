package charttree

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tgzBytes(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for name, data := range entries {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

// TestArchiveBudget: the decompression and file-count limits hold for a
// packaged chart and the packaged charts nested in it together (issue #20,
// item 6), in a .tgz and in a chart folder's charts/.
func TestArchiveBudget(t *testing.T) {
	chartYAML := []byte("apiVersion: v2\nname: c\nversion: 1.0.0\n")
	nested := func(n, size int) []byte {
		e := map[string][]byte{"c/Chart.yaml": chartYAML}
		for i := 0; i < n; i++ {
			e[fmt.Sprintf("c/charts/s%d.tgz", i)] = tgzBytes(t, map[string][]byte{fmt.Sprintf("s%d/Chart.yaml", i): chartYAML, fmt.Sprintf("s%d/files/z", i): make([]byte, size)})
		}
		return tgzBytes(t, e)
	}
	many := map[string][]byte{"c/Chart.yaml": chartYAML}
	for i := 0; i <= MaxChartFiles; i++ {
		many[fmt.Sprintf("c/templates/t%d.yaml", i)] = nil
	}
	for _, c := range []struct {
		name string
		data []byte
		err  string
	}{
		{"small nested charts", nested(3, 1<<20), ""},
		{"nested charts over the budget together", nested(3, 30<<20), "its nested packaged charts included"},
		{"too many files", tgzBytes(t, many), "more than 20000 files"},
		{"not gzip: left to Helm", []byte("plain"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckArchive(c.data)
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("CheckArchive: %v, want %q", err, c.err)
			}
		})
	}
	// the same budget in a chart folder holding packaged subcharts
	dir := filepath.Join(t.TempDir(), "c")
	os.MkdirAll(filepath.Join(dir, "charts"), 0o755)
	os.WriteFile(filepath.Join(dir, "Chart.yaml"), chartYAML, 0o644)
	for i := 0; i < 3; i++ {
		os.WriteFile(filepath.Join(dir, "charts", fmt.Sprintf("s%d.tgz", i)), tgzBytes(t, map[string][]byte{fmt.Sprintf("s%d/Chart.yaml", i): chartYAML, fmt.Sprintf("s%d/files/z", i): make([]byte, 30<<20)}), 0o644)
	}
	a := &Assembler{}
	if _, err := a.readDir(dir); err == nil || !strings.Contains(err.Error(), "its nested packaged charts included") {
		t.Errorf("chart folder: %v", err)
	}
}
