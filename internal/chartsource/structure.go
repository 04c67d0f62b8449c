package chartsource

import (
	"regexp"
	"strconv"
	"strings"
)

// The YAML structure of a template, read from its lines by indentation:
// the one walker that lint's locations (sourcemap, "where does this field
// belong") and the fixer's edits ("where exactly does this key go") share.
// A Block is the value of a key, a list item or a whole document; both ask
// it through the same queries (Child for the fixer's exact children,
// Descendant for sourcemap's tolerant search, Item for literal list items).

// Block is a part of a template's YAML structure: the lines [Start, End)
// whose content sits right of Col (Col -1: a whole document).
type Block struct {
	Start, End int
	Col        int
	item       bool // a list item: its first line is the "- " line
}

// Doc is the block of a whole document of a template (a region of
// Regions).
func Doc(reg [2]int) Block { return Block{Start: reg[0], End: reg[1], Col: -1} }

// Value is the block of the value of the key on line i (ls[i].Kind ==
// Key), within [i+1, end): the lines indented deeper than the key, with
// the template actions among them (see blockEnd), and the "- " items of a
// list written at the key's own column ("ports:\n- name: a", which YAML
// allows and OOM writes: log/components/log-logstash/templates/
// deployment.yaml, `initContainers:` and `ports:`).
func Value(ls []Line, i, end int) Block {
	col := ls[i].KeyCol
	if ls[i].Kind != Key {
		col = ls[i].Indent
	}
	return Block{Start: i + 1, End: blockEnd(ls, i, end, col, true, false), Col: col}
}

// LooseValue is Value for a reader that only points at a line (sourcemap):
// a content line that begins with a template action renders where the
// text after its actions puts it, not at the column the action starts at
// (`{{ end }}        env:` at column 0 inside an init container,
// montreal policy/components/policy-pap/templates/deployment.yaml:43), so
// it does not end the block; the fixer, which edits, keeps Value's exact
// reading and refuses rather than guess.
func LooseValue(ls []Line, i, end int) Block {
	b := Value(ls, i, end)
	b.End = blockEnd(ls, i, end, b.Col, true, true)
	return b
}

// ItemBlock is the block of the list item whose "- " is on line i: the
// item's first line and the lines right of the dash after it, up to the
// next item of the list. (Value of the same line is the value of the key
// written after the dash only.)
func ItemBlock(ls []Line, i, end int) Block {
	return Block{Start: i, End: blockEnd(ls, i, end, ls[i].Indent, false, false), Col: ls[i].Indent, item: true}
}

// LooseItemBlock is ItemBlock read as LooseValue reads a value.
func LooseItemBlock(ls []Line, i, end int) Block {
	b := ItemBlock(ls, i, end)
	b.End = blockEnd(ls, i, end, b.Col, false, true)
	return b
}

// Child is the key line named key directly in b (at the column of b's
// first key; the keys of b's items are not b's), -1 when b does not write
// it. It is exact: what the fixer edits.
func (b Block) Child(ls []Line, key string) int {
	child := -1
	for j := b.Start; j < b.End; j++ {
		l := ls[j]
		if l.Kind != Key || l.Dash && !(b.item && j == b.Start) {
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

// Descendant is the first key line named key anywhere in b, -1 when none.
// It is tolerant: a step the template writes deeper than the rendered
// path says (under a helper's wrapper, or beside a key the render adds)
// is still found; what sourcemap asks for where a field belongs.
func (b Block) Descendant(ls []Line, key string) int {
	for j := b.Start; j < b.End; j++ {
		if ls[j].Kind == Key && ls[j].Key == key && ls[j].KeyCol > b.Col {
			return j
		}
	}
	return -1
}

// Item is the line of the n-th "- " item of the literal list b holds, -1
// when it holds fewer, or when a template action (range, if, include) or a
// templated line stands before it among the items: the rendered index is
// then not the written one.
func (b Block) Item(ls []Line, n int) int {
	col, count := -1, -1
	for j := b.Start; j < b.End; j++ {
		l := ls[j]
		if l.Kind == Blank || l.Kind == Comment && !strings.HasPrefix(strings.TrimLeft(l.Text, " "), "{{") {
			continue
		}
		if l.Kind == Action || l.Kind == Comment || strings.HasPrefix(strings.TrimLeft(l.Text, " "), "{{") {
			return -1
		}
		if !l.Dash {
			continue
		}
		if col < 0 {
			col = l.Indent
		}
		if l.Indent != col {
			continue
		}
		if count++; count == n {
			return j
		}
	}
	return -1
}

// Items are the lines of the "- " items b holds at its first item's
// column (nil for none).
func (b Block) Items(ls []Line) []int {
	var out []int
	col := -1
	for j := b.Start; j < b.End; j++ {
		l := ls[j]
		if !l.Content() || !l.Dash {
			continue
		}
		if col < 0 {
			col = l.Indent
		}
		if l.Indent == col {
			out = append(out, j)
		}
	}
	return out
}

// blockEnd returns the index after the last line of the block opened by
// line i whose content sits right of col (with compact, also the "- "
// items at col right after it): the content lines inside, with the
// template actions among them. An action belongs to the block when it
// closes a block opened inside it, when it renders right of col, or at
// the column of a list's items (its
// `indent N`/`nindent N` says where, whatever its own indentation:
// `{{ include "common.resources" . | indent 12 }}` at column 0 under
// `resources:` in log-logstash's deployment.yaml), or when the next
// content line is still inside. Trailing blanks and comments are not part
// of it. loose reads a content line that begins with a template action as
// an action (LooseValue).
func blockEnd(ls []Line, i, end, col int, compact, loose bool) int {
	base := ls[i].Depth + ls[i].Delta
	last := i
	content := false // a content line inside seen
	list := false    // the block is a list: its first content line an item
	atCol := false   // a compact list: items at col
	for j := i + 1; j < end; j++ {
		l := ls[j]
		if loose && l.Content() && strings.HasPrefix(strings.TrimLeft(l.Text, " "), "{{") {
			l.Kind = Action
		}
		switch {
		case l.Content():
			if l.Indent < col || l.Indent == col && !(l.Dash && (atCol || compact && !content)) {
				return last + 1
			}
			if !content {
				list, atCol = l.Dash, l.Dash && l.Indent == col
			}
			content, last = true, j
		case l.Kind == Action && l.Delta < 0:
			if l.Depth+l.Delta >= base {
				last = j
			}
		case l.Kind == Action:
			// among a list's items, an action at the items' column may
			// render more of them
			if in := actionIndent(l); in > col || list && in >= col || nextContentInside(ls, j, end, col, atCol || compact && !content) {
				last = j
			}
		}
	}
	return last + 1
}

// nextContentInside tells whether the first content line after j sits
// inside a block at col (a "- " item at col too, for a compact list).
func nextContentInside(ls []Line, j, end, col int, items bool) bool {
	for k := j + 1; k < end; k++ {
		if ls[k].Content() {
			return ls[k].Indent > col || items && ls[k].Dash && ls[k].Indent == col
		}
	}
	return false
}

var indentRE = regexp.MustCompile(`\|\s*n?indent\s+(\d+)\s*-?\}\}\s*$`)

// actionIndent is the column an action line renders at: the N of a final
// `| indent N` or `| nindent N`, else the line's own indentation.
func actionIndent(l Line) int {
	if m := indentRE.FindStringSubmatch(l.Text); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return l.Indent
}
