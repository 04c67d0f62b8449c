package report

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/meshready/meshready/internal/finding"
)

// The formats this package promises; each registers itself from init.
var ourFormats = []string{"text", "sarif", "junit", "gerrit", "github", "html"}

func TestFormatsRegistered(t *testing.T) {
	names := Names()
	for _, f := range append(slices.Clone(ourFormats), "json") {
		if !slices.Contains(names, f) {
			t.Errorf("format %q is not registered (have %v)", f, names)
		}
	}
	if _, err := New("no-such-format", Options{}); err == nil {
		t.Error("New accepted an unknown format")
	}
}

func TestGolden(t *testing.T) {
	color := sampleOptions()
	color.Color = true
	// As lint --baseline gives formats that are not baseline-aware: the new
	// findings only, every one marked new, with the counts of the whole run.
	withBase := sampleOptions()
	withBase.Baseline = &BaselineDiff{New: map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true}}
	withBase.BaselineSummary = &BaselineSummary{File: "ci/.meshready-baseline.json", New: 6, Known: 41, Fixed: 2}
	tests := []struct {
		golden string
		format string
		opts   Options
	}{
		{"text.golden", "text", sampleOptions()},
		{"text-color.golden", "text", color},
		{"json.golden", "json", sampleOptions()},
		{"sarif.golden", "sarif", sampleOptions()},
		{"junit.golden", "junit", sampleOptions()},
		{"gerrit.golden", "gerrit", sampleOptions()},
		{"github.golden", "github", sampleOptions()},
		{"text-baseline.golden", "text", withBase},
		{"json-baseline.golden", "json", withBase},
		{"gerrit-baseline.golden", "gerrit", withBase},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			checkGolden(t, tc.golden, render(t, tc.format, tc.opts, sampleReport()))
		})
	}
}

// Go randomises map iteration; rendering repeatedly would expose output that
// depends on it.
func TestDeterministic(t *testing.T) {
	for _, format := range ourFormats {
		first := render(t, format, sampleOptions(), sampleReport())
		for range 10 {
			if got := render(t, format, sampleOptions(), sampleReport()); !bytes.Equal(got, first) {
				t.Fatalf("%s: output changed between runs", format)
			}
		}
	}
}

func TestEmptyReport(t *testing.T) {
	for _, format := range ourFormats {
		out := render(t, format, Options{}, &finding.Report{})
		if len(out) == 0 {
			t.Errorf("%s: no output for an empty report", format)
		}
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrorReturned(t *testing.T) {
	for _, format := range ourFormats {
		f, err := New(format, sampleOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Format(failingWriter{}, sampleReport()); !errors.Is(err, errWrite) {
			t.Errorf("%s: Format returned %v, want the writer's error", format, err)
		}
	}
}
