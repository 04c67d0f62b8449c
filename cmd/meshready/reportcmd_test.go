package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureCounts lints the fixtures as JSON: the number of findings, in all
// and in one chart.
func fixtureCounts(t *testing.T, chart string) (all, inChart int) {
	t.Helper()
	out, stderr, _ := runCLI(t, "", "lint", "-o", "json", "charts-fixtures")
	var rep struct {
		Findings []struct{ Chart string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("lint -o json: %v\n%s", err, stderr)
	}
	for _, f := range rep.Findings {
		if f.Chart == chart {
			inChart++
		}
	}
	return len(rep.Findings), inChart
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	all, badPorts := fixtureCounts(t, "bad-ports")
	if all == 0 || badPorts == 0 {
		t.Fatalf("fixtures: %d findings, %d in bad-ports", all, badPorts)
	}
	whole := filepath.Join(dir, "whole.json")
	part := filepath.Join(dir, "bad-ports.json")
	for _, b := range []struct{ file, input string }{{whole, "charts-fixtures"}, {part, "charts-fixtures/bad-ports"}} {
		if _, stderr, code := runCLI(t, "", "baseline", b.input, "--output-file", b.file); code != 0 {
			t.Fatalf("baseline %s: exit %d\n%s", b.input, code, stderr)
		}
	}
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"version":1,"findings":[`), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		code      int
		new, kept int    // data-status="new" / "known" rows; -1: not in comparison mode
		stderr    string // fragment
	}{
		{"findings fail the run", nil, 1, -1, -1, ""},
		{"--fail-on none", []string{"--fail-on", "none"}, 0, -1, -1, ""},
		{"baseline records everything", []string{"--baseline", whole}, 0, 0, all, "0 new findings"},
		{"baseline of one chart", []string{"--baseline", part}, 1, all - badPorts, badPorts, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out", strings.Repeat("r", i+1)+".html")
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runCLI(t, "", append([]string{"report", "charts-fixtures", "--output-file", out}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if stdout != out+"\n" {
				t.Errorf("stdout %q, want the path", stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(page, "</html>\n") {
				t.Errorf("not a whole HTML page: %.60q … %.60q", page, page[max(0, len(page)-60):])
			}
			if n := strings.Count(page, `<section class="chart"`); n != 8 {
				t.Errorf("%d chart sections, want the 8 fixture charts", n)
			}
			if n := strings.Count(page, `<li class="finding"`); n != all {
				t.Errorf("%d finding rows, want %d", n, all)
			}
			if tc.new >= 0 {
				if n := strings.Count(page, `data-status="new"`); n != tc.new {
					t.Errorf("%d new findings, want %d", n, tc.new)
				}
				if n := strings.Count(page, `data-status="known"`); n != tc.kept {
					t.Errorf("%d unchanged findings, want %d", n, tc.kept)
				}
			} else if strings.Contains(page, `data-status=`) {
				t.Error("comparison marks without --baseline")
			}
			if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
				t.Errorf("page mode %v, want 0644 (%v)", st.Mode().Perm(), err)
			}
			// Atomic write: the temporary file was renamed, nothing is left.
			entries, _ := os.ReadDir(filepath.Dir(out))
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file left behind: %s", e.Name())
				}
			}
		})
	}

	t.Run("errors exit 2 and name the cause", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--baseline", broken}, "broken.json"},
			{[]string{"--baseline", filepath.Join(dir, "missing.json")}, "missing.json"},
			{[]string{"--output-file", filepath.Join(dir, "no", "such", "r.html")}, "folder " + filepath.Join(dir, "no", "such") + " does not exist"},
			{[]string{"--fail-on", "fatal"}, `failOn: "fatal"`},
		} {
			_, stderr, code := runCLI(t, "", append([]string{"report", "charts-fixtures", "--output-file", filepath.Join(dir, "x.html")}, c.args...)...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "x.html")); err == nil {
			t.Error("a failed run left a page behind")
		}
	})

	// lint --format html and report -o - write the same page.
	t.Run("lint --format html", func(t *testing.T) {
		viaLint, _, code1 := runCLI(t, "", "lint", "--format", "html", "charts-fixtures")
		viaReport, _, code2 := runCLI(t, "", "report", "charts-fixtures", "--output-file", "-")
		if code1 != 1 || code2 != 1 {
			t.Errorf("exit codes %d and %d, want 1", code1, code2)
		}
		if !strings.HasPrefix(viaLint, "<!DOCTYPE html>") || viaLint != viaReport {
			t.Errorf("lint --format html (%d bytes) and report -o - (%d bytes) differ", len(viaLint), len(viaReport))
		}
	})
}
