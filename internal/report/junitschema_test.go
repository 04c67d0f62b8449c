package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"slices"
	"testing"

	"github.com/meshready/meshready/internal/finding"
)

// junitElement is one element of the JUnit schema Jenkins' xUnit plugin
// validates against (jenkinsci/xunit-plugin,
// src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd),
// written down as the checks it implies: the attributes allowed and
// required, and the child elements allowed.
type junitElement struct {
	attrs    []string
	required []string
	children []string
	text     bool // mixed or simple content
}

var junit10 = map[string]junitElement{
	"testsuites": {attrs: []string{"name", "time", "tests", "failures", "errors"}, children: []string{"testsuite"}},
	"testsuite": {
		attrs:    []string{"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
		required: []string{"name", "tests", "failures", "errors"},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
	},
	"properties": {children: []string{"property"}},
	"property":   {attrs: []string{"name", "value"}, required: []string{"name", "value"}},
	"testcase": {
		attrs: []string{"name", "time", "classname", "group"}, required: []string{"name"},
		children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"},
	},
	"failure":    {attrs: []string{"type", "message"}, text: true},
	"error":      {attrs: []string{"type", "message"}, text: true},
	"skipped":    {attrs: []string{"type", "message"}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

// surefireTime is the schema's SUREFIRE_TIME pattern for time attributes.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

// validateJUnit10 checks a document against junit10.
func validateJUnit10(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	roots := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			el, ok := junit10[name]
			if !ok {
				return fmt.Errorf("element <%s> is not in the schema", name)
			}
			if len(stack) == 0 {
				roots++
				if name != "testsuites" && name != "testsuite" {
					return fmt.Errorf("root <%s>: want testsuites or testsuite", name)
				}
			} else if parent := junit10[stack[len(stack)-1]]; !slices.Contains(parent.children, name) {
				return fmt.Errorf("<%s> may not hold <%s>", stack[len(stack)-1], name)
			}
			var have []string
			for _, a := range tok.Attr {
				if !slices.Contains(el.attrs, a.Name.Local) {
					return fmt.Errorf("<%s> has attribute %s, which the schema does not allow", name, a.Name.Local)
				}
				if a.Name.Local == "time" && !surefireTime.MatchString(a.Value) {
					return fmt.Errorf("<%s time=%q> is not a SUREFIRE_TIME", name, a.Value)
				}
				have = append(have, a.Name.Local)
			}
			for _, r := range el.required {
				if !slices.Contains(have, r) {
					return fmt.Errorf("<%s> lacks the required attribute %s", name, r)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !junit10[stack[len(stack)-1]].text && len(bytes.TrimSpace(tok)) > 0 {
				return fmt.Errorf("<%s> holds text", stack[len(stack)-1])
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("%d root elements", roots)
	}
	return nil
}

func TestJUnitSchema(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		r    *finding.Report
	}{
		{"sample", sampleOptions(), sampleReport()},
		{"empty changed-only run", Options{}, &finding.Report{}},
		{"clean charts", Options{Charts: []string{"a", "b"}, ToolVersion: "v1"}, &finding.Report{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := validateJUnit10(render(t, "junit", c.o, c.r)); err != nil {
				t.Error(err)
			}
		})
	}
	// The checks can fail: what the output had before.
	for _, bad := range []string{
		`<testsuites skipped="0"><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="f" line="3"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1"><testcase name="x"/></testsuite></testsuites>`,
		`<testsuites><testcase name="x"/></testsuites>`,
	} {
		if validateJUnit10([]byte(bad)) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
