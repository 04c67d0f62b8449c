package report

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
)

func TestTextColorOnlyWhenAsked(t *testing.T) {
	plain := string(render(t, "text", sampleOptions(), sampleReport()))
	if strings.Contains(plain, "\x1b[") {
		t.Error("ANSI escapes without Options.Color")
	}
	o := sampleOptions()
	o.Color = true
	colored := string(render(t, "text", o, sampleReport()))
	for _, want := range []string{ansiBold + ansiRed + "error" + ansiReset, ansiYellow + "warning" + ansiReset, ansiCyan + "info" + ansiReset} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	// Without the escapes, the coloured text is the plain text.
	stripped := colored
	for _, code := range []string{ansiReset, ansiBold, ansiRed, ansiGreen, ansiYellow, ansiCyan} {
		stripped = strings.ReplaceAll(stripped, code, "")
	}
	if stripped != plain {
		t.Errorf("colour changed more than colour:\n%s\n---\n%s", stripped, plain)
	}
}

func TestTextLayout(t *testing.T) {
	out := string(render(t, "text", sampleOptions(), sampleReport()))
	for _, want := range []string{
		"so\n  so/templates/deployment.yaml:12: error sidecar-injection: Deployment so opts out of sidecar injection\n" +
			`      resource Deployment/onap/so field=spec.template.metadata.annotations["sidecar.istio.io/inject"] value="false"` + "\n",
		"How to fix\n", "  sidecar-injection: Remove the annotation or set it to \"true\".\n    see https://",
		"broken\n  broken/Chart.yaml: chart error: template:",
		// A multi-line message stays under its finding.
		"the mesh expects b3,\n    so traces break at the sidecar\n",
		"RULE                   SEVERITY  COUNT\nsidecar-injection      error     1\n",
		"port-name-protocol     warning   2\n",
		"charts 4, resources 23, errors 1, warnings 3, infos 2, failed to render 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// Charts in order, whatever order findings and errors came in.
	if a, b, s := strings.Index(out, "aai\n"), strings.Index(out, "broken\n"), strings.Index(out, "\nso\n"); !(a < b && b < s) {
		t.Errorf("charts out of order: aai@%d broken@%d so@%d", a, b, s)
	}
}

func TestTextEmpty(t *testing.T) {
	out := string(render(t, "text", Options{}, &finding.Report{Summary: finding.Summary{Charts: 2, Resources: 5}}))
	want := "No findings.\n\ncharts 2, resources 5, errors 0, warnings 0, infos 0, failed to render 0\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestTextRemediationOncePerRule: a rule's remediation is printed once,
// however many findings it has, with its reference.
func TestTextRemediationOncePerRule(t *testing.T) {
	r := &finding.Report{}
	for i := range 5 {
		r.Findings = append(r.Findings, finding.Finding{Rule: "port-protocol-name", Severity: finding.Error, Chart: "so",
			Message: "port " + string(rune('a'+i)), Remediation: "Rename the port with its protocol.", DocURL: "https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/", File: "so/values.yaml", Line: i + 1})
	}
	r.Count()
	out := string(render(t, "text", Options{}, r))
	if n := strings.Count(out, "Rename the port with its protocol."); n != 1 {
		t.Errorf("remediation printed %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "  port-protocol-name: Rename the port with its protocol.\n    see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/\n") {
		t.Errorf("no remediation with its reference:\n%s", out)
	}
	compact := string(render(t, "text", Options{Compact: true}, r))
	lines := strings.Split(strings.TrimSuffix(compact, "\n"), "\n")
	if len(lines) != 6 || lines[0] != "so/values.yaml:1: error port-protocol-name: port a [/]" || !strings.HasPrefix(lines[5], "5 errors, 0 warnings, 0 infos") {
		t.Errorf("compact: want one line per finding and the totals:\n%s", compact)
	}
}
