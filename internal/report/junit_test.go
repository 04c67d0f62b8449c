package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
)

// Independent of junit.go's types, so the test reads what a CI server reads.
type parsedSuites struct {
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Skipped  int           `xml:"skipped,attr"`
	Suites   []parsedSuite `xml:"testsuite"`
}

type parsedSuite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Props    []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []parsedCase `xml:"testcase"`
}

type parsedCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	File      string `xml:"file,attr"`
	Line      int    `xml:"line,attr"`
	Failure   *struct {
		Type    string `xml:"type,attr"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"error"`
	Skipped   *struct{} `xml:"skipped"`
	SystemOut string    `xml:"system-out"`
}

func parseJUnit(t *testing.T, o Options, r *finding.Report) parsedSuites {
	t.Helper()
	var out parsedSuites
	if err := xml.Unmarshal(render(t, "junit", o, r), &out); err != nil {
		t.Fatalf("JUnit output does not parse: %v", err)
	}
	return out
}

// checkCounts recomputes every count attribute from the test cases.
func checkCounts(t *testing.T, out parsedSuites) {
	t.Helper()
	var tests, failures, errors, skipped int
	for _, s := range out.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: tests=%d failures=%d errors=%d skipped=%d, cases say %d/%d/%d/%d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errors, skipped = tests+len(s.Cases), failures+f, errors+e, skipped+sk
	}
	if out.Tests != tests || out.Failures != failures || out.Errors != errors || out.Skipped != skipped {
		t.Errorf("testsuites: tests=%d failures=%d errors=%d skipped=%d, suites add up to %d/%d/%d/%d",
			out.Tests, out.Failures, out.Errors, out.Skipped, tests, failures, errors, skipped)
	}
}

func TestJUnitParsesWithRightCounts(t *testing.T) {
	out := parseJUnit(t, sampleOptions(), sampleReport())
	checkCounts(t, out)
	if out.Tests != 7 || out.Failures != 3 || out.Errors != 1 {
		t.Errorf("totals %d tests, %d failures, %d errors; want 7, 3, 1", out.Tests, out.Failures, out.Errors)
	}
	suites := map[string]parsedSuite{}
	var names []string
	for _, s := range out.Suites {
		suites[s.Name] = s
		names = append(names, s.Name)
	}
	if got := strings.Join(names, " "); got != "aai broken clean so" {
		t.Errorf("suites %s, want one per chart: aai broken clean so", got)
	}

	// A chart without findings passes one test.
	if c := suites["clean"].Cases; len(c) != 1 || c[0].Failure != nil || c[0].Error != nil {
		t.Errorf("clean chart: %+v", c)
	}
	// A chart that failed to render is a test error.
	if c := suites["broken"].Cases; len(c) != 1 || c[0].Error == nil || c[0].Error.Type != "chart-error" ||
		!strings.Contains(c[0].Error.Text, "nil pointer") {
		t.Errorf("broken chart: %+v", c)
	}

	so := suites["so"].Cases
	if len(so) != 3 {
		t.Fatalf("so: %d cases, want 3 (rule x resource)", len(so))
	}
	if f := so[0].Failure; so[0].Name != "sidecar-injection Deployment/onap/so" || f == nil || f.Type != "error" ||
		!strings.Contains(f.Text, "kubernetes/so/templates/deployment.yaml:12: error sidecar-injection") {
		t.Errorf("sidecar case: %+v", so[0])
	}
	// An info passes, its finding kept in system-out.
	if so[1].Failure != nil || !strings.Contains(so[1].SystemOut, "no team label") {
		t.Errorf("info case: %+v", so[1])
	}
	// Two findings of one rule on one resource: one failed test listing both.
	if f := so[2].Failure; f == nil || f.Type != "warning" || !strings.Contains(f.Text, "spec.ports[0].name") ||
		!strings.Contains(f.Text, "spec.ports[1].name") || !strings.HasSuffix(f.Message, "(and 1 more)") {
		t.Errorf("port case: %+v", so[2])
	}
	for _, s := range out.Suites {
		if p := s.Props; len(p) != 1 || p[0].Name != "meshready.version" || p[0].Value != "1.2.3-test" {
			t.Errorf("suite %s: properties %+v, want meshready.version=1.2.3-test", s.Name, p)
		}
	}
}

func TestJUnitMixedSeverityTakesTheWorst(t *testing.T) {
	r := sampleReport()
	for i := range r.Findings {
		if r.Findings[i].Rule == "port-name-protocol" && r.Findings[i].Line == 8 {
			r.Findings[i].Severity = finding.Error
		}
	}
	r.Count()
	for _, s := range parseJUnit(t, sampleOptions(), r).Suites {
		for _, c := range s.Cases {
			if strings.HasPrefix(c.Name, "port-name-protocol") && (c.Failure == nil || c.Failure.Type != "error") {
				t.Errorf("warning + error on one resource: %+v, want an error failure", c)
			}
		}
	}
}

func TestJUnitEmptyAndUnnamedCharts(t *testing.T) {
	// Jenkins' junit step fails a report with no tests: a run that linted
	// nothing (a change that touches no chart) is one passing test.
	out := parseJUnit(t, Options{}, &finding.Report{})
	checkCounts(t, out)
	if out.Tests != 1 || out.Failures != 0 || len(out.Suites) != 1 || out.Suites[0].Cases[0].Name != "no chart to lint" {
		t.Errorf("empty report: %+v", out)
	}
	out = parseJUnit(t, Options{Charts: []string{"a", "b"}}, &finding.Report{})
	checkCounts(t, out)
	if out.Tests != 2 || out.Failures != 0 {
		t.Errorf("two clean charts: %+v", out)
	}
}
