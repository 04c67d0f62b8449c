package resource

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Segment is one step of a field path: a map key or a list index.
type Segment struct {
	Key   string
	Index int // -1 for a map key
}

// ParsePath reads paths such as `spec.template.spec.containers[0].ports[1].name`
// and `metadata.annotations["sidecar.istio.io/inject"]`.
func ParsePath(p string) ([]Segment, error) {
	var segs []Segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			i++
		case '[':
			end := closingBracket(p[i:])
			if end < 0 {
				return nil, fmt.Errorf("field path %q: unclosed [", p)
			}
			inner := p[i+1 : i+end]
			if uq, err := strconv.Unquote(inner); err == nil {
				segs = append(segs, Segment{Key: uq, Index: -1})
			} else if n, err := strconv.Atoi(inner); err == nil {
				segs = append(segs, Segment{Index: n})
			} else {
				return nil, fmt.Errorf("field path %q: bad index %q", p, inner)
			}
			i += end + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			segs = append(segs, Segment{Key: p[i:j], Index: -1})
			i = j
		}
	}
	return segs, nil
}

// closingBracket finds the "]" that closes the "[" at s[0], skipping over a
// quoted key (which may itself hold "]" or escaped quotes).
func closingBracket(s string) int {
	if len(s) > 1 && s[1] == '"' {
		for j := 2; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				if j+1 < len(s) && s[j+1] == ']' {
					return j + 1
				}
				return -1
			}
		}
		return -1
	}
	return strings.IndexByte(s, ']')
}

// FormatPath is the inverse of ParsePath.
func FormatPath(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch {
		case s.Index >= 0:
			fmt.Fprintf(&b, "[%d]", s.Index)
		case strings.ContainsAny(s.Key, "./[]\"") || s.Key == "":
			fmt.Fprintf(&b, "[%q]", s.Key)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// Locate returns the 1-based line (within the document text) of the deepest
// node on path that exists, and whether the whole path was found. The key's
// line is returned for a map entry, the item's line for a list element.
func Locate(docText, path string) (line int, found bool) {
	segs, err := ParsePath(path)
	if err != nil {
		return 0, false
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(docText), &root); err != nil || len(root.Content) == 0 {
		return 0, false
	}
	n := root.Content[0]
	line = n.Line
	for _, s := range segs {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		var next *yaml.Node
		nextLine := 0
		if s.Index >= 0 {
			if n.Kind == yaml.SequenceNode && s.Index < len(n.Content) {
				next = n.Content[s.Index]
				nextLine = next.Line
			}
		} else if n.Kind == yaml.MappingNode {
			// last duplicate wins, as in parsing
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s.Key {
					next, nextLine = n.Content[i+1], n.Content[i].Line
				}
			}
		}
		if next == nil {
			return line, false
		}
		n, line = next, nextLine
	}
	return line, true
}

// Lookup returns the value at path in obj.
func Lookup(obj any, path string) (any, bool) {
	segs, err := ParsePath(path)
	if err != nil {
		return nil, false
	}
	cur := obj
	for _, s := range segs {
		if s.Index >= 0 {
			l, ok := cur.([]any)
			if !ok || s.Index >= len(l) {
				return nil, false
			}
			cur = l[s.Index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[s.Key]; !ok {
			return nil, false
		}
	}
	return cur, true
}
