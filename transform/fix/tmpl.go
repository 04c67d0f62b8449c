package fix

import (
	"regexp"
	"strings"
)

// The fixer reads templates as lines, not as YAML (they are not YAML until
// rendered): each line is blank, a comment, template actions only, a
// `key:` line (possibly a `- key:` list item), or other content. Template
// block depth (if/with/range/define) is tracked so an insertion never
// lands in a conditional it was not meant for.

type lineKind int

const (
	kBlank lineKind = iota
	kComment
	kAction
	kKey
	kOther
)

type tline struct {
	text   string
	off    int // byte offset of the line in the file
	kind   lineKind
	indent int // leading spaces
	dash   bool
	key    string
	keyCol int    // column of the key (after "- ")
	rest   string // what follows "key:", trimmed
	valCol int    // column where rest starts (-1 when empty)
	depth  int    // template block depth before the line
	delta  int    // change of depth across the line
	// inRange: the line sits inside a range loop (it renders once per item).
	inRange bool
}

var (
	openRE  = regexp.MustCompile(`\{\{-?\s*(if|with|range|define|block)\b`)
	endRE   = regexp.MustCompile(`\{\{-?\s*end\b`)
	actRE   = regexp.MustCompile(`\{\{.*?\}\}`)
	blockRE = regexp.MustCompile(`\{\{-?\s*(if|with|range|define|block|end)\b`)
	plainKe = regexp.MustCompile(`^([^\s:"'{}\[\],#&*!|>%@` + "`" + `][^\s:{}]*):(\s+|$)`)
)

// parseLines splits a template into lines.
func parseLines(content string) []tline {
	var out []tline
	off, depth := 0, 0
	inComment := false
	var stack []string
	for _, text := range strings.SplitAfter(content, "\n") {
		if text == "" {
			break
		}
		l := tline{off: off, depth: depth, valCol: -1}
		off += len(text)
		text = strings.TrimRight(text, "\r\n")
		l.text = text
		t := strings.TrimLeft(text, " ")
		l.indent = len(text) - len(t)
		tmplComment := false // a {{/* */}} comment; a # line is YAML's, its actions run
		switch {
		case inComment:
			l.kind, tmplComment = kComment, true
			if strings.Contains(t, "*/") {
				inComment = false
			}
		case strings.HasPrefix(t, "{{/*") || strings.HasPrefix(t, "{{- /*"):
			l.kind, tmplComment = kComment, true
			if !strings.Contains(t, "*/") {
				inComment = true
			}
		case strings.TrimSpace(t) == "":
			l.kind = kBlank
		case strings.HasPrefix(strings.TrimLeft(t, " \t"), "#"):
			l.kind = kComment
		case strings.TrimSpace(actRE.ReplaceAllString(t, "")) == "" && strings.HasPrefix(strings.TrimLeft(t, " \t"), "{{"):
			// (a tab before an action is trimmed by "{{-" or renders as blank)
			l.kind = kAction
		default:
			l.kind = kOther
			body := t
			if strings.HasPrefix(body, "- ") {
				l.dash = true
				body = strings.TrimLeft(body[2:], " ")
			}
			col := len(text) - len(body)
			if k, rest, ok := splitKey(body); ok {
				l.kind, l.key, l.keyCol = kKey, k, col
				l.rest = strings.TrimSpace(rest)
				if l.rest != "" {
					l.valCol = len(text) - len(strings.TrimLeft(rest, " "))
				}
			}
		}
		l.inRange = contains(stack, "range")
		if !tmplComment {
			l.delta = len(openRE.FindAllString(text, -1)) - len(endRE.FindAllString(text, -1))
			depth += l.delta
			for _, m := range blockRE.FindAllStringSubmatch(text, -1) {
				if m[1] == "end" {
					if len(stack) > 0 {
						stack = stack[:len(stack)-1]
					}
				} else {
					stack = append(stack, m[1])
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// splitKey reads `key: rest` with a plain or quoted key.
func splitKey(body string) (string, string, bool) {
	if body == "" {
		return "", "", false
	}
	if q := body[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(body[1:], q)
		if end < 0 || !strings.HasPrefix(body[2+end:], ":") {
			return "", "", false
		}
		rest := body[3+end:]
		if rest != "" && rest[0] != ' ' {
			return "", "", false
		}
		return body[1 : 1+end], rest, true
	}
	m := plainKe.FindStringSubmatchIndex(body)
	if m == nil {
		return "", "", false
	}
	return body[m[2]:m[3]], body[m[3]+1:], true
}

// content reports whether a line is YAML content (ends blocks).
func (l tline) content() bool { return l.kind == kKey || l.kind == kOther }

// regions splits a template into its YAML documents (lines starting "---").
func regions(ls []tline) [][2]int {
	var out [][2]int
	start := 0
	for i, l := range ls {
		if l.kind != kComment && strings.HasPrefix(l.text, "---") {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(ls)})
}

// blockEnd returns the index after the last line of the block opened by
// line i: the lines after it indented deeper, with the template actions
// among them. An action belongs to the block when it closes a block opened
// inside it, or when the next content line is still inside. Trailing
// blanks and comments are not part of it.
func blockEnd(ls []tline, i, end int) int {
	in := ls[i].keyCol
	if ls[i].kind != kKey {
		in = ls[i].indent
	}
	base := ls[i].depth + ls[i].delta
	last := i
	for j := i + 1; j < end; j++ {
		l := ls[j]
		switch {
		case l.content():
			if l.indent <= in {
				return last + 1
			}
			last = j
		case l.kind == kAction && l.delta < 0:
			if l.depth+l.delta >= base {
				last = j
			}
		case l.kind == kAction:
			if l.indent > in || nextContentInside(ls, j, end, in) {
				last = j
			}
		}
	}
	return last + 1
}

func nextContentInside(ls []tline, j, end, in int) bool {
	for k := j + 1; k < end; k++ {
		if ls[k].content() {
			return ls[k].indent > in
		}
	}
	return false
}

// childKey finds the key line named key directly under the block opened
// by line parent (-1 for the document's top level), within [from, end).
func childKey(ls []tline, parent, from, end int, key string) int {
	in := -1
	if parent >= 0 {
		in = ls[parent].keyCol
		end = blockEnd(ls, parent, end)
	}
	child := -1
	for j := from; j < end; j++ {
		l := ls[j]
		if !l.content() {
			continue
		}
		if l.indent <= in {
			return -1
		}
		if l.kind != kKey {
			continue
		}
		if child < 0 {
			child = l.keyCol
		}
		if l.keyCol == child && l.key == key {
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
