package fix

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffContext is the number of unchanged lines around a change, as diff -u.
const diffContext = 3

// hunk is one @@ block of a unified diff.
type hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	// Body is the hunk's lines (" ", "-", "+" and "\ No newline" markers).
	Body string
}

func (h hunk) header() string {
	return fmt.Sprintf("@@ -%s +%s @@\n", rangeOf(h.OldStart, h.OldLines), rangeOf(h.NewStart, h.NewLines))
}

func rangeOf(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

type lineOp struct {
	op   diffmatchpatch.Operation
	text string // with its "\n", if it has one
}

// lineDiff is a minimal line diff (Myers, through go-diff with no time
// limit, so the result does not depend on machine speed).
func lineDiff(a, b string) []lineOp {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ca, cb, lines := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ca, cb, false), lines)
	var ops []lineOp
	for _, d := range diffs {
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				ops = append(ops, lineOp{d.Type, l})
			}
		}
	}
	return ops
}

// hunks computes the unified-diff hunks that turn a into b.
func hunks(a, b string) []hunk {
	if a == b {
		return nil
	}
	ops := lineDiff(a, b)
	// positions (0-based) of each op in a and b
	type pos struct{ a, b int }
	at := make([]pos, len(ops)+1)
	for i, o := range ops {
		p := at[i]
		switch o.op {
		case diffmatchpatch.DiffEqual:
			p.a++
			p.b++
		case diffmatchpatch.DiffDelete:
			p.a++
		case diffmatchpatch.DiffInsert:
			p.b++
		}
		at[i+1] = p
	}
	var out []hunk
	i := 0
	for i < len(ops) {
		if ops[i].op == diffmatchpatch.DiffEqual {
			i++
			continue
		}
		start := max(0, i-diffContext)
		for start < i && ops[start].op != diffmatchpatch.DiffEqual {
			start++
		}
		// extend while the next change is within 2*context equal lines
		end := i
		for {
			for end < len(ops) && ops[end].op != diffmatchpatch.DiffEqual {
				end++
			}
			eq := end
			for eq < len(ops) && ops[eq].op == diffmatchpatch.DiffEqual {
				eq++
			}
			if eq < len(ops) && eq-end <= 2*diffContext {
				end = eq
				continue
			}
			end = min(end+diffContext, eq)
			break
		}
		h := hunk{OldStart: at[start].a + 1, NewStart: at[start].b + 1}
		var body strings.Builder
		for _, o := range ops[start:end] {
			mark := " "
			switch o.op {
			case diffmatchpatch.DiffDelete:
				mark = "-"
				h.OldLines++
			case diffmatchpatch.DiffInsert:
				mark = "+"
				h.NewLines++
			default:
				h.OldLines++
				h.NewLines++
			}
			body.WriteString(mark)
			body.WriteString(o.text)
			if !strings.HasSuffix(o.text, "\n") {
				body.WriteString("\n\\ No newline at end of file\n")
			}
		}
		// diff -u numbers an empty side from the line before it
		if h.OldLines == 0 {
			h.OldStart--
		}
		if h.NewLines == 0 {
			h.NewStart--
		}
		h.Body = body.String()
		out = append(out, h)
		i = end
	}
	return out
}

// unifiedDiff prints a git-style diff of one file (name relative to the
// folder `git apply` runs in).
func unifiedDiff(name string, a, b []byte) string {
	hs := hunks(string(a), string(b))
	if len(hs) == 0 {
		return ""
	}
	var s strings.Builder
	fmt.Fprintf(&s, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", name, name, name, name)
	for _, h := range hs {
		s.WriteString(h.header())
		s.WriteString(h.Body)
	}
	return s.String()
}
