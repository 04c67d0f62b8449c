package krmfn

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

var (
	benchOnce  sync.Once
	benchPath  string
	benchItems int
	benchErr   error
	benchSkip  string
)

// benchResourceList renders every top-level chart of the master tree once
// per benchmark run, concatenates the streams, and caches them in a temp
// file as a ResourceList. Documents with duplicate keys (aai, cds) are left
// out: the function refuses them, so they would measure the refusal.
func benchResourceList(b *testing.B) []byte {
	b.Helper()
	benchOnce.Do(func() {
		root := filepath.Join(testutil.RepoRoot(b), "..", "shared", "oom", "master", "kubernetes") // not OOMTree: it skips from inside a sync.Once
		charts, err := charttree.Discover(root)
		if err != nil {
			benchSkip = "the OOM master tree is not available: " + err.Error()
			return
		}
		opts := render.DefaultOptions()
		opts.Set = []string{"global.masterPassword=x"}
		h := render.NewHelm(opts)
		var stream strings.Builder
		dropped := 0
		for _, c := range charts {
			res, err := h.Render(context.Background(), c)
			if err != nil {
				b.Logf("skipping %s: %v", filepath.Base(c), err)
				continue
			}
			for _, r := range res.Resources {
				if len(r.Warnings) > 0 {
					dropped++
					continue
				}
				stream.WriteString("---\n")
				stream.WriteString(r.Raw)
			}
		}
		var rl bytes.Buffer
		rw := &kio.ByteReadWriter{Reader: strings.NewReader(stream.String()), Writer: &rl, OmitReaderAnnotations: true, KeepReaderAnnotations: true}
		items, err := rw.Read()
		if err != nil {
			benchErr = err
			return
		}
		rw.WrappingKind, rw.WrappingAPIVersion = kio.ResourceListKind, kio.ResourceListAPIVersion
		if benchErr = rw.Write(items); benchErr != nil {
			return
		}
		benchItems = len(items)
		b.Logf("%d resources from %d charts (%d documents with duplicate keys left out)", len(items), len(charts), dropped)
		if toolsDir == "" {
			if toolsDir, benchErr = os.MkdirTemp("", "meshready-bench-"); benchErr != nil {
				return
			}
		}
		benchPath = filepath.Join(toolsDir, "master.resourcelist.yaml")
		benchErr = os.WriteFile(benchPath, rl.Bytes(), 0o644)
	})
	if benchSkip != "" {
		b.Skip(benchSkip)
	}
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	data, err := os.ReadFile(benchPath)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadWriteOnly is the floor: kyaml reading the ResourceList and
// writing it back unchanged.
func BenchmarkReadWriteOnly(b *testing.B) {
	data := benchResourceList(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: io.Discard, OmitReaderAnnotations: true, KeepReaderAnnotations: true}
		items, err := rw.Read()
		if err != nil {
			b.Fatal(err)
		}
		if err := rw.Write(items); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchItems), "resources")
}

// BenchmarkFn is the whole function with its default config over the same
// ResourceList; it must stay within twice BenchmarkReadWriteOnly.
func BenchmarkFn(b *testing.B) {
	data := benchResourceList(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var stderr bytes.Buffer
		if code := Run(Options{Stdin: bytes.NewReader(data), Stdout: io.Discard, Stderr: &stderr}); code != ExitOK {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.ReportMetric(float64(benchItems), "resources")
}
