package action

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/testutil"
)

func TestLint(t *testing.T) {
	good, ports := fixture(t, "good"), fixture(t, "bad-ports")
	for _, c := range []struct {
		name     string
		set      func(*Lint)
		args     []string
		code     int
		out, err string
	}{
		{"clean chart", nil, []string{good}, ExitOK, "", ""},
		{"findings fail", func(a *Lint) { a.Format = "json" }, []string{ports}, ExitFindings, `"rule": "port-protocol-name"`, ""},
		{"fail-on none", func(a *Lint) { a.FailOn = "none"; a.Compact = true }, []string{ports}, ExitOK, "port-protocol-name", ""},
		{"unknown format", func(a *Lint) { a.Format = "yaml-ish" }, []string{good}, ExitError, "", `unknown format "yaml-ish"`},
		{"bad colour", func(a *Lint) { a.Color = "sometimes" }, []string{good}, ExitError, "", `--color "sometimes"`},
		{"update without baseline", func(a *Lint) { a.BaselineUpdate = true }, []string{good}, ExitError, "", "--baseline-update needs --baseline FILE"},
		{"gerrit label on text", func(a *Lint) { a.GerritLabel = "Verified" }, []string{good}, ExitError, "", "--gerrit-label applies to --format gerrit"},
		{"both change sources", func(a *Lint) { a.ChangedFrom, a.ChangedFiles = "HEAD", "x" }, []string{good}, ExitError, "", "give one of them"},
		{"change without tree", func(a *Lint) { a.ChangedFrom = "HEAD" }, nil, ExitError, "", "need the tree to lint"},
		{"no such chart", nil, []string{filepath.Join(t.TempDir(), "nope")}, ExitError, "", "nope"},
		{"missing baseline", func(a *Lint) { a.Baseline = filepath.Join(t.TempDir(), "b.json") }, []string{good}, ExitError, "", "b.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewLint()
			if c.set != nil {
				c.set(a)
			}
			call("", func(s IO) error { return a.Run(ctx, s, c.args) }).check(t, c.code, c.out, c.err)
		})
	}
}

// TestLintBaseline: a baseline recorded by Baseline makes the same lint
// pass, and a finding it lacks fails it.
func TestLintBaseline(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "base.json")
	b := NewBaseline()
	b.File = file
	call("", func(s IO) error { return b.Run(ctx, s, []string{fixture(t, "bad-ports")}) }).
		check(t, ExitOK, "", "meshready: baseline: recorded 9 findings from 1 chart")
	for _, c := range []struct {
		name   string
		chart  string
		code   int
		stderr string
	}{
		{"all known", "bad-ports", ExitOK, "0 new findings, 9 known (not reported), 0 fixed"},
		{"another chart's findings are new", "bad-tracing", ExitFindings, "new findings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewLint()
			a.Baseline = file
			call("", func(s IO) error { return a.Run(ctx, s, []string{fixture(t, c.chart)}) }).check(t, c.code, "", c.stderr)
		})
	}
}

func TestBaseline(t *testing.T) {
	for _, c := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"no input", nil, ExitError, "", "baseline: give the tree or charts to record"},
		{"to stdout", []string{fixture(t, "bad-tracing")}, ExitOK, `"findings"`, "recorded"},
		{"a chart that fails is a known failure", []string{filepath.Join(t.TempDir(), "gone")}, ExitOK, `"errors"`, "recorded as a known failure"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewBaseline()
			call("", func(s IO) error { return a.Run(ctx, s, c.args) }).check(t, c.code, c.out, c.err)
		})
	}
}

// TestGateReadsEachChartOnce: the gate resolves the dependency graphs with
// the run's one renderer, so a gate run reads no chart more often than a
// plain lint of the charts it selects (with a renderer of its own, the
// gate doubled the reads).
func TestGateReadsEachChartOnce(t *testing.T) {
	tree := filepath.Join(testutil.RepoRoot(t), "charts-fixtures")
	list := filepath.Join(t.TempDir(), "changed.txt")
	if err := os.WriteFile(list, []byte("common/common/templates/_service.tpl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reads := func(a *Lint) (int64, result) {
		before := charttree.ChartReads()
		r := call("", func(s IO) error { return a.Run(ctx, s, []string{tree}) })
		return charttree.ChartReads() - before, r
	}
	plain := NewLint()
	plain.FailOn = "none"
	want, r := reads(plain)
	r.check(t, ExitOK, "", "")
	gated := NewLint()
	gated.FailOn, gated.ChangedFiles, gated.RepoRoot = "none", list, tree
	got, r := reads(gated)
	r.check(t, ExitOK, "", "selected good: depends on common/common")
	if n := strings.Count(r.err, "\nselected "); n < 5 {
		t.Fatalf("the change to common selected %d charts, want every chart that uses it:\n%s", n, r.err)
	}
	if want == 0 || got != want {
		t.Errorf("gate run read %d charts from disk, a plain lint of the same charts %d", got, want)
	}
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	for _, c := range []struct {
		name     string
		set      func(*Report)
		code     int
		out, err string
		file     string // a file the run must leave behind
	}{
		{"html page", func(a *Report) { a.File = page }, ExitFindings, page, "", page},
		{"sarif to stdout", func(a *Report) { a.Format, a.File = "sarif", "-" }, ExitFindings, `"version": "2.1.0"`, "", ""},
		{"no folder", func(a *Report) { a.File = filepath.Join(dir, "no", "r.html") }, ExitError, "", "folder " + filepath.Join(dir, "no") + " does not exist", ""},
		{"a file name as format", func(a *Report) { a.Format = "out.html" }, ExitError, "", "the file is --output-file", ""},
		{"empty file", func(a *Report) { a.File = "" }, ExitError, "", "--output-file needs a file name", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewReport()
			c.set(a)
			call("", func(s IO) error { return a.Run(ctx, s, []string{fixture(t, "bad-ports")}) }).check(t, c.code, c.out, c.err)
			if c.file != "" {
				if b, err := os.ReadFile(c.file); err != nil || !strings.Contains(string(b), "port-protocol-name") {
					t.Errorf("%s: %v", c.file, err)
				}
			}
		})
	}
}

func TestDemo(t *testing.T) {
	for _, c := range []struct {
		name   string
		failOn string
		code   int
	}{
		{"findings are intended", "", ExitOK},
		{"unless asked to fail", "error", ExitFindings},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewDemo()
			a.Format = "json"
			if c.failOn != "" {
				a.FailOn = c.failOn
			}
			r := call("", func(s IO) error { return a.Run(ctx, s) })
			r.check(t, c.code, "", "linting the bundled charts-fixtures demo tree")
			var rep finding.Report
			if err := json.Unmarshal([]byte(r.out), &rep); err != nil || len(rep.Findings) == 0 {
				t.Fatalf("demo JSON: %v, %d findings", err, len(rep.Findings))
			}
			if f := rep.Findings[0].File; !strings.HasPrefix(f, "charts-fixtures/") {
				t.Errorf("finding path %q: want it relative to the extracted tree's parent", f)
			}
		})
	}
}

// TestLintPathPolicy: finding paths are relative to the repository root
// when the run has one (--repo-root, or the git top level for a gate or a
// repository format), else to the working folder; one conversion, made
// when the linter maps the finding.
func TestLintPathPolicy(t *testing.T) {
	tree := filepath.Join(testutil.RepoRoot(t), "charts-fixtures")
	for _, c := range []struct {
		name, format, root, want string
	}{
		{"no root: the working folder", "json", "", "../../charts-fixtures/bad-ports/values.yaml"},
		{"--repo-root", "json", tree, "bad-ports/values.yaml"},
		{"--repo-root, sarif", "sarif", tree, `"uri": "bad-ports/values.yaml"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := NewLint()
			a.Format, a.RepoRoot, a.FailOn = c.format, c.root, "none"
			r := call("", func(s IO) error { return a.Run(ctx, s, []string{filepath.Join(tree, "bad-ports")}) })
			r.check(t, ExitOK, c.want, "")
			if c.format == "json" {
				var rep finding.Report
				if err := json.Unmarshal([]byte(r.out), &rep); err != nil || len(rep.Findings) == 0 {
					t.Fatalf("%v, %d findings", err, len(rep.Findings))
				}
				for _, f := range rep.Findings {
					if !strings.HasPrefix(f.File, strings.TrimSuffix(c.want, "values.yaml")) {
						t.Errorf("%s: %s, want it under %s", f.Rule, f.File, c.want)
					}
				}
			}
		})
	}
}
