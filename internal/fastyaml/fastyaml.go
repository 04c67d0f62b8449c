// Package fastyaml parses the YAML that Helm renders into plain Go values
// (map[string]any, []any, string, int64, float64, bool, nil) exactly as
// internal/resource's yaml.v3 path would, about four times quicker. It
// reads a subset; for anything outside it Parse returns ok=false and the
// caller takes yaml.v3.
package fastyaml

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// A fast path for the YAML that Helm renders: block mappings and sequences,
// plain scalars on one line, quoted scalars (multi-line and with escapes,
// as toYaml prints long strings), block scalars, comments, and flow
// collections of simple scalars that close on their line. yaml.v3 (a
// libyaml port) spent most of `meshready lint`'s parse time on exactly
// this; the fast path is about four times quicker (resource's
// BenchmarkParse). It mirrors libyaml's rules for the subset, so its result
// is the value yaml.v3 plus resource's converter would give
// (TestFastYAMLOnOOM, FuzzFastYAML in internal/resource, which holds that
// reference); for anything else (anchors, tags, multi-line plain scalars,
// tabs in block structure, explicit indentation, errors, ...) Parse returns
// ok=false and the caller takes the yaml.v3 path, which then decides.
//
// Every step that meets something outside the subset calls p.fail and
// returns at once; the parser's later steps see p.bad and return too.

// MaxDepth bounds nesting; deeper documents are left to the yaml.v3 path,
// which rejects them with the same limit.
const MaxDepth = 200

// Parse parses one document of the subset whose root is a block mapping, a
// flow mapping, null or nothing (an empty or comments-only document): v is
// the mapping (nil for the others), warnings note duplicate keys (the last
// one wins, as the Kubernetes API server reads them). ok is false when the
// document is outside the subset, or its root is a sequence or a scalar;
// the yaml.v3 path must then decide, and word any error.
func Parse(text string) (v map[string]any, warnings []string, ok bool) {
	if !plainText(text) {
		return nil, nil, false
	}
	p := fastParser{src: text, num: 1}
	l, more := p.peek()
	if !more {
		return nil, nil, !p.bad // empty, or comments only
	}
	var root any
	if _, _, isKey := p.splitKey(l.text); !p.bad && (isKey || isEntry(l.text)) {
		root = p.node(l, 0)
	} else if !p.bad {
		p.have = false
		root = p.scalar(l.text, -1, 0) // "null" and "{}" documents
	}
	if _, more := p.peek(); more {
		p.fail() // content after the root: an error for yaml.v3
	}
	if p.bad {
		return nil, nil, false
	}
	if root == nil {
		return nil, nil, true // a null document
	}
	m, isMap := root.(map[string]any)
	if !isMap {
		return nil, nil, false // yaml.v3's path words the error
	}
	return m, p.warnings, true
}

// plainText reports whether text holds only characters the fast path reads
// as yaml.v3 does: printable ASCII, tab, line feed and printable non-ASCII,
// but not the Unicode line breaks (NEL, LS, PS), the BOM or anything that
// yaml.v3's reader rejects.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' {
			continue
		}
		if c < 0x80 {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size - 1
	}
	return true
}

type fastParser struct {
	src      string
	pos      int // offset of the first physical line not read yet
	num      int // 1-based number of the line at pos
	cur      fline
	have     bool // cur is the next line with content, not consumed yet
	warnings []string
	bad      bool // the document is outside the subset (see fail)
}

// fail marks the document as outside the subset: Parse returns ok=false.
func (p *fastParser) fail() { p.bad = true }

// fline is a line with content. After "- " the rest of the line is a line
// of its own at a deeper column (YAML's compact nested collections).
type fline struct {
	indent int    // column of text
	text   string // from the indent to the end of the line
	num    int    // 1-based line number in the document
}

// peek returns the next line with content, skipping blank and comment lines.
func (p *fastParser) peek() (fline, bool) {
	if p.bad {
		return fline{}, false
	}
	for !p.have {
		if p.pos >= len(p.src) {
			return fline{}, false
		}
		line := p.src[p.pos:]
		if end := strings.IndexByte(line, '\n'); end >= 0 {
			line = line[:end]
			p.pos += end + 1
		} else {
			p.pos = len(p.src)
		}
		num := p.num
		p.num++
		i := 0
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) || line[i] == '#' {
			continue
		}
		if strings.IndexByte(line, '\t') >= 0 {
			p.fail() // tabs as separators or indentation: let yaml.v3 judge
			return fline{}, false
		}
		if i == 0 && (line[0] == '%' || strings.HasPrefix(line, "---") || strings.HasPrefix(line, "...")) {
			p.fail() // directives and document markers
			return fline{}, false
		}
		p.cur, p.have = fline{i, line[i:], num}, true
	}
	return p.cur, true
}

// node parses the block collection whose first entry is l (not consumed yet).
func (p *fastParser) node(l fline, depth int) any {
	if depth > MaxDepth {
		p.fail()
		return nil
	}
	if isEntry(l.text) {
		return p.seq(l.indent, depth)
	}
	return p.mapping(l.indent, depth)
}

// mapping parses the block mapping whose keys sit at column n.
func (p *fastParser) mapping(n, depth int) map[string]any {
	m := map[string]any{}
	for {
		l, ok := p.peek()
		if !ok || l.indent < n {
			return m
		}
		if l.indent > n {
			p.fail() // a continuation line, or an error
			return nil
		}
		key, rest, isKey := p.splitKey(l.text)
		if !isKey {
			p.fail()
			return nil
		}
		p.have = false
		if _, dup := m[key]; dup {
			p.warnings = append(p.warnings, fmt.Sprintf("line %d: duplicate key %q (the last one wins)", l.num, key))
		}
		m[key] = p.value(rest, n, true, depth+1)
	}
}

// seq parses the block sequence whose "-" sit at column n. A sequence that
// is a mapping's value may sit at the keys' column (yaml.v3's indentless
// sequence); it ends at the next key.
func (p *fastParser) seq(n, depth int) []any {
	s := []any{}
	for {
		l, ok := p.peek()
		if !ok || l.indent < n {
			return s
		}
		if l.indent > n {
			p.fail()
			return nil
		}
		if !isEntry(l.text) {
			return s
		}
		p.have = false
		s = append(s, p.item(l, depth+1))
	}
}

// item parses the sequence entry "- ..." on line l.
func (p *fastParser) item(l fline, depth int) any {
	rest := l.text[1:]
	sp := 0
	for sp < len(rest) && rest[sp] == ' ' {
		sp++
	}
	rest = rest[sp:]
	if rest == "" || rest[0] == '#' {
		return p.value("", l.indent, false, depth)
	}
	// "- - x" and "- key: v" start a collection at the column after "- ".
	if _, _, isKey := p.splitKey(rest); p.bad {
		return nil
	} else if isKey || isEntry(rest) {
		sub := fline{l.indent + 1 + sp, rest, l.num}
		p.cur, p.have = sub, true
		return p.node(sub, depth)
	}
	return p.value(rest, l.indent, false, depth)
}

// value parses what follows "key:" or "- " on a line, in the collection at
// column n: a scalar, or nothing, when the value (if any) is on the lines
// that follow.
func (p *fastParser) value(rest string, n int, inMapping bool, depth int) any {
	if depth > MaxDepth {
		p.fail()
		return nil
	}
	for rest != "" && rest[0] == ' ' {
		rest = rest[1:]
	}
	if rest != "" && rest[0] != '#' {
		return p.scalar(rest, n, depth)
	}
	l, ok := p.peek()
	switch {
	case !ok:
		return nil
	case l.indent > n:
		return p.node(l, depth)
	case l.indent == n && inMapping && isEntry(l.text):
		return p.seq(n, depth)
	}
	return nil // "key:" alone is null
}

// scalar parses the one-line scalar or flow collection v, or the
// multi-line scalar v starts, in the block collection at column n.
func (p *fastParser) scalar(v string, n, depth int) any {
	switch v[0] {
	case '|', '>':
		return p.blockScalar(v, n)
	case '\'', '"':
		s, tail, closed := quoted(v)
		if !closed {
			s, tail = p.quotedScalar(v) // multi-line, or escapes
		}
		p.endOfLine(tail)
		return s
	case '[', '{':
		x, i := p.flowNode(v, 0, depth)
		if p.bad {
			return nil
		}
		p.endOfLine(v[i:])
		return x
	case '&', '*', '!', '%', '@', '`', ',', ']', '}', '?', ':', '#':
		p.fail() // anchors, aliases, tags and reserved indicators
		return nil
	case '-':
		if len(v) == 1 || v[1] == ' ' {
			p.fail() // "key: - x" is an error
			return nil
		}
	}
	end := len(v)
	if i := strings.Index(v, " #"); i >= 0 {
		end = i // a comment
	}
	s := strings.TrimRight(v[:end], " ")
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
		p.fail() // "key: a: b" is an error
		return nil
	}
	return plainValue(s)
}

// plainValue resolves a plain scalar exactly as Scalar resolves yaml.v3's
// node for it, with shortcuts for the common cases (proved equal to
// Scalar in TestPlainValue).
func plainValue(s string) any {
	switch s {
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	case "~", "null", "Null", "NULL":
		return nil
	}
	// yaml.v3 resolves only values starting with these characters to
	// anything but a string; of those, its word table is handled above.
	if !strings.ContainsRune("+-.0123456789yYnNtTfFoO~", rune(s[0])) {
		return s
	}
	if isSmallDecimal(s) {
		v, _ := strconv.ParseInt(s, 10, 64)
		return v
	}
	n := yaml.Node{Kind: yaml.ScalarNode, Value: s}
	return Scalar(&n) // yaml.v3's own resolution: octal, hex, floats, timestamps, ...
}

// isSmallDecimal: an optional "-", then "0" or at most 18 digits without a
// leading zero (which yaml.v3 reads as octal), so it fits an int64.
func isSmallDecimal(s string) bool {
	if s[0] == '-' {
		s = s[1:]
	}
	if s == "0" {
		return true
	}
	if s == "" || len(s) > 18 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoted reads the quoted scalar at the start of v if it closes on this
// line: single-quoted (a doubled quote stands for one), double-quoted
// without escapes.
// tail is what follows the closing quote.
func quoted(v string) (s, tail string, closed bool) {
	q := v[0]
	if q == '"' {
		end := strings.IndexByte(v[1:], '"')
		if end < 0 || strings.IndexByte(v[1:1+end], '\\') >= 0 {
			return "", "", false
		}
		return v[1 : 1+end], v[2+end:], true
	}
	var b strings.Builder
	for i := 1; ; {
		end := strings.IndexByte(v[i:], '\'')
		if end < 0 {
			return "", "", false
		}
		if i+end+1 < len(v) && v[i+end+1] == '\'' { // '' stands for '
			b.WriteString(v[i : i+end+1])
			i += end + 2
			continue
		}
		if b.Len() == 0 {
			return v[i : i+end], v[i+end+1:], true
		}
		b.WriteString(v[i : i+end])
		return b.String(), v[i+end+1:], true
	}
}

// endOfLine fails unless tail (after a scalar) is blank or a comment.
func (p *fastParser) endOfLine(tail string) {
	t := strings.TrimLeft(tail, " ")
	if t != "" && (t[0] != '#' || len(t) == len(tail)) {
		p.fail()
	}
}

// isEntry reports whether t is a sequence entry: "-" then a space or nothing.
func isEntry(t string) bool {
	return t[0] == '-' && (len(t) == 1 || t[1] == ' ')
}

// splitKey splits the mapping entry "key: rest" (rest empty or starting
// with a space). isKey is false when t is not a mapping entry; keys that are
// not simple scalars fail.
func (p *fastParser) splitKey(t string) (key, rest string, isKey bool) {
	if t[0] == '\'' || t[0] == '"' {
		k, tail, closed := quoted(t)
		if !closed {
			return "", "", false // a key would close on its line: a multi-line scalar, or escapes
		}
		if tail == "" || tail[0] != ':' || len(tail) > 1 && tail[1] != ' ' {
			return "", "", false // a quoted scalar, no key
		}
		if len(t)-len(tail) > 1000 {
			p.fail() // yaml.v3 allows simple keys of up to 1024 characters
			return "", "", false
		}
		return k, tail[1:], true
	}
	i := 0
	for ; i < len(t); i++ {
		if t[i] == ':' && (i+1 == len(t) || t[i+1] == ' ') {
			break
		}
		if t[i] == '#' && i > 0 && t[i-1] == ' ' {
			return "", "", false // a comment before any ": "
		}
	}
	if i == len(t) {
		return "", "", false
	}
	key = strings.TrimRight(t[:i], " ") // "name : x" has the key "name"
	if key == "" || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", key[0]) >= 0 || key == "<<" || i > 1000 {
		p.fail() // complex, empty or merge keys, and keys yaml.v3 may reject
		return "", "", false
	}
	return key, t[i+1:], true
}

// blockScalar reads the block scalar with header h ("|", ">-", ...) in the
// collection at column n, mirroring libyaml's yaml_parser_scan_block_scalar
// for automatic indentation.
func (p *fastParser) blockScalar(h string, n int) string {
	literal := h[0] == '|'
	chomp := 0 // -1 strips the final line break, +1 keeps trailing blank lines
	h = h[1:]
	if h != "" && (h[0] == '-' || h[0] == '+') {
		chomp = 1
		if h[0] == '-' {
			chomp = -1
		}
		h = h[1:]
	}
	if h != "" && h[0] >= '0' && h[0] <= '9' {
		p.fail() // explicit indentation
		return ""
	}
	if p.endOfLine(h); p.bad {
		return ""
	}

	src := p.src
	i, num := p.pos, p.num // read position, and its line's number
	lineStart := i
	indent, col := 0, 0 // indent 0: not known until the first content line
	trailing := 0       // empty lines not yet written
	// breaks eats indentation and empty lines, stopping on the first line
	// with content (col is then its column, up to indent) or at the end.
	breaks := func() {
		maxIndent := 0
		for {
			col = 0
			for (indent == 0 || col < indent) && i < len(src) && src[i] == ' ' {
				i++
				col++
			}
			maxIndent = max(maxIndent, col)
			if (indent == 0 || col < indent) && i < len(src) && src[i] == '\t' {
				p.fail() // a tab where indentation is expected: an error
				return
			}
			if i >= len(src) || src[i] != '\n' {
				break
			}
			i++
			num++
			lineStart = i
			trailing++
		}
		if indent == 0 {
			indent = max(maxIndent, n+1, 1)
		}
	}

	var b strings.Builder
	leadingBreak, leadingBlank := false, false
	breaks()
	for col == indent && i < len(src) && !p.bad {
		trailingBlank := src[i] == ' ' || src[i] == '\t'
		// Folded scalars join lines with a space, except around
		// more-indented lines and where empty lines stand for the breaks.
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				b.WriteByte(' ')
			}
		} else if leadingBreak {
			b.WriteByte('\n')
		}
		for ; trailing > 0; trailing-- {
			b.WriteByte('\n')
		}
		leadingBlank = trailingBlank
		end := strings.IndexByte(src[i:], '\n')
		if end < 0 {
			b.WriteString(src[i:])
			i = len(src)
			leadingBreak = false
		} else {
			b.WriteString(src[i : i+end])
			i += end + 1
			num++
			lineStart = i
			leadingBreak = true
		}
		breaks()
	}
	if chomp != -1 && leadingBreak {
		b.WriteByte('\n')
	}
	if chomp == 1 {
		for ; trailing > 0; trailing-- {
			b.WriteByte('\n')
		}
	}
	// Resume at the line that ended the scalar.
	if i >= len(src) {
		p.pos = len(src)
	} else {
		p.pos, p.num = lineStart, num
	}
	return b.String()
}

// flowNode reads the flow sequence or mapping at v[i] if it closes on its
// line and holds only flow collections, quoted scalars without escapes and
// plain scalars of a safe alphabet (`command: ["/bin/sh", "-c"]`,
// `secretKeyRef: {name: s, key: k}`); anything else fails. It returns the
// index after the closing bracket (len(v) on failure).
func (p *fastParser) flowNode(v string, i, depth int) (any, int) {
	if depth > MaxDepth {
		p.fail()
		return nil, len(v)
	}
	if v[i] == '[' {
		s := []any{}
		i = skipSpaces(v, i+1)
		if i < len(v) && v[i] == ']' {
			return s, i + 1
		}
		for {
			var x any
			x, i = p.flowEntry(v, i, depth+1)
			s = append(s, x)
			var closed bool
			if i, closed = p.flowNext(v, i, ']'); closed {
				return s, i
			}
		}
	}
	m := map[string]any{}
	i = skipSpaces(v, i+1)
	if i < len(v) && v[i] == '}' {
		return m, i + 1
	}
	for {
		var key string
		ks := i
		if i < len(v) && (v[i] == '"' || v[i] == '\'') {
			k, tail, closed := quoted(v[i:])
			if !closed {
				p.fail()
				return nil, len(v)
			}
			key, i = k, len(v)-len(tail)
		} else {
			j := p.flowPlainEnd(v, i)
			key, i = v[i:j], j // keys keep their text, as the converter takes them
		}
		if _, dup := m[key]; p.bad || dup || !strings.HasPrefix(v[i:], ": ") || i-ks > 1000 {
			// duplicates (warned with a line by yaml.v3's path), "k:v",
			// "k : v", "k", and keys near yaml.v3's 1024-character limit
			p.fail()
			return nil, len(v)
		}
		var x any
		x, i = p.flowEntry(v, skipSpaces(v, i+2), depth+1)
		m[key] = x
		var closed bool
		if i, closed = p.flowNext(v, i, '}'); closed {
			return m, i
		}
	}
}

// flowEntry reads one value in a flow collection.
func (p *fastParser) flowEntry(v string, i, depth int) (any, int) {
	if depth > MaxDepth || i >= len(v) {
		p.fail()
		return nil, len(v)
	}
	switch v[i] {
	case '[', '{':
		return p.flowNode(v, i, depth)
	case '"', '\'':
		s, tail, closed := quoted(v[i:])
		if !closed {
			p.fail()
			return nil, len(v)
		}
		return s, len(v) - len(tail)
	}
	j := p.flowPlainEnd(v, i)
	if p.bad {
		return nil, len(v)
	}
	return plainValue(v[i:j]), j
}

// flowPlainEnd returns the end of the plain scalar at v[i], failing if
// there is none (an indicator, an empty entry).
func (p *fastParser) flowPlainEnd(v string, i int) int {
	j := i
	for j < len(v) && isFlowPlain(v[j], j == i) {
		j++
	}
	if j == i {
		p.fail()
	}
	return j
}

// flowNext moves past the "," before the next entry (closed false) or past
// the closing bracket end (closed true). After a failure (p.bad, set here
// or by the entry before) it returns len(v) and closed, ending the loop.
func (p *fastParser) flowNext(v string, i int, end byte) (next int, closed bool) {
	if p.bad {
		return len(v), true
	}
	i = skipSpaces(v, i)
	if i < len(v) && v[i] == end {
		return i + 1, true
	}
	if i >= len(v) || v[i] != ',' {
		p.fail() // continues on the next line, or an indicator
		return len(v), true
	}
	i = skipSpaces(v, i+1)
	if i < len(v) && (v[i] == ']' || v[i] == '}') {
		p.fail() // a trailing comma
		return len(v), true
	}
	return i, false
}

// isFlowPlain: c may stand in a plain scalar inside a flow sequence (first:
// at its start). The alphabet leaves out every YAML indicator.
func isFlowPlain(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '/':
		return true
	case c == '_', c == '=', c == '+', c == '-':
		return !first
	}
	return false
}

func skipSpaces(v string, i int) int {
	for i < len(v) && v[i] == ' ' {
		i++
	}
	return i
}

// quotedScalar reads the quoted scalar that starts at v, on the line just
// read, through as many lines as it spans, mirroring libyaml's
// yaml_parser_scan_flow_scalar: escapes, folding of line breaks into
// spaces, escaped line breaks. Like libyaml it does not ask continuation
// lines to be indented; a document marker at column 0 fails (an error for
// yaml.v3). tail is the rest of the line holding the closing quote.
func (p *fastParser) quotedScalar(v string) (string, string) {
	src := p.src
	lineEnd := p.pos // v ends the line just read
	if lineEnd > 0 && src[lineEnd-1] == '\n' {
		lineEnd--
	}
	i := lineEnd - len(v)
	if i < 0 || src[i:lineEnd] != v {
		p.fail() // not a suffix of the current line: cannot happen, but stay safe
		return "", ""
	}
	quote := v[0]
	single := quote == '\''
	i++
	num := p.num - 1 // the current line's number
	lineStart := -1  // where the line after the last break crossed starts
	var b []byte
	var whitespaces []byte
	leadingBreak, trailingBreaks := false, 0
	for {
		if i >= len(src) {
			p.fail() // unterminated
			return "", ""
		}
		if i == lineStart && (strings.HasPrefix(src[i:], "---") || strings.HasPrefix(src[i:], "...")) {
			p.fail() // a document marker (or text like one) at column 0
			return "", ""
		}
		leadingBlanks := false
	content:
		for i < len(src) && src[i] != ' ' && src[i] != '\t' && src[i] != '\n' {
			c := src[i]
			switch {
			case single && c == '\'' && i+1 < len(src) && src[i+1] == '\'':
				b = append(b, '\'')
				i += 2
			case c == quote:
				break content
			case !single && c == '\\' && i+1 < len(src) && src[i+1] == '\n':
				i += 2 // an escaped line break joins the lines
				num++
				lineStart = i
				leadingBlanks = true
				break content
			case !single && c == '\\':
				if b, i = p.escape(b, src, i); p.bad {
					return "", ""
				}
			default:
				b = append(b, c)
				i++
			}
		}
		if i < len(src) && src[i] == quote {
			break
		}
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n') {
			switch {
			case src[i] != '\n':
				if !leadingBlanks {
					whitespaces = append(whitespaces, src[i])
				}
			case !leadingBlanks:
				whitespaces = whitespaces[:0]
				leadingBreak, leadingBlanks = true, true
			default:
				trailingBreaks++
			}
			if src[i] == '\n' {
				num++
				lineStart = i + 1
			}
			i++
		}
		if leadingBlanks {
			if leadingBreak && trailingBreaks == 0 {
				b = append(b, ' ')
			}
			for ; trailingBreaks > 0; trailingBreaks-- {
				b = append(b, '\n')
			}
			leadingBreak = false
		} else {
			b = append(b, whitespaces...)
			whitespaces = whitespaces[:0]
		}
	}
	i++ // the closing quote
	end := strings.IndexByte(src[i:], '\n')
	if end < 0 {
		p.pos = len(src)
		end = len(src) - i
	} else {
		p.pos = i + end + 1
	}
	p.num = num + 1
	return string(b), src[i : i+end]
}

// escape appends the character of the escape sequence at src[i] ("\\n",
// "\\x41", ...) to b as libyaml does, and returns the index after it;
// unknown escapes and invalid code points fail.
func (p *fastParser) escape(b []byte, src string, i int) ([]byte, int) {
	if i+1 >= len(src) {
		p.fail()
		return b, len(src)
	}
	code := 0 // hex digits that follow
	switch src[i+1] {
	case '0':
		b = append(b, 0)
	case 'a':
		b = append(b, '\a')
	case 'b':
		b = append(b, '\b')
	case 't', '\t':
		b = append(b, '\t')
	case 'n':
		b = append(b, '\n')
	case 'v':
		b = append(b, '\v')
	case 'f':
		b = append(b, '\f')
	case 'r':
		b = append(b, '\r')
	case 'e':
		b = append(b, 0x1b)
	case ' ', '"', '\'', '\\':
		b = append(b, src[i+1])
	case 'N':
		b = append(b, "\u0085"...)
	case '_':
		b = append(b, "\u00a0"...)
	case 'L':
		b = append(b, "\u2028"...)
	case 'P':
		b = append(b, "\u2029"...)
	case 'x':
		code = 2
	case 'u':
		code = 4
	case 'U':
		code = 8
	default:
		p.fail() // yaml.v3 rejects it ("\\/" included)
		return b, len(src)
	}
	i += 2
	if code == 0 {
		return b, i
	}
	if i+code > len(src) {
		p.fail()
		return b, len(src)
	}
	v, err := strconv.ParseUint(src[i:i+code], 16, 32)
	if err != nil || v >= 0xD800 && v <= 0xDFFF || v > 0x10FFFF {
		p.fail() // not hex digits (base 16 takes no sign or "_"), or not a code point
		return b, len(src)
	}
	return utf8.AppendRune(b, rune(v)), i + code
}

// Scalar resolves a scalar node by its YAML 1.1-compatible tag as yaml.v3
// reports it; the fast path (plainValue) and resource's yaml.v3 converter
// both resolve with it.
func Scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(n.Value)
		if err == nil {
			return b
		}
		var v bool
		if n.Decode(&v) == nil {
			return v
		}
	case "!!int":
		var v int64
		if n.Decode(&v) == nil {
			return v
		}
	case "!!float":
		var v float64
		if n.Decode(&v) == nil {
			return v
		}
	}
	return n.Value
}
