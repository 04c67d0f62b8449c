package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/meshready/meshready/internal/finding"
)

func init() {
	register("github", Needs{RepoPaths: true}, func(o Options) Formatter { return githubFormat{opts: o} })
}

// githubFormat writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's files. GitHub shows at most
// 10 error, 10 warning and 10 notice annotations per step (and 50 per job;
// actions/toolkit docs/problem-matchers.md, "Limitations"): the ones beyond
// are not written as commands, and every finding goes to the job summary
// ($GITHUB_STEP_SUMMARY, Options.StepSummary) as a table per chart.
type githubFormat struct{ opts Options }

// annotationsPerType is GitHub's per-step limit for each annotation type.
const annotationsPerType = 10

// stepSummaryBudget keeps the job summary under GitHub's 1 MiB per step.
const stepSummaryBudget = 1<<20 - 4<<10

func (g githubFormat) Format(w io.Writer, r *finding.Report) error {
	paths := newPathMapper(g.opts)
	var b bytes.Buffer
	shown := map[string]int{}
	dropped := 0
	emit := func(cmd string, props [][2]string, msg string) {
		if shown[cmd] >= annotationsPerType {
			dropped++
			return
		}
		shown[cmd]++
		b.WriteString(workflowCommand(cmd, props, msg))
	}
	// Chart errors first: a chart that was not linted matters most.
	for _, e := range r.Errors {
		rel, inRepo := paths.Rel(e.File)
		props := [][2]string{}
		msg := e.Message
		if inRepo {
			props = append(props, [2]string{"file", rel})
		} else if rel != "" {
			msg = rel + ": " + msg
		}
		props = append(props, [2]string{"title", "chart " + e.Chart + " failed to render"})
		emit("error", props, msg)
	}
	for _, f := range r.Findings {
		rel, inRepo := paths.Rel(f.File)
		props := [][2]string{}
		msg := fmt.Sprintf("%s (%s)", f.Message, f.Resource)
		if inRepo {
			props = append(props, [2]string{"file", rel})
			if f.Line > 0 {
				props = append(props, [2]string{"line", strconv.Itoa(f.Line)})
			}
		} else if rel != "" {
			// GitHub can only attach annotations to files in the checkout;
			// name the place in the message instead.
			msg = location(rel, f.Line) + ": " + msg
		}
		props = append(props, [2]string{"title", f.Rule})
		if f.Remediation != "" {
			msg += "\nFix: " + f.Remediation
		}
		emit(githubCommand(f.Severity), props, msg)
	}
	fmt.Fprintf(&b, "meshready: %s\n", summaryLine(r))
	if dropped > 0 {
		where := "set $GITHUB_STEP_SUMMARY to get them all in the job summary"
		if g.opts.StepSummary != nil {
			where = "all are in the job summary"
		}
		fmt.Fprintf(&b, "meshready: %d more not annotated: GitHub shows %d annotations of each type per step; %s\n", dropped, annotationsPerType, where)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if g.opts.StepSummary != nil {
		_, err := g.opts.StepSummary.Write(stepSummary(r, paths))
		return err
	}
	return nil
}

// stepSummary is the job summary: the totals, then per chart a markdown
// table of its findings by rule, and the charts that failed.
func stepSummary(r *finding.Report, paths pathMapper) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## meshready\n\n%s\n\n", mdCell(summaryLine(r)))
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "- :x: chart **%s** failed to render: %s\n", mdCell(e.Chart), mdCell(e.Message))
	}
	if len(r.Errors) > 0 {
		b.WriteString("\n")
	}
	byChart := map[string][]finding.Finding{}
	var charts []string
	for _, f := range r.Findings {
		if byChart[f.Chart] == nil {
			charts = append(charts, f.Chart)
		}
		byChart[f.Chart] = append(byChart[f.Chart], f)
	}
	slices.Sort(charts)
	for _, c := range charts {
		fs := slices.Clone(byChart[c])
		slices.SortStableFunc(fs, func(x, y finding.Finding) int { return strings.Compare(x.Rule, y.Rule) })
		var t bytes.Buffer
		fmt.Fprintf(&t, "### %s\n\n| Rule | Severity | Location | Resource | Message |\n| --- | --- | --- | --- | --- |\n", mdCell(cmp.Or(c, "(no chart)")))
		for _, f := range fs {
			rel, _ := paths.Rel(f.File)
			fmt.Fprintf(&t, "| %s | %s | %s | %s | %s |\n", mdCell(f.Rule), f.Severity, mdCell(location(rel, f.Line)), mdCell(f.Resource.String()), mdCell(f.Message))
		}
		t.WriteString("\n")
		if b.Len()+t.Len() > stepSummaryBudget {
			fmt.Fprintf(&b, "The summary stops here: GitHub limits a step's summary to 1 MiB. The step's log has every finding.\n")
			break
		}
		b.Write(t.Bytes())
	}
	return b.Bytes()
}

// mdCell makes text safe in a markdown table cell: one line, no column
// breaks, no HTML.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(s)
}

func githubCommand(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "notice"
}

// workflowCommand is "::name k=v,k=v::message\n" with GitHub's escaping, so
// a newline, '%', ',' or ':' in a message or path cannot end the command or
// forge another one.
func workflowCommand(name string, props [][2]string, msg string) string {
	var b strings.Builder
	b.WriteString("::" + name)
	for i, p := range props {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(",")
		}
		b.WriteString(p[0] + "=" + escapeProperty(p[1]))
	}
	b.WriteString("::" + escapeData(msg) + "\n")
	return b.String()
}

// escapeData escapes a command's message as @actions/core does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: also ':' and ',', which separate
// properties.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
