package fix

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshready/meshready/internal/chartsource"
)

// What the byte-level values editor refuses: text where appended or
// inserted lines would not say what they say to Helm, or would change
// another value. FuzzValuesInsert found each of these.

// docMarkerRE is a YAML document marker line ("---" starts a document,
// "..." ends one).
var docMarkerRE = regexp.MustCompile(`^(---|\.\.\.)([ \t].*)?$`)

// checkTopLevel refuses a values.yaml whose top level cannot take a new
// key as appended lines: lines added after a second document, a "..."
// end, an inline {...} top level or a bare null are not read by Helm (or
// break the file), and a top level that merges another map (<<) may hide
// the key being added.
func (d *vdoc) checkTopLevel(what string) error {
	if !utf8.ValidString(d.Content) {
		// a UTF-16 file (its byte order mark) parses, but takes no UTF-8 lines
		return fmt.Errorf("%s: not UTF-8 text; convert it to UTF-8 or add %s by hand", d.Path, what)
	}
	if i := loneCR(d.Content); i >= 0 {
		return fmt.Errorf("%s:%d: %s", d.Path, lineOf(d.Content, i), loneCRMsg)
	}
	seenContent, seenMarker := false, false
	for i := 0; i < d.NumLines(); i++ {
		l := d.Line(i)
		t := strings.TrimSpace(strings.TrimPrefix(l, chartsource.BOM))
		switch {
		case docMarkerRE.MatchString(strings.TrimPrefix(l, chartsource.BOM)):
			if seenContent || seenMarker || strings.HasPrefix(t, "...") {
				return fmt.Errorf("%s:%d: a document marker %q after the values; Helm reads only the first document: add %s by hand", d.Path, i+1, t, what)
			}
			seenMarker = true
			if rest := strings.TrimSpace(t[3:]); rest != "" && !strings.HasPrefix(rest, "#") {
				seenContent = true // "--- value"
			}
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "%"):
		default:
			seenContent = true
		}
	}
	switch n := d.Top; {
	case n == nil:
	case n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0:
		return fmt.Errorf("%s:%d: the values are an inline {...} map; write it as a block or add %s by hand", d.Path, n.Line, what)
	case n.Kind == yaml.ScalarNode && seenContent:
		// only an empty document takes appended keys as its map (the
		// node cannot tell: the parser reads "! !" as a plain null)
		return fmt.Errorf("%s:%d: the values are a bare null (%q); make it a map or add %s by hand", d.Path, n.Line, strings.TrimSpace(d.Line(n.Line-1)), what)
	case n.Kind == yaml.MappingNode:
		if ind := d.topIndent(); ind > 0 {
			// added lines line up with an indented top level; a value
			// running on left of it would swallow them
			for i := n.Content[0].Line; i < d.NumLines(); i++ {
				l := strings.TrimPrefix(d.Line(i), chartsource.BOM)
				t := strings.TrimLeft(l, " ")
				if t != "" && !strings.HasPrefix(t, "#") && len(l)-len(t) < ind {
					return fmt.Errorf("%s:%d: a line left of the indented values; add %s by hand", d.Path, i+1, what)
				}
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Tag == "!!merge" {
				return fmt.Errorf("%s:%d: the values merge another map (<<), which may set it already; add %s by hand", d.Path, n.Content[i].Line, what)
			}
		}
	}
	return nil
}

// loneCR is the offset of the first CR not followed by LF, or -1. YAML
// breaks lines there, the line-based editing here does not.
func loneCR(s string) int {
	for i := strings.IndexByte(s, '\r'); i >= 0; {
		if i+1 >= len(s) || s[i+1] != '\n' {
			return i
		}
		j := strings.IndexByte(s[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}

const loneCRMsg = "a line ends in a lone CR (old Mac style); convert the file to LF or CRLF line ends first"

// checkEnd refuses an edit that appends to a file ending inside a block
// scalar (| or >, not |-) without a final newline: the line break the
// edit adds would become part of that value.
func (d *vdoc) checkEnd(e Edit, what string) error {
	if e.Off < len(d.Content) || !d.endsInBlockValue() {
		return nil
	}
	return fmt.Errorf("%s:%d: the file ends inside a block value without a final newline; end it with a newline, or add %s by hand", d.Path, d.NumLines(), what)
}

// endsInBlockValue tells whether the file ends inside a block scalar that
// keeps its final line break (| or >, not |-) without one: a line added
// after it would give that value a line break.
func (d *vdoc) endsInBlockValue() bool {
	if d.Content == "" || strings.HasSuffix(d.Content, "\n") || d.Root == nil {
		return false
	}
	n := d.Root
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	if n.Kind != yaml.ScalarNode || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return false
	}
	hdr, ok := d.blockHeader(n)
	return !ok || !strings.Contains(hdr, "-")
}
