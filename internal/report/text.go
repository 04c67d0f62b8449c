package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/textsafe"
)

func init() {
	register("text", Needs{Color: true}, func(o Options) Formatter {
		return textFormat{color: o.Color, compact: o.Compact, baseline: o.BaselineSummary}
	})
}

// textFormat is for people at a terminal: findings grouped by chart, each at
// the line to edit, then each rule's remediation once, a per-rule table, the
// totals and, with a baseline, its counts (the known findings are not
// listed). Compact is one line per finding and the totals.
type textFormat struct {
	color    bool
	compact  bool
	baseline *BaselineSummary
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (t textFormat) paint(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t textFormat) severity(s finding.Severity) string {
	switch s {
	case finding.Error:
		return t.paint(ansiBold+ansiRed, string(s))
	case finding.Warning:
		return t.paint(ansiYellow, string(s))
	case finding.Info:
		return t.paint(ansiCyan, string(s))
	}
	return string(s)
}

func (t textFormat) Format(w io.Writer, r *finding.Report) error {
	if t.compact {
		return t.formatCompact(w, r)
	}
	var b bytes.Buffer
	byChart := map[string][]finding.Finding{}
	errsByChart := map[string][]finding.ChartError{}
	seen := map[string]bool{}
	var charts []string
	addChart := func(c string) {
		if !seen[c] {
			seen[c] = true
			charts = append(charts, c)
		}
	}
	for _, f := range r.Findings {
		addChart(f.Chart)
		byChart[f.Chart] = append(byChart[f.Chart], f)
	}
	for _, e := range r.Errors {
		addChart(e.Chart)
		errsByChart[e.Chart] = append(errsByChart[e.Chart], e)
	}
	slices.Sort(charts)

	for i, chart := range charts {
		if i > 0 {
			b.WriteString("\n")
		}
		name := chart
		if name == "" {
			name = "(no chart)"
		}
		b.WriteString(t.paint(ansiBold, name) + "\n")
		for _, e := range errsByChart[chart] {
			fmt.Fprintf(&b, "  %s: %s: %s\n", location(e.File, 0), t.paint(ansiBold+ansiRed, "chart error"),
				indent(e.Message, "    "))
		}
		for _, f := range byChart[chart] {
			fmt.Fprintf(&b, "  %s: %s %s: %s\n", location(f.File, f.Line), t.severity(f.Severity), f.Rule,
				indent(f.Message, "    "))
			fmt.Fprintf(&b, "      resource %s\n", subject(f))
			if also := alsoText(f, func(p string) string { return p }); also != "" {
				fmt.Fprintf(&b, "      %s\n", also)
			}
		}
	}
	if len(charts) == 0 {
		b.WriteString("No findings.\n")
	}
	b.WriteString("\n")
	t.remediations(&b, r)
	t.table(&b, r)
	s := r.Summary
	fmt.Fprintf(&b, "charts %d, resources %d, errors %d, warnings %d, infos %d, failed to render %d\n",
		s.Charts, s.Resources, s.Error, s.Warning, s.Info, failedCharts(r))
	if r.IstioVersion != "" {
		fmt.Fprintf(&b, "verdicts for Istio %s\n", r.IstioVersion)
	}
	if t.baseline != nil {
		fmt.Fprintf(&b, "baseline %s\n", t.baseline.line("shown"))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// remediations prints each rule's remediation once, with its reference,
// in the order the rules first appear.
func (t textFormat) remediations(b *bytes.Buffer, r *finding.Report) {
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if seen[f.Rule] || f.Remediation == "" {
			continue
		}
		if len(seen) == 0 {
			b.WriteString(t.paint(ansiBold, "How to fix") + "\n")
		}
		seen[f.Rule] = true
		fmt.Fprintf(b, "  %s %s\n", t.paint(ansiGreen, f.Rule+":"), indent(f.Remediation, "    "))
		if f.DocURL != "" {
			fmt.Fprintf(b, "    see %s\n", f.DocURL)
		}
	}
	if len(seen) > 0 {
		b.WriteString("\n")
	}
}

// formatCompact is one line per chart error and finding, then the totals.
func (t textFormat) formatCompact(w io.Writer, r *finding.Report) error {
	var b bytes.Buffer
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "%s: %s: chart %s: %s\n", location(e.File, 0), t.paint(ansiBold+ansiRed, "chart error"), e.Chart, textsafe.Fields(e.Message))
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s %s: %s [%s]\n", location(f.File, f.Line), t.severity(f.Severity), f.Rule, textsafe.Fields(f.Message), f.Resource)
	}
	fmt.Fprintf(&b, "%s\n", summaryLine(r))
	_, err := w.Write(b.Bytes())
	return err
}

// table counts findings per rule and severity (a finding may override its
// rule's severity), most severe first.
func (t textFormat) table(b *bytes.Buffer, r *finding.Report) {
	type row struct {
		rule string
		sev  finding.Severity
		n    int
	}
	var rows []row
	for _, f := range r.Findings {
		i := slices.IndexFunc(rows, func(x row) bool { return x.rule == f.Rule && x.sev == f.Severity })
		if i < 0 {
			rows = append(rows, row{f.Rule, f.Severity, 0})
			i = len(rows) - 1
		}
		rows[i].n++
	}
	if len(rows) == 0 {
		return
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.sev.Rank(), a.sev.Rank()), cmp.Compare(a.rule, b.rule))
	})
	// Pad before painting: escape codes would throw off a tabwriter.
	wRule, wSev := len("RULE"), len("SEVERITY")
	for _, x := range rows {
		wRule, wSev = max(wRule, len(x.rule)), max(wSev, len(x.sev))
	}
	fmt.Fprintf(b, "%-*s  %-*s  %s\n", wRule, "RULE", wSev, "SEVERITY", "COUNT")
	for _, x := range rows {
		pad := strings.Repeat(" ", wSev-len(x.sev))
		fmt.Fprintf(b, "%-*s  %s%s  %d\n", wRule, x.rule, t.severity(x.sev), pad, x.n)
	}
	b.WriteString("\n")
}

// indent continues a multi-line message under its first line.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
