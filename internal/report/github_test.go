package report

import (
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in       string
		data     string
		property string
	}{
		{"plain text", "plain text", "plain text"},
		{"100%", "100%25", "100%25"},
		{"%0A stays literal", "%250A stays literal", "%250A stays literal"},
		{"two\nlines", "two%0Alines", "two%0Alines"},
		{"crlf\r\nend", "crlf%0D%0Aend", "crlf%0D%0Aend"},
		{"a: b, c", "a: b, c", "a%3A b%2C c"},
		{"::error::forged", "::error::forged", "%3A%3Aerror%3A%3Aforged"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := escapeData(tc.in); got != tc.data {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := escapeProperty(tc.in); got != tc.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.property)
		}
	}
}

func TestGitHubCommands(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(string(render(t, "github", sampleOptions(), sampleReport())), "\n"), "\n")
	want := []string{
		"::error file=kubernetes/broken/Chart.yaml,title=chart broken failed to render::template: broken/templates/service.yaml:3:10:",
		"::notice title=tracing-header-format::/nonexistent/oom/common/values.yaml:4: Tracing uses w3c headers for 100%25 of requests; the mesh expects b3,%0Aso traces break at the sidecar (Deployment/onap/aai-resources)%0AFix: Set global.tracing.format to b3.",
		"::warning file=kubernetes/aai/values.yaml,line=5,title=mtls-strict::",
		"::error file=kubernetes/so/templates/deployment.yaml,line=12,title=sidecar-injection::Deployment so opts out of sidecar injection (Deployment/onap/so)%0AFix: Remove the annotation or set it to \"true\".",
		"::notice file=kubernetes/so/values.yaml,line=3,title=custom-team-label::",
		"::warning file=kubernetes/so/values.yaml,line=7,title=port-name-protocol::",
		"::warning file=kubernetes/so/values.yaml,line=8,title=port-name-protocol::",
		"meshready: 1 error, 3 warnings, 2 infos in 4 charts (23 resources); 1 chart failed to render",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d:\n got %s\nwant %s...", i+1, lines[i], want[i])
		}
	}
}

func TestGitHubPropertyEscapingInPaths(t *testing.T) {
	r := &finding.Report{Findings: []finding.Finding{{
		Rule: "r", Severity: finding.Warning, Message: "m", Chart: "c",
		Resource: resource.Ref{Kind: "Service", Name: "s"},
		File:     "odd,dir/a:b.yaml", Line: 2,
	}}}
	out := string(render(t, "github", Options{WorkDir: "/repo", RepoRoot: "/repo"}, r))
	if want := "::warning file=odd%2Cdir/a%3Ab.yaml,line=2,title=r::m (Service/s)\n"; !strings.HasPrefix(out, want) {
		t.Errorf("got %q, want prefix %q", out, want)
	}
}

// TestGitHubLimits: at most 10 annotations of each type (GitHub shows no
// more per step); every finding is in the job summary, a table per chart.
func TestGitHubLimits(t *testing.T) {
	r := &finding.Report{Errors: []finding.ChartError{{Chart: "authentication", File: "authentication/Chart.yaml", Message: "needs | the internet"}}}
	for i := range 25 {
		for _, sev := range []finding.Severity{finding.Error, finding.Warning, finding.Info} {
			r.Findings = append(r.Findings, finding.Finding{
				Rule: "rule-" + string(sev), Severity: sev, Message: "m|" + string(rune('a'+i)), Chart: []string{"so", "aai"}[i%2],
				File: "so/values.yaml", Line: i + 1, Resource: resource.Ref{Kind: "Service", Name: "s"},
			})
		}
	}
	r.Count()
	var summary strings.Builder
	o := sampleOptions()
	o.StepSummary = &summary
	out := string(render(t, "github", o, r))
	for _, typ := range []string{"error", "warning", "notice"} {
		if n := strings.Count(out, "\n::"+typ+" ") + strings.Count("\n"+out[:strings.Index(out, "\n")], "\n::"+typ+" "); n != 10 {
			t.Errorf("%d %s annotations, want 10", n, typ)
		}
	}
	if !strings.HasPrefix(out, "::error file=kubernetes/authentication/Chart.yaml,title=chart authentication failed to render::") {
		t.Errorf("the chart error is not the first annotation:\n%s", out[:200])
	}
	if !strings.Contains(out, "meshready: 46 more not annotated: GitHub shows 10 annotations of each type per step; all are in the job summary\n") {
		t.Errorf("no note of the annotations not shown:\n%s", out)
	}
	s := summary.String()
	for _, want := range []string{
		"## meshready\n",
		"- :x: chart **authentication** failed to render: needs \\| the internet\n",
		"### aai\n\n| Rule | Severity | Location | Resource | Message |\n| --- | --- | --- | --- | --- |\n| rule-error | error |",
		"### so\n",
		"| rule-warning | warning | kubernetes/so/values.yaml:1 | Service/s | m\\|a |\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("job summary lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "\n| rule-"); n != 75 {
		t.Errorf("job summary has %d finding rows, want all 75", n)
	}
}
