package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/finding"
)

func init() { register("junit", Needs{}, func(o Options) Formatter { return junitFormat{opts: o} }) }

// junitFormat writes JUnit XML for CI test dashboards: a suite per chart, a
// test per rule and resource, failing on errors and warnings. Infos pass and
// are kept in system-out; a chart that failed to render is a test error; a
// chart without findings is one passing test, and a run that linted no
// chart (a change that touches none) one passing test too, as Jenkins'
// junit step fails a report without tests.
//
// The document keeps to the schema Jenkins' xUnit plugin validates JUnit
// reports against (jenkinsci/xunit-plugin, types/model/xsd/junit-10.xsd):
// testcase takes only name, classname, time and group, testsuites no
// skipped count; the file and line are in the failure text.
type junitFormat struct{ opts Options }

type junitTestsuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (j junitFormat) Format(w io.Writer, r *finding.Report) error {
	paths := newPathMapper(j.opts)
	file := func(f string) string {
		rel, ok := paths.Rel(f)
		if !ok {
			return f
		}
		return rel
	}

	charts := slices.Clone(j.opts.Charts)
	for _, f := range r.Findings {
		charts = append(charts, f.Chart)
	}
	for _, e := range r.Errors {
		charts = append(charts, e.Chart)
	}
	slices.Sort(charts)
	charts = slices.Compact(charts)

	out := junitTestsuites{Name: "meshready", Suites: []junitSuite{}}
	for _, chart := range charts {
		name := chart
		if name == "" {
			name = "(no chart)"
		}
		suite := junitSuite{Name: name}
		var props []junitProperty
		if j.opts.ToolVersion != "" {
			props = append(props, junitProperty{Name: "meshready.version", Value: j.opts.ToolVersion})
		}
		if r.IstioVersion != "" {
			props = append(props, junitProperty{Name: "istio.version", Value: r.IstioVersion})
		}
		if props != nil {
			suite.Properties = &junitProperties{Property: props}
		}
		for _, e := range r.Errors {
			if e.Chart != chart {
				continue
			}
			suite.Cases = append(suite.Cases, junitCase{
				Name: "render", Classname: name,
				Error: &junitProblem{Message: e.Message, Type: "chart-error", Text: location(file(e.File), 0) + ": " + chartErrorText(e)},
			})
			suite.Errors++
		}
		// One test per rule and resource: several fields of one resource
		// failing one rule are one failed check, listed together.
		var keys []string
		groups := map[string][]finding.Finding{}
		for _, f := range r.Findings {
			if f.Chart != chart {
				continue
			}
			k := f.Rule + "\x00" + f.Resource.String()
			if groups[k] == nil {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], f)
		}
		for _, k := range keys {
			fs := groups[k]
			first := fs[0]
			tc := junitCase{
				Name:      first.Rule + " " + first.Resource.String(),
				Classname: name,
			}
			worst := first.Severity
			var text strings.Builder
			for _, f := range fs {
				if f.Severity.Rank() > worst.Rank() {
					worst = f.Severity
				}
				fmt.Fprintf(&text, "%s: %s %s: %s\n  resource %s\n", location(file(f.File), f.Line), f.Severity, f.Rule, f.Message, subject(f))
				if f.Remediation != "" {
					fmt.Fprintf(&text, "  fix: %s\n", f.Remediation)
				}
			}
			if worst == finding.Error || worst == finding.Warning {
				msg := first.Message
				if len(fs) > 1 {
					msg = fmt.Sprintf("%s (and %d more)", msg, len(fs)-1)
				}
				tc.Failure = &junitProblem{Message: msg, Type: string(worst), Text: text.String()}
				suite.Failures++
			} else {
				tc.SystemOut = text.String()
			}
			suite.Cases = append(suite.Cases, tc)
		}
		if len(suite.Cases) == 0 {
			suite.Cases = []junitCase{{Name: "mesh readiness", Classname: name}}
		}
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}

	if len(out.Suites) == 0 {
		out.Suites = []junitSuite{{Name: "meshready", Tests: 1, Cases: []junitCase{{Name: "no chart to lint", Classname: "meshready"}}}}
		out.Tests = 1
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}
