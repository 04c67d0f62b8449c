package chartsource

import (
	"regexp"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/resource"
)

// Templates are read as lines, not as YAML (they are not YAML until
// rendered): each line is blank, a comment, template actions only, a
// `key:` line (possibly a `- key:` list item), or other content. Template
// block depth (if/with/range/define) is tracked so an insertion never
// lands in a conditional it was not meant for.

// LineKind says what a template line is.
type LineKind int

// The kinds of template line.
const (
	Blank LineKind = iota
	Comment
	Action
	Key
	Other
)

// Line is one line of a template.
type Line struct {
	Text   string // without its line break
	Off    int    // byte offset of the line in the file
	Kind   LineKind
	Indent int // leading spaces
	Dash   bool
	Key    string
	KeyCol int    // column of the key (after "- ")
	Rest   string // what follows "key:", trimmed
	ValCol int    // column where Rest starts (-1 when empty)
	Depth  int    // template block depth before the line
	Delta  int    // change of depth across the line
	// InRange: the line sits inside a range loop (it renders once per item).
	InRange bool
}

// Content reports whether a line is YAML content (ends blocks).
func (l Line) Content() bool { return l.Kind == Key || l.Kind == Other }

var (
	// OpenRE matches an action that opens a template block.
	OpenRE = regexp.MustCompile(`\{\{-?\s*(if|with|range|define|block)\b`)
	// EndRE matches an action that closes one.
	EndRE   = regexp.MustCompile(`\{\{-?\s*end\b`)
	actRE   = regexp.MustCompile(`\{\{.*?\}\}`)
	blockRE = regexp.MustCompile(`\{\{-?\s*(if|with|range|define|block|end)\b`)
	plainKe = regexp.MustCompile(`^([^\s:"'{}\[\],#&*!|>%@` + "`" + `][^\s:{}]*):(\s+|$)`)
)

// ParseTemplate splits a template into lines.
func ParseTemplate(content string) []Line {
	var out []Line
	off, depth := 0, 0
	inComment := false
	var stack []string
	for _, text := range strings.SplitAfter(content, "\n") {
		if text == "" {
			break
		}
		l := Line{Off: off, Depth: depth, ValCol: -1}
		off += len(text)
		text = strings.TrimRight(text, "\r\n")
		l.Text = text
		t := strings.TrimLeft(text, " ")
		l.Indent = len(text) - len(t)
		tmplComment := false // a {{/* */}} comment; a # line is YAML's, its actions run
		switch {
		case inComment:
			l.Kind, tmplComment = Comment, true
			if strings.Contains(t, "*/") {
				inComment = false
			}
		case strings.HasPrefix(t, "{{/*") || strings.HasPrefix(t, "{{- /*"):
			l.Kind, tmplComment = Comment, true
			if !strings.Contains(t, "*/") {
				inComment = true
			}
		case strings.TrimSpace(t) == "":
			l.Kind = Blank
		case strings.HasPrefix(strings.TrimLeft(t, " \t"), "#"):
			l.Kind = Comment
		case strings.TrimSpace(actRE.ReplaceAllString(t, "")) == "" && strings.HasPrefix(strings.TrimLeft(t, " \t"), "{{"):
			// (a tab before an action is trimmed by "{{-" or renders as blank)
			l.Kind = Action
		default:
			l.Kind = Other
			body := t
			if strings.HasPrefix(body, "- ") {
				l.Dash = true
				body = strings.TrimLeft(body[2:], " ")
			}
			col := len(text) - len(body)
			if k, rest, ok := SplitKey(body); ok {
				l.Kind, l.Key, l.KeyCol = Key, k, col
				l.Rest = strings.TrimSpace(rest)
				if l.Rest != "" {
					l.ValCol = len(text) - len(strings.TrimLeft(rest, " "))
				}
			}
		}
		l.InRange = slices.Contains(stack, "range")
		if !tmplComment {
			l.Delta = len(OpenRE.FindAllString(text, -1)) - len(EndRE.FindAllString(text, -1))
			depth += l.Delta
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

// SplitKey reads `key: rest` with a plain or quoted key.
func SplitKey(body string) (string, string, bool) {
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

// Regions splits a template into its YAML documents (lines starting "---").
func Regions(ls []Line) [][2]int {
	var out [][2]int
	start := 0
	for i, l := range ls {
		if l.Kind != Comment && strings.HasPrefix(l.Text, "---") {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(ls)})
}

// PickRegion chooses the document of a template that renders r: a
// document that writes another kind literally cannot be it; among the
// rest, one that writes r's kind literally wins, then the one sharing the
// most literal lines with the rendered text. ok is false when no document
// can be it.
func PickRegion(ls []Line, r *resource.Resource) ([2]int, bool) {
	regs := Regions(ls)
	rendered := map[string]bool{}
	for _, l := range strings.Split(r.Raw, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			rendered[t] = true
		}
	}
	best, bestScore := [2]int{}, -1
	for _, rg := range regs {
		score := 0
		content := false
		for _, l := range ls[rg[0]:rg[1]] {
			if l.Content() {
				content = true
			}
			if l.Kind == Key && l.Key == "kind" && l.Indent == 0 && !strings.Contains(l.Rest, "{{") {
				if Unquote(l.Rest) != r.Kind {
					score = -1 << 20
					break
				}
				score += 1000
				continue
			}
			if t := strings.TrimSpace(l.Text); l.Content() && !strings.Contains(t, "{{") && rendered[t] {
				score++
			}
		}
		if content && score > bestScore {
			best, bestScore = rg, score
		}
	}
	return best, bestScore >= 0
}

// Unquote returns a YAML scalar's text without a trailing comment and
// its quotes.
func Unquote(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
