package fix

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshready/meshready/internal/chartsource"
)

// values.yaml is edited as bytes: a YAML round trip would drop blank lines
// and move comments. The parsed document only says where things are.

// vdoc is a values document (the one reader, chartsource.Values) with the
// fixer's edit planners.
type vdoc struct{ *chartsource.Values }

func parseValues(path string, content []byte) (*vdoc, error) {
	v, err := chartsource.ParseValues(path, content)
	if err != nil {
		return nil, err
	}
	return &vdoc{v}, nil
}

func blankLine(s string) bool { return strings.TrimSpace(s) == "" }

// entryEnd is the last line (0-based) of top-level entry i: the last
// non-blank line before the next key that is not a column-0 comment, and
// not before the closing quote of a quoted value (whose lines may start
// with "#").
func (d *vdoc) entryEnd(keys []*yaml.Node, i int) int {
	from := keys[i].Line - 1
	to := d.NumLines()
	if i+1 < len(keys) {
		to = keys[i+1].Line - 1
	}
	last := from
	for j := from + 1; j < to; j++ {
		l := d.Line(j)
		if blankLine(l) || strings.HasPrefix(l, "#") {
			continue
		}
		last = j
	}
	if 2*i+1 < len(d.Root.Content) {
		last = max(last, d.quotedEnd(d.Root.Content[2*i+1]))
	}
	if d.keepsBlankLines(i) {
		for last+1 < to && blankLine(d.Line(last+1)) {
			last++
		}
	}
	return last
}

// blockHeader returns the chomping and indentation indicators of a block
// scalar ("+", "-2", ...).
func (d *vdoc) blockHeader(n *yaml.Node) (string, bool) {
	off := d.Offset(n.Line, n.Column)
	if off < 0 {
		return "", false
	}
	line, _, _ := strings.Cut(d.Content[off:], "\n")
	j := strings.IndexAny(line, "|>") // after any anchor or tag
	if j < 0 {
		return "", false
	}
	hdr := line[j+1:]
	k := 0
	for k < len(hdr) && strings.IndexByte("+-0123456789", hdr[k]) >= 0 {
		k++
	}
	return hdr[:k], true
}

// keepsBlankLines tells whether top-level entry i ends with a block
// scalar that keeps the blank lines after it (`|+`, `>+`): a blank line
// added there would change its value.
func (d *vdoc) keepsBlankLines(i int) bool {
	if d.Root == nil || 2*i+1 >= len(d.Root.Content) {
		return false
	}
	n := d.Root.Content[2*i+1]
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return false
	}
	hdr, ok := d.blockHeader(n)
	return !ok || strings.Contains(hdr, "+")
}

// quotedEnd is the last line (0-based) a quoted scalar in n's tree ends
// on (-1 when there is none).
func (d *vdoc) quotedEnd(n *yaml.Node) int {
	last := -1
	for _, c := range n.Content {
		last = max(last, d.quotedEnd(c))
	}
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return last
	}
	q := byte('"')
	if n.Style&yaml.SingleQuotedStyle != 0 {
		q = '\''
	}
	off := d.Offset(n.Line, n.Column)
	if off < 0 {
		return d.NumLines() - 1
	}
	start := strings.IndexByte(d.Content[off:], q) // after any anchor or tag
	if start < 0 {
		return d.NumLines() - 1
	}
	for i := off + start + 1; i < len(d.Content); i++ {
		switch c := d.Content[i]; {
		case q == '"' && c == '\\':
			i++
		case c == q && q == '\'' && i+1 < len(d.Content) && d.Content[i+1] == '\'':
			i++
		case c == q:
			return max(last, strings.Count(d.Content[:i], "\n"))
		}
	}
	return d.NumLines() - 1
}

// topLevelAnchors are the settings the ONAP engineers put istioSidecar
// beside (MSB-226, MULTICLOUD-290): the image settings at the top of a
// chart's values.
var topLevelAnchors = []string{"pullPolicy", "image", "replicaCount"}

// insertTopLevel adds block (whole lines) as a new paragraph after the
// paragraph holding the first anchor key: the run of top-level entries
// not separated by a blank line. Without an anchor it goes at the end.
func (d *vdoc) insertTopLevel(block string) Edit {
	keys, _ := d.TopKeys()
	if ind := d.topIndent(); ind > 0 {
		// an indented top level: the new lines line up with it
		pad := strings.Repeat(" ", ind)
		block = pad + strings.ReplaceAll(strings.TrimSuffix(block, "\n"), "\n", "\n"+pad) + "\n"
	}
	at := -1
	for _, a := range topLevelAnchors {
		for i, k := range keys {
			if k.Value == a {
				at = i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	if n := len(keys); at < 0 && n > 0 && d.endsInBlockValue() {
		// appending would give the last value a line break: the new
		// paragraph goes before the last entry (and its comment) instead
		i := keys[n-1].Line - 1
		for i > 0 && strings.HasPrefix(strings.TrimSpace(d.Line(i-1)), "#") {
			i--
		}
		ins := block + "\n"
		if i > 0 && !blankLine(d.Line(i-1)) && !(n > 1 && d.keepsBlankLines(n-2)) {
			ins = "\n" + ins
		}
		return Edit{File: d.Path, Off: d.LineStart(i), Ins: ins}
	}
	if at < 0 {
		// a blank line first, unless a |+ value would take it in
		sep := "\n"
		if n := len(keys); n > 0 && d.keepsBlankLines(n-1) && d.entryEnd(keys, n-1) >= d.NumLines()-1 {
			sep = ""
		}
		ins := sep + block
		if d.Content != "" && !strings.HasSuffix(d.Content, "\n") {
			ins = "\n" + ins
		}
		if d.Content == "" {
			ins = block
		}
		return Edit{File: d.Path, Off: len(d.Content), Ins: ins}
	}
	i := at
	end := d.entryEnd(keys, i)
	for i+1 < len(keys) {
		gapBlank := false
		for j := end + 1; j < keys[i+1].Line-1; j++ {
			if blankLine(d.Line(j)) {
				gapBlank = true
			}
		}
		if gapBlank {
			break
		}
		i++
		end = d.entryEnd(keys, i)
	}
	off := d.LineStart(end + 1)
	ins := "\n" + block
	if d.keepsBlankLines(i) {
		ins = block
	}
	if end+1 >= d.NumLines() && !strings.HasSuffix(d.Content, "\n") {
		ins = "\n" + ins
	}
	return Edit{File: d.Path, Off: off, Ins: ins}
}

// insertLinesAt inserts whole lines before line i (0-based), or at the
// end, after a line break when the file does not end with one.
func (d *vdoc) insertLinesAt(i int, lines string) Edit {
	off := d.LineStart(i)
	if off == len(d.Content) && d.Content != "" && !strings.HasSuffix(d.Content, "\n") {
		lines = "\n" + lines
	}
	return Edit{File: d.Path, Off: off, Ins: lines}
}

// topIndent is how far the top-level keys are indented: the spaces
// before the first one's line (the map node's column may be that of a
// tag or anchor above it, a key's that of "? key").
func (d *vdoc) topIndent() int {
	keys, _ := d.TopKeys()
	if len(keys) == 0 {
		return 0
	}
	l := strings.TrimPrefix(d.Line(keys[0].Line-1), chartsource.BOM)
	return len(l) - len(strings.TrimLeft(l, " "))
}

// indentStep is how far the file indents a nested mapping (2 when unsure).
func (d *vdoc) indentStep() int {
	_, vals := d.TopKeys()
	for _, v := range vals {
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column > 1 {
			return v.Content[0].Column - 1
		}
	}
	return 2
}

// ensureEntry makes the top-level mapping `key` hold the line entry
// (`k: v`, k being entryKey): appended to a block mapping, replacing an
// empty `{}` or null, or as a new top-level paragraph (with comment) when
// key is absent. It refuses a non-empty flow mapping or a non-mapping.
func (d *vdoc) ensureEntry(key, entryKey, entry, comment string) (Edit, bool, error) {
	keys, vals := d.TopKeys()
	step := strings.Repeat(" ", d.indentStep())
	for i := len(keys) - 1; i >= 0; i-- { // the last of repeated keys is the one Helm reads
		k := keys[i]
		if k.Value != key {
			continue
		}
		v := vals[i]
		if v.Anchor != "" {
			return Edit{}, false, fmt.Errorf("%s:%d: %s is anchored (&%s), so aliases share it; add %s by hand where it belongs", d.Path, k.Line, key, v.Anchor, entry)
		}
		switch {
		case v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0:
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value != entryKey {
					continue
				}
				// already there: fine when it says true; anything else (an
				// explicit "false" opt-out, an empty value) is the author's call
				if ev := v.Content[j+1]; ev.Kind == yaml.ScalarNode && ev.Value == "true" {
					return Edit{}, false, nil
				}
				return Edit{}, false, fmt.Errorf("%s:%d: %s already sets %s to %q; set it to \"true\" by hand if the pods belong in the mesh", d.Path, v.Content[j].Line, key, entryKey, v.Content[j+1].Value)
			}
			end := d.entryEnd(keys, i)
			indent := strings.Repeat(" ", v.Content[0].Column-1)
			return d.insertLinesAt(end+1, indent+entry+"\n"), true, nil
		case v.Kind == yaml.MappingNode && len(v.Content) == 0:
			off := d.Offset(v.Line, v.Column)
			if off < 0 || !strings.HasPrefix(d.Content[off:], "{}") {
				return Edit{}, false, fmt.Errorf("%s:%d: cannot find the empty mapping of %s", d.Path, v.Line, key)
			}
			// take the spaces after the colon too, so no trailing blank is left
			start := off
			for start > 0 && d.Content[start-1] == ' ' {
				start--
			}
			return Edit{File: d.Path, Off: start, Del: off + 2 - start, Ins: "\n" + step + entry}, true, nil
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			// the value must be written plainly: nothing, ~ or null, then
			// at most a comment (a tag such as "!" reads as "" to Helm)
			off := d.Offset(v.Line, v.Column)
			rest := ""
			if off >= 0 {
				rest, _, _ = strings.Cut(d.Content[off:], "\n")
				rest = strings.TrimSuffix(rest, "\r")
			}
			after := strings.TrimSpace(strings.TrimPrefix(rest, v.Value))
			if off < 0 || !strings.HasPrefix(rest, v.Value) || after != "" && !strings.HasPrefix(after, "#") {
				return Edit{}, false, fmt.Errorf("%s:%d: %s is written %q, not as an empty map; write it as a block or add %s by hand", d.Path, k.Line, key, strings.TrimSpace(rest), entry)
			}
			if v.Value == "" {
				lineEnd := d.LineStart(v.Line) // start of the next line
				if lineEnd > 0 && lineEnd <= len(d.Content) && d.Content[lineEnd-1] == '\n' {
					lineEnd--
					if lineEnd > 0 && d.Content[lineEnd-1] == '\r' {
						lineEnd-- // before a CRLF, not between its two bytes
					}
				}
				return Edit{File: d.Path, Off: lineEnd, Ins: "\n" + step + entry}, true, nil
			}
			start := off
			for start > 0 && d.Content[start-1] == ' ' {
				start--
			}
			return Edit{File: d.Path, Off: start, Del: off + len(v.Value) - start, Ins: "\n" + step + entry}, true, nil
		case v.Kind == yaml.MappingNode:
			return Edit{}, false, fmt.Errorf("%s:%d: %s is an inline (flow) map; write it as a block and add %s by hand", d.Path, k.Line, key, entry)
		default:
			return Edit{}, false, fmt.Errorf("%s:%d: %s is not a map", d.Path, k.Line, key)
		}
	}
	block := key + ":\n" + step + entry + "\n"
	if comment != "" {
		block = comment + "\n" + block
	}
	return d.insertTopLevel(block), true, nil
}

// scalarSpan locates a scalar's text (with its quotes) in the file.
func (d *vdoc) scalarSpan(n *yaml.Node) (off, length int, quote string, err error) {
	if n.Kind != yaml.ScalarNode {
		return 0, 0, "", fmt.Errorf("%s:%d: not a scalar", d.Path, n.Line)
	}
	off = d.Offset(n.Line, n.Column)
	if off < 0 {
		return 0, 0, "", fmt.Errorf("%s:%d: cannot locate the value", d.Path, n.Line)
	}
	text := n.Value
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		quote = `"`
	case n.Style&yaml.SingleQuotedStyle != 0:
		quote = "'"
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, "", fmt.Errorf("%s:%d: a block scalar; edit it by hand", d.Path, n.Line)
	}
	want := quote + text + quote
	if !strings.HasPrefix(d.Content[off:], want) {
		return 0, 0, "", fmt.Errorf("%s:%d: the value is not written as %s (escapes or line breaks); edit it by hand", d.Path, n.Line, want)
	}
	return off, len(want), quote, nil
}

// replaceScalar rewrites a scalar's text, keeping its quoting.
func (d *vdoc) replaceScalar(n *yaml.Node, text string) (Edit, error) {
	off, length, quote, err := d.scalarSpan(n)
	if err != nil {
		return Edit{}, err
	}
	return Edit{File: d.Path, Off: off, Del: length, Ins: quote + text + quote}, nil
}

// addToMapping adds the line `key: value` as the last entry of a block
// mapping whose entries are single-line scalars (a port item of a list).
func (d *vdoc) addToMapping(m *yaml.Node, key, value string) (Edit, error) {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return Edit{}, fmt.Errorf("%s:%d: not a block mapping", d.Path, m.Line)
	}
	last := m.Content[len(m.Content)-1]
	if last.Kind != yaml.ScalarNode || last.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return Edit{}, fmt.Errorf("%s:%d: the item's last entry is not a one-line value", d.Path, last.Line)
	}
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	return d.insertLinesAt(last.Line, indent+key+": "+value+"\n"), nil
}
