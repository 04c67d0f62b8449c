package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/finding"
)

func TestFixLocator(t *testing.T) {
	dir := t.TempDir()
	// Line 2 has two non-BMP runes (two UTF-16 units each) and an 'é' before
	// the value; line 3 ends in CRLF.
	content := "a: 1\r\nname: \U0001F600\U0001F600é api # api\r\nport: http\r\n"
	if err := os.WriteFile(filepath.Join(dir, "v.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newFixLocator(newPathMapper(Options{WorkDir: dir}), nil)
	tests := []struct {
		name string
		f    finding.Finding
		want fixSpan
		ok   bool
	}{
		{"utf-16 columns, first match",
			finding.Finding{File: "v.yaml", Line: 2, Fix: &finding.Fix{Old: "api", New: "http-api"}},
			// "name: " 6 + 2*2 + 1 + " " 1 = 12
			fixSpan{file: "v.yaml", line: 2, start: 12, end: 15, exact: true}, true},
		{"CRLF not part of the line",
			finding.Finding{File: "v.yaml", Line: 3, Fix: &finding.Fix{Old: "http", New: "tcp"}},
			fixSpan{file: "v.yaml", line: 3, start: 6, end: 10, exact: true}, true},
		{"fix file and line default to the finding's",
			finding.Finding{File: "v.yaml", Line: 1, Fix: &finding.Fix{Old: "1", New: "2"}},
			fixSpan{file: "v.yaml", line: 1, start: 3, end: 4, exact: true}, true},
		{"absolute fix file",
			finding.Finding{File: "other.yaml", Line: 9, Fix: &finding.Fix{File: filepath.Join(dir, "v.yaml"), Line: 1, Old: "a", New: "b"}},
			fixSpan{file: filepath.Join(dir, "v.yaml"), line: 1, start: 0, end: 1, exact: true}, true},
		{"stale: Old not on the line",
			finding.Finding{File: "v.yaml", Line: 1, Fix: &finding.Fix{Old: "grpc", New: "x"}}, fixSpan{}, false},
		{"line past the end",
			finding.Finding{File: "v.yaml", Line: 40, Fix: &finding.Fix{Old: "a", New: "x"}}, fixSpan{}, false},
		{"empty Old",
			finding.Finding{File: "v.yaml", Line: 1, Fix: &finding.Fix{Old: "", New: "x"}}, fixSpan{}, false},
		{"unreadable file: whole line",
			finding.Finding{File: "missing.yaml", Line: 4, Fix: &finding.Fix{Old: "a", New: "b"}},
			fixSpan{file: "missing.yaml", line: 4}, true},
		{"no line", finding.Finding{File: "v.yaml", Fix: &finding.Fix{Old: "a", New: "b"}}, fixSpan{}, false},
		{"no fix", finding.Finding{File: "v.yaml", Line: 1}, fixSpan{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := l.locate(tc.f)
			if got != tc.want || ok != tc.ok {
				t.Errorf("locate = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestFixLocatorRunSource: with Options.Sources the report quotes the
// run's file cache (what the lint read) and does not read the file again:
// a file changed on disk after the lint is still quoted as the lint saw it.
func TestFixLocatorRunSource(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(file, []byte("name: web\nport: api\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := chartsource.NewCache()
	if cache.Lines(file) == nil { // the lint reads it
		t.Fatal("the cache cannot read the file")
	}
	if err := os.WriteFile(file, []byte("port: api\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fix := &finding.Fix{Old: "api", New: "http-api"}
	for _, c := range []struct {
		name  string
		cache *chartsource.Cache
		line  int
		want  fixSpan
	}{
		{"served by the run's cache", cache, 2, fixSpan{file: "values.yaml", line: 2, start: 6, end: 9, exact: true}},
		{"no cache: read from disk", nil, 1, fixSpan{file: "values.yaml", line: 1, start: 6, end: 9, exact: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newFixLocator(newPathMapper(Options{WorkDir: dir}), c.cache)
			got, ok := l.locate(finding.Finding{File: "values.yaml", Line: c.line, Fix: fix})
			if !ok || got != c.want {
				t.Fatalf("locate = %+v, %v; want %+v", got, ok, c.want)
			}
		})
	}
}
