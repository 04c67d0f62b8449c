package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/meshready/meshready/internal/finding"
)

func init() {
	register("github", Needs{RepoPaths: true}, func(o Options) Formatter { return githubFormat{opts: o} })
}

// githubFormat writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's files.
type githubFormat struct{ opts Options }

func (g githubFormat) Format(w io.Writer, r *finding.Report) error {
	paths := newPathMapper(g.opts)
	var b bytes.Buffer
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
		b.WriteString(workflowCommand(githubCommand(f.Severity), props, msg))
	}
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
		b.WriteString(workflowCommand("error", props, msg))
	}
	fmt.Fprintf(&b, "meshready: %s\n", summaryLine(r))
	_, err := w.Write(b.Bytes())
	return err
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
