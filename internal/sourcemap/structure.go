package sourcemap

import (
	"strings"

	"github.com/meshready/meshready/internal/chartsource"
)

// fromStructure always answers: the template line of the deepest step of
// the field's path the template writes literally (where a missing field
// belongs), else the document's kind line.
func fromStructure(m *Mapper, q *query) (Location, bool) {
	line, _ := structuralLine(q)
	return Location{File: q.tpl, Line: line}, true
}

// structuralLine walks the template's document by indentation along the
// path and returns the line of the deepest step written literally (a key,
// or the n-th "- " item of a literal list), and whether the whole path was
// found.
func structuralLine(q *query) (int, bool) {
	ls, start, end := q.ls, q.reg[0], q.reg[1]
	best := start + 1
	for i := start; i < end; i++ {
		if ls[i].Kind == chartsource.Key && ls[i].Key == "kind" {
			best = i + 1
			break
		}
	}
	pos, indent := start, -1
	for si, s := range q.segs {
		next, in := -1, 0
		if s.Index >= 0 {
			if si == 0 {
				return best, false
			}
			next, in = listItem(ls, pos, end, indent, s.Index)
		} else {
			next, in = descendantKey(ls, pos, end, indent, s.Key)
		}
		if next < 0 {
			return best, false
		}
		pos, indent, best = next+1, in, next+1
	}
	return best, true
}

// descendantKey finds key below the block opened at indent (the whole
// region when indent < 0), stopping when the block ends; it returns the
// line and the key's column.
func descendantKey(ls []chartsource.Line, pos, end, indent int, key string) (int, int) {
	for i := pos; i < end; i++ {
		l := ls[i]
		if l.Kind != chartsource.Key {
			continue
		}
		// a "- key:" item whose dash sits at the parent's indent is inside
		// it (YAML lets list items align with their key)
		if indent >= 0 && l.KeyCol <= indent && !(l.Dash && l.Indent == indent) {
			return -1, 0
		}
		if l.Key == key && l.KeyCol > indent {
			return i, l.KeyCol
		}
	}
	return -1, 0
}

// listItem finds the n-th "- " item of the literal list that follows a key
// at indent. A template action among the items (range, if) means the items
// are not literal: give up.
func listItem(ls []chartsource.Line, pos, end, indent, n int) (int, int) {
	itemIndent, count := -1, -1
	for i := pos; i < end; i++ {
		l := ls[i]
		t := strings.TrimLeft(l.Text, " ")
		if l.Kind == chartsource.Blank || l.Kind == chartsource.Comment && !strings.HasPrefix(t, "{{") {
			continue
		}
		if strings.HasPrefix(t, "{{") {
			return -1, 0
		}
		if l.Indent < indent || (l.Indent == indent && !l.Dash) {
			return -1, 0
		}
		if !l.Dash {
			continue
		}
		if itemIndent < 0 {
			itemIndent = l.Indent
		}
		if l.Indent != itemIndent {
			continue
		}
		count++
		if count == n {
			// keys of the item sit after the dash
			return i, l.Indent + 1
		}
	}
	return -1, 0
}
