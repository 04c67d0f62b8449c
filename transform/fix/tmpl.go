package fix

import (
	"strings"

	"github.com/meshready/meshready/internal/chartsource"
)

// Template structure for the fixer's edits, over the lines of
// chartsource.ParseTemplate.

// blockEnd returns the index after the last line of the block opened by
// line i: the lines after it indented deeper, with the template actions
// among them. An action belongs to the block when it closes a block opened
// inside it, or when the next content line is still inside. Trailing
// blanks and comments are not part of it.
func blockEnd(ls []chartsource.Line, i, end int) int {
	in := ls[i].KeyCol
	if ls[i].Kind != chartsource.Key {
		in = ls[i].Indent
	}
	base := ls[i].Depth + ls[i].Delta
	last := i
	for j := i + 1; j < end; j++ {
		l := ls[j]
		switch {
		case l.Content():
			if l.Indent <= in {
				return last + 1
			}
			last = j
		case l.Kind == chartsource.Action && l.Delta < 0:
			if l.Depth+l.Delta >= base {
				last = j
			}
		case l.Kind == chartsource.Action:
			if l.Indent > in || nextContentInside(ls, j, end, in) {
				last = j
			}
		}
	}
	return last + 1
}

func nextContentInside(ls []chartsource.Line, j, end, in int) bool {
	for k := j + 1; k < end; k++ {
		if ls[k].Content() {
			return ls[k].Indent > in
		}
	}
	return false
}

// childKey finds the key line named key directly under the block opened
// by line parent (-1 for the document's top level), within [from, end).
func childKey(ls []chartsource.Line, parent, from, end int, key string) int {
	in := -1
	if parent >= 0 {
		in = ls[parent].KeyCol
		end = blockEnd(ls, parent, end)
	}
	child := -1
	for j := from; j < end; j++ {
		l := ls[j]
		if !l.Content() {
			continue
		}
		if l.Indent <= in {
			return -1
		}
		if l.Kind != chartsource.Key {
			continue
		}
		if child < 0 {
			child = l.KeyCol
		}
		if l.KeyCol == child && l.Key == key {
			return j
		}
	}
	return -1
}

// valuesSpacing tells whether text writes `{{ .Values.x }}` (true) or
// `{{.Values.x}}` (false); ok is false when it writes neither.
func valuesSpacing(text string) (spaced, ok bool) {
	sp := strings.Count(text, "{{ .Values") + strings.Count(text, "{{- .Values")
	tight := strings.Count(text, "{{.Values") + strings.Count(text, "{{-.Values")
	if sp == tight {
		return true, false
	}
	return sp > tight, true
}
