package fix

import (
	"fmt"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// values.yaml is edited as bytes: a YAML round trip would drop blank lines
// and move comments. The parsed document only says where things are.

type vdoc struct {
	path    string
	content string
	lineOff []int // byte offset of each line (0-based)
	root    *yaml.Node
	// top is the document's node as parsed, a null one included.
	top *yaml.Node
}

func parseValues(path string, content []byte) (*vdoc, error) {
	d := &vdoc{path: path, content: string(content)}
	d.lineOff = append(d.lineOff, 0)
	for i, c := range d.content {
		if c == '\n' && i+1 <= len(d.content) {
			d.lineOff = append(d.lineOff, i+1)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) > 0 {
		d.root = doc.Content[0]
		d.top = d.root
		if d.root.Kind != yaml.MappingNode {
			if d.root.Kind == yaml.ScalarNode && d.root.Tag == "!!null" {
				d.root = nil
			} else {
				return nil, fmt.Errorf("%s: not a mapping", path)
			}
		}
	}
	return d, nil
}

const bom = "\ufeff"

func (d *vdoc) lines() int { return len(d.lineOff) }

// line returns line i (0-based) without its newline.
func (d *vdoc) line(i int) string {
	if i < 0 || i >= len(d.lineOff) {
		return ""
	}
	end := len(d.content)
	if i+1 < len(d.lineOff) {
		end = d.lineOff[i+1]
	}
	return strings.TrimRight(d.content[d.lineOff[i]:end], "\r\n")
}

// lineStart is the offset of line i, or the end of the content.
func (d *vdoc) lineStart(i int) int {
	if i >= len(d.lineOff) {
		return len(d.content)
	}
	return d.lineOff[i]
}

// offset turns a node's 1-based line and column (in characters) into a byte offset.
func (d *vdoc) offset(line, col int) int {
	i := line - 1
	if i < 0 || i >= len(d.lineOff) {
		return -1
	}
	off := d.lineOff[i]
	if i == 0 && strings.HasPrefix(d.content, bom) {
		off += len(bom) // the parser does not count it as a column
	}
	for n := 1; n < col && off < len(d.content); n++ {
		_, w := utf8.DecodeRuneInString(d.content[off:])
		off += w
	}
	return off
}

func blankLine(s string) bool { return strings.TrimSpace(s) == "" }

// topKeys returns the top-level key nodes and their values.
func (d *vdoc) topKeys() (keys, vals []*yaml.Node) {
	if d.root == nil {
		return nil, nil
	}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		keys = append(keys, d.root.Content[i])
		vals = append(vals, d.root.Content[i+1])
	}
	return keys, vals
}

// entryEnd is the last line (0-based) of top-level entry i: the last
// non-blank line before the next key that is not a column-0 comment, and
// not before the closing quote of a quoted value (whose lines may start
// with "#").
func (d *vdoc) entryEnd(keys []*yaml.Node, i int) int {
	from := keys[i].Line - 1
	to := d.lines()
	if i+1 < len(keys) {
		to = keys[i+1].Line - 1
	}
	last := from
	for j := from + 1; j < to; j++ {
		l := d.line(j)
		if blankLine(l) || strings.HasPrefix(l, "#") {
			continue
		}
		last = j
	}
	if 2*i+1 < len(d.root.Content) {
		last = max(last, d.quotedEnd(d.root.Content[2*i+1]))
	}
	if d.keepsBlankLines(i) {
		for last+1 < to && blankLine(d.line(last+1)) {
			last++
		}
	}
	return last
}

// blockHeader returns the chomping and indentation indicators of a block
// scalar ("+", "-2", ...).
func (d *vdoc) blockHeader(n *yaml.Node) (string, bool) {
	off := d.offset(n.Line, n.Column)
	if off < 0 {
		return "", false
	}
	line, _, _ := strings.Cut(d.content[off:], "\n")
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
	if d.root == nil || 2*i+1 >= len(d.root.Content) {
		return false
	}
	n := d.root.Content[2*i+1]
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
	off := d.offset(n.Line, n.Column)
	if off < 0 {
		return d.lines() - 1
	}
	start := strings.IndexByte(d.content[off:], q) // after any anchor or tag
	if start < 0 {
		return d.lines() - 1
	}
	for i := off + start + 1; i < len(d.content); i++ {
		switch c := d.content[i]; {
		case q == '"' && c == '\\':
			i++
		case c == q && q == '\'' && i+1 < len(d.content) && d.content[i+1] == '\'':
			i++
		case c == q:
			return max(last, strings.Count(d.content[:i], "\n"))
		}
	}
	return d.lines() - 1
}

// topLevelAnchors are the settings the ONAP engineers put istioSidecar
// beside (MSB-226, MULTICLOUD-290): the image settings at the top of a
// chart's values.
var topLevelAnchors = []string{"pullPolicy", "image", "replicaCount"}

// insertTopLevel adds block (whole lines) as a new paragraph after the
// paragraph holding the first anchor key: the run of top-level entries
// not separated by a blank line. Without an anchor it goes at the end.
func (d *vdoc) insertTopLevel(block string) Edit {
	keys, _ := d.topKeys()
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
		for i > 0 && strings.HasPrefix(strings.TrimSpace(d.line(i-1)), "#") {
			i--
		}
		ins := block + "\n"
		if i > 0 && !blankLine(d.line(i-1)) && !(n > 1 && d.keepsBlankLines(n-2)) {
			ins = "\n" + ins
		}
		return Edit{File: d.path, Off: d.lineStart(i), Ins: ins}
	}
	if at < 0 {
		// a blank line first, unless a |+ value would take it in
		sep := "\n"
		if n := len(keys); n > 0 && d.keepsBlankLines(n-1) && d.entryEnd(keys, n-1) >= d.lines()-1 {
			sep = ""
		}
		ins := sep + block
		if d.content != "" && !strings.HasSuffix(d.content, "\n") {
			ins = "\n" + ins
		}
		if d.content == "" {
			ins = block
		}
		return Edit{File: d.path, Off: len(d.content), Ins: ins}
	}
	i := at
	end := d.entryEnd(keys, i)
	for i+1 < len(keys) {
		gapBlank := false
		for j := end + 1; j < keys[i+1].Line-1; j++ {
			if blankLine(d.line(j)) {
				gapBlank = true
			}
		}
		if gapBlank {
			break
		}
		i++
		end = d.entryEnd(keys, i)
	}
	off := d.lineStart(end + 1)
	ins := "\n" + block
	if d.keepsBlankLines(i) {
		ins = block
	}
	if end+1 >= d.lines() && !strings.HasSuffix(d.content, "\n") {
		ins = "\n" + ins
	}
	return Edit{File: d.path, Off: off, Ins: ins}
}

// insertLinesAt inserts whole lines before line i (0-based), or at the
// end, after a line break when the file does not end with one.
func (d *vdoc) insertLinesAt(i int, lines string) Edit {
	off := d.lineStart(i)
	if off == len(d.content) && d.content != "" && !strings.HasSuffix(d.content, "\n") {
		lines = "\n" + lines
	}
	return Edit{File: d.path, Off: off, Ins: lines}
}

// topIndent is how far the top-level keys are indented: the spaces
// before the first one's line (the map node's column may be that of a
// tag or anchor above it, a key's that of "? key").
func (d *vdoc) topIndent() int {
	keys, _ := d.topKeys()
	if len(keys) == 0 {
		return 0
	}
	l := strings.TrimPrefix(d.line(keys[0].Line-1), bom)
	return len(l) - len(strings.TrimLeft(l, " "))
}

// indentStep is how far the file indents a nested mapping (2 when unsure).
func (d *vdoc) indentStep() int {
	_, vals := d.topKeys()
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
	keys, vals := d.topKeys()
	step := strings.Repeat(" ", d.indentStep())
	for i := len(keys) - 1; i >= 0; i-- { // the last of repeated keys is the one Helm reads
		k := keys[i]
		if k.Value != key {
			continue
		}
		v := vals[i]
		if v.Anchor != "" {
			return Edit{}, false, fmt.Errorf("%s:%d: %s is anchored (&%s), so aliases share it; add %s by hand where it belongs", d.path, k.Line, key, v.Anchor, entry)
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
				return Edit{}, false, fmt.Errorf("%s:%d: %s already sets %s to %q; set it to \"true\" by hand if the pods belong in the mesh", d.path, v.Content[j].Line, key, entryKey, v.Content[j+1].Value)
			}
			end := d.entryEnd(keys, i)
			indent := strings.Repeat(" ", v.Content[0].Column-1)
			return d.insertLinesAt(end+1, indent+entry+"\n"), true, nil
		case v.Kind == yaml.MappingNode && len(v.Content) == 0:
			off := d.offset(v.Line, v.Column)
			if off < 0 || !strings.HasPrefix(d.content[off:], "{}") {
				return Edit{}, false, fmt.Errorf("%s:%d: cannot find the empty mapping of %s", d.path, v.Line, key)
			}
			// take the spaces after the colon too, so no trailing blank is left
			start := off
			for start > 0 && d.content[start-1] == ' ' {
				start--
			}
			return Edit{File: d.path, Off: start, Del: off + 2 - start, Ins: "\n" + step + entry}, true, nil
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			// the value must be written plainly: nothing, ~ or null, then
			// at most a comment (a tag such as "!" reads as "" to Helm)
			off := d.offset(v.Line, v.Column)
			rest := ""
			if off >= 0 {
				rest, _, _ = strings.Cut(d.content[off:], "\n")
				rest = strings.TrimSuffix(rest, "\r")
			}
			after := strings.TrimSpace(strings.TrimPrefix(rest, v.Value))
			if off < 0 || !strings.HasPrefix(rest, v.Value) || after != "" && !strings.HasPrefix(after, "#") {
				return Edit{}, false, fmt.Errorf("%s:%d: %s is written %q, not as an empty map; write it as a block or add %s by hand", d.path, k.Line, key, strings.TrimSpace(rest), entry)
			}
			if v.Value == "" {
				lineEnd := d.lineStart(v.Line) // start of the next line
				if lineEnd > 0 && lineEnd <= len(d.content) && d.content[lineEnd-1] == '\n' {
					lineEnd--
					if lineEnd > 0 && d.content[lineEnd-1] == '\r' {
						lineEnd-- // before a CRLF, not between its two bytes
					}
				}
				return Edit{File: d.path, Off: lineEnd, Ins: "\n" + step + entry}, true, nil
			}
			start := off
			for start > 0 && d.content[start-1] == ' ' {
				start--
			}
			return Edit{File: d.path, Off: start, Del: off + len(v.Value) - start, Ins: "\n" + step + entry}, true, nil
		case v.Kind == yaml.MappingNode:
			return Edit{}, false, fmt.Errorf("%s:%d: %s is an inline (flow) map; write it as a block and add %s by hand", d.path, k.Line, key, entry)
		default:
			return Edit{}, false, fmt.Errorf("%s:%d: %s is not a map", d.path, k.Line, key)
		}
	}
	block := key + ":\n" + step + entry + "\n"
	if comment != "" {
		block = comment + "\n" + block
	}
	return d.insertTopLevel(block), true, nil
}

// topValue returns the top-level value of key (the last one when the key
// is repeated: Helm reads the last).
func (d *vdoc) topValue(key string) (*yaml.Node, bool) {
	keys, vals := d.topKeys()
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i].Value == key {
			return vals[i], true
		}
	}
	return nil, false
}

// find returns the node at a values path (string keys, int indexes),
// following aliases; nil when a step is missing or goes through a merge key.
func (d *vdoc) find(path []any) *yaml.Node {
	n := d.root
	for _, step := range path {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil {
			return nil
		}
		switch s := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s && n.Content[i].Tag != "!!merge" {
					next = n.Content[i+1]
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s >= len(n.Content) {
				return nil
			}
			n = n.Content[s]
		}
	}
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// scalarSpan locates a scalar's text (with its quotes) in the file.
func (d *vdoc) scalarSpan(n *yaml.Node) (off, length int, quote string, err error) {
	if n.Kind != yaml.ScalarNode {
		return 0, 0, "", fmt.Errorf("%s:%d: not a scalar", d.path, n.Line)
	}
	off = d.offset(n.Line, n.Column)
	if off < 0 {
		return 0, 0, "", fmt.Errorf("%s:%d: cannot locate the value", d.path, n.Line)
	}
	text := n.Value
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		quote = `"`
	case n.Style&yaml.SingleQuotedStyle != 0:
		quote = "'"
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, "", fmt.Errorf("%s:%d: a block scalar; edit it by hand", d.path, n.Line)
	}
	want := quote + text + quote
	if !strings.HasPrefix(d.content[off:], want) {
		return 0, 0, "", fmt.Errorf("%s:%d: the value is not written as %s (escapes or line breaks); edit it by hand", d.path, n.Line, want)
	}
	return off, len(want), quote, nil
}

// replaceScalar rewrites a scalar's text, keeping its quoting.
func (d *vdoc) replaceScalar(n *yaml.Node, text string) (Edit, error) {
	off, length, quote, err := d.scalarSpan(n)
	if err != nil {
		return Edit{}, err
	}
	return Edit{File: d.path, Off: off, Del: length, Ins: quote + text + quote}, nil
}

// addToMapping adds the line `key: value` as the last entry of a block
// mapping whose entries are single-line scalars (a port item of a list).
func (d *vdoc) addToMapping(m *yaml.Node, key, value string) (Edit, error) {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return Edit{}, fmt.Errorf("%s:%d: not a block mapping", d.path, m.Line)
	}
	last := m.Content[len(m.Content)-1]
	if last.Kind != yaml.ScalarNode || last.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return Edit{}, fmt.Errorf("%s:%d: the item's last entry is not a one-line value", d.path, last.Line)
	}
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	return d.insertLinesAt(last.Line, indent+key+": "+value+"\n"), nil
}
