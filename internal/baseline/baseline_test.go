package baseline_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	chartsfixtures "github.com/meshready/meshready/charts-fixtures"
	"github.com/meshready/meshready/internal/baseline"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint/linttest"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// lintChart runs the real pipeline on one chart of a charts-fixtures copy.
func lintChart(t *testing.T, tree, chart string) *finding.Report {
	t.Helper()
	rep := linttest.Run(t, linttest.New(t, tree), filepath.Join(tree, chart))
	if len(rep.Findings) == 0 {
		t.Fatalf("%s has no findings: the test would prove nothing", chart)
	}
	return rep
}

func fingerprints(r *finding.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, baseline.Fingerprint(f))
	}
	slices.Sort(out)
	return out
}

func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	after := edit(string(b))
	if after == string(b) {
		t.Fatalf("edit of %s changed nothing", path)
	}
	if err := os.WriteFile(path, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFingerprintsSurviveLineShifts lints bad-ports, shifts every line of its
// values.yaml down with comment lines, and lints again: every finding keeps
// its fingerprint though its line moved. Then it renames one port: exactly
// that finding becomes new, and the old one fixed.
func TestFingerprintsSurviveLineShifts(t *testing.T) {
	tree, err := chartsfixtures.Extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	values := filepath.Join(tree, "bad-ports", "values.yaml")
	before := lintChart(t, tree, "bad-ports")

	const shift = 4
	editFile(t, values, func(s string) string {
		return strings.Repeat("# an unrelated comment\n", shift) + s
	})
	shifted := lintChart(t, tree, "bad-ports")
	if got, want := fingerprints(shifted), fingerprints(before); !slices.Equal(got, want) {
		t.Errorf("fingerprints changed when only lines moved:\nbefore %v\nafter  %v", want, got)
	}
	moved := 0
	for _, f := range shifted.Findings {
		if strings.HasSuffix(f.File, "bad-ports/values.yaml") {
			i := slices.IndexFunc(before.Findings, func(b finding.Finding) bool {
				return baseline.Fingerprint(b) == baseline.Fingerprint(f)
			})
			if i < 0 || before.Findings[i].Line+shift != f.Line {
				t.Errorf("%s %s: line %d, want the old line + %d", f.Rule, f.Value, f.Line, shift)
			}
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no finding sits on values.yaml: the shift tested nothing")
	}
	d := baseline.Compare(baseline.FromReport(before), shifted)
	if len(d.New) != 0 || len(d.Fixed) != 0 {
		t.Errorf("after a line shift: %d new, %d fixed; want 0 and 0", len(d.New), len(d.Fixed))
	}

	// A changed value is a different finding.
	editFile(t, values, func(s string) string { return strings.Replace(s, "- name: api\n", "- name: apx\n", 1) })
	renamed := lintChart(t, tree, "bad-ports")
	d = baseline.Compare(baseline.FromReport(before), renamed)
	var newValues []string
	for i := range d.New {
		newValues = append(newValues, renamed.Findings[i].Rule+"="+renamed.Findings[i].Value)
	}
	var fixedValues []string
	for _, f := range d.Fixed {
		fixedValues = append(fixedValues, f.Rule+"="+f.Value)
	}
	if !slices.Equal(newValues, []string{"port-protocol-name=apx"}) || !slices.Equal(fixedValues, []string{"port-protocol-name=api"}) {
		t.Errorf("after renaming port api to apx: new %v, fixed %v; want [port-protocol-name=apx] and [port-protocol-name=api]", newValues, fixedValues)
	}
}

func sample() finding.Finding {
	return finding.Finding{
		Rule: "port-protocol-name", Severity: finding.Error, Message: "port 'api' has no protocol",
		Resource: resource.Ref{APIVersion: "v1", Kind: "Service", Namespace: "onap", Name: "so"},
		Chart:    "so", File: "kubernetes/so/values.yaml", Line: 12,
		Field: "spec.ports[1].name", Value: "api",
	}
}

func TestFingerprintIdentity(t *testing.T) {
	base := baseline.Fingerprint(sample())
	for _, c := range []struct {
		name string
		edit func(*finding.Finding)
		same bool
	}{
		{"line", func(f *finding.Finding) { f.Line = 99 }, true},
		{"file", func(f *finding.Finding) { f.File = "kubernetes/so/other.yaml" }, true},
		{"message", func(f *finding.Finding) { f.Message = "reworded" }, true},
		{"severity", func(f *finding.Finding) { f.Severity = finding.Warning }, true},
		{"rule", func(f *finding.Finding) { f.Rule = "port-conflict" }, false},
		{"chart", func(f *finding.Finding) { f.Chart = "aai" }, false},
		{"api group", func(f *finding.Finding) { f.Resource.APIVersion = "networking.istio.io/v1" }, false},
		{"kind", func(f *finding.Finding) { f.Resource.Kind = "Endpoints" }, false},
		{"namespace", func(f *finding.Finding) { f.Resource.Namespace = "onap2" }, false},
		{"name", func(f *finding.Finding) { f.Resource.Name = "so2" }, false},
		{"field", func(f *finding.Finding) { f.Field = "spec.ports[0].name" }, false},
		{"value", func(f *finding.Finding) { f.Value = "apx" }, false},
		{"no ambiguity between parts", func(f *finding.Finding) { f.Rule, f.Chart = "port-protocol-names", "o" }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := sample()
			c.edit(&f)
			if got := baseline.Fingerprint(f) == base; got != c.same {
				t.Errorf("fingerprint equal after changing the %s: %v, want %v", c.name, got, c.same)
			}
		})
	}
	a, b := sample(), sample()
	a.Resource.APIVersion, b.Resource.APIVersion = "apps/v1beta2", "apps/v1"
	if baseline.Fingerprint(a) != baseline.Fingerprint(b) {
		t.Error("apps/v1beta2 -> apps/v1 changed the fingerprint; only the group should count")
	}
}

func report(fs ...finding.Finding) *finding.Report {
	r := &finding.Report{Findings: fs}
	r.Count()
	return r
}

func TestCompareMultiset(t *testing.T) {
	x, y := sample(), sample()
	y.Value = "other"
	twice := baseline.FromReport(report(x, x, y))
	for _, c := range []struct {
		name       string
		run        *finding.Report
		wantNew    []int
		wantFixed  []string
		wantErrors bool
	}{
		{"same findings", report(x, x, y), nil, nil, false},
		{"one more of a recorded finding", report(x, x, x, y), []int{2}, nil, false},
		{"one fewer", report(x, y), nil, []string{"api"}, false},
		{"all gone", report(), nil, []string{"api", "api", "other"}, false},
		{"new value", report(x, x, y, func() finding.Finding { z := x; z.Value = "z"; return z }()), []int{3}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := baseline.Compare(twice, c.run)
			var gotNew []int
			for i := range c.run.Findings {
				if d.New[i] {
					gotNew = append(gotNew, i)
				}
			}
			var gotFixed []string
			for _, f := range d.Fixed {
				gotFixed = append(gotFixed, f.Value)
			}
			slices.Sort(gotFixed)
			if !slices.Equal(gotNew, c.wantNew) || !slices.Equal(gotFixed, c.wantFixed) {
				t.Errorf("new %v fixed %v, want new %v fixed %v", gotNew, gotFixed, c.wantNew, c.wantFixed)
			}
			for _, f := range d.Fixed {
				if f.Rule != x.Rule || f.Chart != x.Chart || f.Resource != x.Resource || f.File != x.File || f.Message != x.Message {
					t.Errorf("fixed finding lost the fields the baseline kept: %+v", f)
				}
			}
		})
	}
	// A chart that failed to render says nothing about its findings.
	failed := report()
	failed.Errors = []finding.ChartError{{Chart: "so", Message: "boom"}}
	if d := baseline.Compare(twice, failed); len(d.Fixed) != 0 {
		t.Errorf("entries of a chart that failed to render were reported fixed: %+v", d.Fixed)
	}
}

func TestPrune(t *testing.T) {
	so, aai, sdc := sample(), sample(), sample()
	aai.Chart, sdc.Chart = "aai", "sdc"
	soGone := sample()
	soGone.Value = "gone"
	b := baseline.FromReport(report(so, so, soGone, aai, sdc))
	// The run linted so (one occurrence left, soGone fixed, a new finding)
	// and aai (failed to render); sdc was not linted.
	newOne := sample()
	newOne.Value = "brand-new"
	newOne.File = "kubernetes/so/moved.yaml"
	run := report(so, newOne)
	run.Errors = []finding.ChartError{{Chart: "aai"}}
	inScope := func(c string) bool { return c == "so" || c == "aai" }
	got := baseline.Prune(b, run, inScope)
	var keys []string
	for _, e := range got.Findings {
		keys = append(keys, e.Chart+"/"+e.Value)
	}
	want := []string{"aai/api", "sdc/api", "so/api"}
	if !slices.Equal(keys, want) {
		t.Errorf("pruned baseline holds %v, want %v (one so/api still occurs; aai failed and sdc was not linted, so they stay; nothing is added)", keys, want)
	}
}

func TestWriteLoadRoundTripAndGolden(t *testing.T) {
	x, y := sample(), sample()
	y.Resource = resource.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "onap", Name: "so-bpmn-infra"}
	y.Rule, y.Field, y.Value, y.Message = "sidecar-injection", `spec.template.metadata.annotations["sidecar.istio.io/inject"]`, "", "no sidecar <&>"
	b := baseline.FromReport(report(y, x, x))
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "baseline.golden.json"), buf.Bytes())
	got, _ := roundTrip(t, b)
	if !slices.Equal(got.Findings, b.Findings) {
		t.Errorf("round trip changed the entries:\n%+v\n%+v", got.Findings, b.Findings)
	}
	if d := baseline.Compare(got, report(x, y, x)); len(d.New)+len(d.Fixed) != 0 {
		t.Errorf("a loaded baseline does not match the run it was made from: %d new, %d fixed", len(d.New), len(d.Fixed))
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := baseline.FromReport(report(sample())).WriteFile(p); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's old 0600", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("the folder holds %d files, want only the baseline (no temporary left)", len(ents))
	}
	if _, err := baseline.Load(p, false); err != nil {
		t.Error(err)
	}
	// Into a folder that does not exist: an error naming the file, nothing written.
	bad := filepath.Join(dir, "nope", "b.json")
	if err := baseline.FromReport(report()).WriteFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("WriteFile into a missing folder: %v, want an error naming %s", err, bad)
	}
}

func TestLoadErrors(t *testing.T) {
	good := func() string {
		var b bytes.Buffer
		if err := baseline.FromReport(report(sample())).Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}()
	for _, c := range []struct {
		name, content, want string
	}{
		{"empty", "  \n", "the file is empty"},
		{"not JSON", "findings: []\n", "invalid JSON at line 1, column 2"},
		{"syntax error on line 3", "{\n  \"version\": 1,\n  \"findings\": [,]\n}\n", "invalid JSON at line 3"},
		{"truncated", good[:len(good)/2], "ends early"},
		{"unknown field", `{"version":1,"findings":[],"extra":true}`, `unknown field "extra"`},
		{"wrong type", `{"version":"1","findings":[]}`, "version must be int"},
		{"other version", `{"version":2,"findings":[]}`, "version 2 is not supported"},
		{"no version", `{"findings":[]}`, "version 0 is not supported"},
		{"no findings list", `{"version":1}`, `no "findings" list`},
		{"trailing data", good + "{}", "unexpected data after the JSON object"},
		{"entry without rule", `{"version":1,"findings":[{"fingerprint":"x","chart":"so","resource":{"apiVersion":"v1","kind":"Service","name":"so"}}]}`, "finding 1 has no rule"},
		{"edited by hand", strings.Replace(good, `"value": "api"`, `"value": "apx"`, 1), "finding 1 (rule port-protocol-name, chart so, Service/onap/so) has fingerprint"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "my-baseline.json")
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := baseline.Load(p, false)
			if err == nil {
				t.Fatal("loaded without error")
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant the file %s and %q", err, p, c.want)
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "none.json")
	if _, err := baseline.Load(missing, false); err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "meshready baseline") {
		t.Errorf("missing file: %v, want the path and how to record one", err)
	}
}

func TestKnownFailures(t *testing.T) {
	rep := &finding.Report{Errors: []finding.ChartError{
		{Chart: "authentication", File: "kubernetes/authentication/Chart.yaml", Message: "needs the internet"},
		{Chart: "authentication", File: "kubernetes/authentication/Chart.yaml", Message: "twice"},
	}}
	b := baseline.FromReport(rep)
	if len(b.Errors) != 1 || b.Errors[0].Chart != "authentication" {
		t.Fatalf("recorded errors %+v, want authentication once", b.Errors)
	}
	got, p := roundTrip(t, b)
	run := &finding.Report{Errors: []finding.ChartError{{Chart: "authentication"}, {Chart: "so"}}}
	known, unknown := got.Known(run)
	if len(known) != 1 || known[0].Chart != "authentication" || len(unknown) != 1 || unknown[0].Chart != "so" {
		t.Errorf("Known: %+v / %+v, want authentication known and so not", known, unknown)
	}
	all := func(string) bool { return true }
	if kept := baseline.Prune(got, run, all); len(kept.Errors) != 1 {
		t.Errorf("Prune dropped a failure that still fails: %+v", kept.Errors)
	}
	if kept := baseline.Prune(got, &finding.Report{}, all); len(kept.Errors) != 0 {
		t.Errorf("Prune kept a failure that is fixed: %+v", kept.Errors)
	}
	if kept := baseline.Prune(got, &finding.Report{}, func(c string) bool { return c != "authentication" }); len(kept.Errors) != 1 {
		t.Errorf("Prune dropped the failure of a chart it did not lint: %+v", kept.Errors)
	}
	os.WriteFile(p, []byte(`{"version":1,"findings":[],"errors":[{"file":"x"}]}`), 0o644)
	if _, err := baseline.Load(p, false); err == nil || !strings.Contains(err.Error(), "error 1 names no chart") {
		t.Errorf("an error entry without a chart: %v", err)
	}
}

// roundTrip writes b to a file and loads it back.
func roundTrip(t *testing.T, b *baseline.Baseline) (*baseline.Baseline, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "b.json")
	if err := b.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	got, err := baseline.Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	return got, p
}
