package chartsource

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Values is a values.yaml as text and as parsed nodes: the nodes say where
// things are (line and column), the text is what an edit changes (a YAML
// round trip would drop blank lines and move comments). Lint's locations
// read it through its index (Scalars, Maps, Lookup), the fixer plans byte
// edits on it.
type Values struct {
	Path    string
	Content string
	lineOff []int // byte offset of each line (0-based)
	// Root is the top-level mapping (nil for an empty or null document).
	Root *yaml.Node
	// Top is the document's node as parsed, a null one included.
	Top *yaml.Node

	index sync.Once
	scal  []Scalar
	maps  []Mapping
}

// BOM is the byte order mark a values file may start with.
const BOM = "\ufeff"

// ParseValues reads a values document; it must be a mapping, empty or null.
func ParseValues(path string, content []byte) (*Values, error) {
	d := &Values{Path: path, Content: string(content)}
	d.lineOff = append(d.lineOff, 0)
	for i, c := range d.Content {
		if c == '\n' {
			d.lineOff = append(d.lineOff, i+1)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) > 0 {
		d.Root = doc.Content[0]
		d.Top = d.Root
		if d.Root.Kind != yaml.MappingNode {
			if d.Root.Kind == yaml.ScalarNode && d.Root.Tag == "!!null" {
				d.Root = nil
			} else {
				return nil, fmt.Errorf("%s: not a mapping", path)
			}
		}
	}
	return d, nil
}

// NumLines is the number of lines (a final newline starts an empty one).
func (d *Values) NumLines() int { return len(d.lineOff) }

// Line returns line i (0-based) without its line break.
func (d *Values) Line(i int) string {
	if i < 0 || i >= len(d.lineOff) {
		return ""
	}
	end := len(d.Content)
	if i+1 < len(d.lineOff) {
		end = d.lineOff[i+1]
	}
	return strings.TrimRight(d.Content[d.lineOff[i]:end], "\r\n")
}

// LineStart is the byte offset of line i (0-based), or the end of the content.
func (d *Values) LineStart(i int) int {
	if i >= len(d.lineOff) {
		return len(d.Content)
	}
	return d.lineOff[i]
}

// Offset turns a node's 1-based line and column (in characters) into a
// byte offset; -1 when the line does not exist.
func (d *Values) Offset(line, col int) int {
	i := line - 1
	if i < 0 || i >= len(d.lineOff) {
		return -1
	}
	off := d.lineOff[i]
	if i == 0 && strings.HasPrefix(d.Content, BOM) {
		off += len(BOM) // the parser does not count it as a column
	}
	for n := 1; n < col && off < len(d.Content); n++ {
		_, w := utf8.DecodeRuneInString(d.Content[off:])
		off += w
	}
	return off
}

// TopKeys returns the top-level key nodes and their values.
func (d *Values) TopKeys() (keys, vals []*yaml.Node) {
	if d.Root == nil {
		return nil, nil
	}
	for i := 0; i+1 < len(d.Root.Content); i += 2 {
		keys = append(keys, d.Root.Content[i])
		vals = append(vals, d.Root.Content[i+1])
	}
	return keys, vals
}

// TopValue returns the top-level value of key (the last one when the key
// is repeated: Helm reads the last).
func (d *Values) TopValue(key string) (*yaml.Node, bool) {
	keys, vals := d.TopKeys()
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i].Value == key {
			return vals[i], true
		}
	}
	return nil, false
}

// Find returns the node at a values path (string keys, int indexes),
// following aliases; nil when a step is missing or goes through a merge key.
func (d *Values) Find(path []any) *yaml.Node {
	_, n := d.find(path)
	return n
}

// find returns the node at path and the key node of its last mapping step
// (nil when the path is empty or ends in an index).
func (d *Values) find(path []any) (key, n *yaml.Node) {
	n = d.Root
	for _, step := range path {
		n = deref(n)
		if n == nil {
			return nil, nil
		}
		switch s := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil, nil
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s && n.Content[i].Tag != "!!merge" {
					key, next = n.Content[i], n.Content[i+1] // the last of repeated keys, as Helm reads
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s < 0 || s >= len(n.Content) {
				return nil, nil
			}
			key, n = nil, n.Content[s]
		}
	}
	return key, deref(n)
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Lookup returns the line of the key that sets a path of mapping keys, the
// scalar text there ("" for a mapping or list), and whether the path is set.
func (d *Values) Lookup(path []string) (line int, value string, ok bool) {
	steps := make([]any, len(path))
	for i, k := range path {
		steps[i] = k
	}
	key, n := d.find(steps)
	if n == nil || key == nil {
		return 0, "", false
	}
	if n.Kind != yaml.ScalarNode {
		return key.Line, "", true
	}
	return key.Line, n.Value, true
}

// Scalar is a scalar of a values file, for finding where a rendered value
// came from.
type Scalar struct {
	Path  []string // keys from the root (list items contribute nothing)
	Key   string
	Value string
	Line  int
}

// Mapping is a mapping of a values file (a list item or a key's block).
type Mapping struct {
	Path []string
	Node *yaml.Node
}

// Scalars lists every scalar of the document, in file order.
func (d *Values) Scalars() []Scalar { d.index.Do(d.collectAll); return d.scal }

// Maps lists every mapping of the document, in file order.
func (d *Values) Maps() []Mapping { d.index.Do(d.collectAll); return d.maps }

func (d *Values) collectAll() {
	if d.Root != nil {
		d.collect(d.Root, nil, "", 0)
	}
}

func (d *Values) collect(n *yaml.Node, path []string, key string, depth int) {
	if depth > 100 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		d.maps = append(d.maps, Mapping{Path: path, Node: n})
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			d.collect(n.Content[i+1], append(append([]string{}, path...), k.Value), k.Value, depth+1)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			d.collect(c, path, key, depth+1)
		}
	case yaml.ScalarNode:
		d.scal = append(d.scal, Scalar{Path: path, Key: key, Value: n.Value, Line: n.Line})
	}
}
