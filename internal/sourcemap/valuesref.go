package sourcemap

import (
	"strings"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/charttree"
)

// fromValuesRef follows `.Values.x.y` references in the template's
// document (those on lines that write the field's key first) and returns
// the values.yaml line that sets one to the rendered value.
func fromValuesRef(m *Mapper, q *query) (Location, bool) {
	if q.value == "" {
		return Location{}, false
	}
	var keyed, other []string
	for _, l := range q.region() {
		refs := valuesRefs(l.Text)
		if refs == nil {
			continue
		}
		if l.Kind == chartsource.Key && l.Key == q.key {
			keyed = append(keyed, refs...)
		} else {
			other = append(other, refs...)
		}
	}
	for _, refs := range [][]string{keyed, other} {
		for _, ref := range refs {
			if loc, ok := m.resolve(q.chain, strings.Split(ref, "."), q.value); ok {
				return loc, true
			}
		}
	}
	return Location{}, false
}

// valuesRefs lists the values paths a template line references
// (.Values.a.b gives "a.b"), as the regular expression
// `\.Values\.([A-Za-z0-9_][A-Za-z0-9_.\-]*)` would find them (TestValuesRefs):
// a scan, because this runs on every line of every region mapped.
func valuesRefs(line string) []string {
	const marker = ".Values."
	var refs []string
	for i := 0; ; {
		j := strings.Index(line[i:], marker)
		if j < 0 {
			return refs
		}
		start := i + j + len(marker)
		end := start
		for end < len(line) && isPathByte(line[end], end == start) {
			end++
		}
		if end == start { // no path after the marker: look again one byte on
			i += j + 1
			continue
		}
		refs = append(refs, line[start:end])
		i = end
	}
}

// isPathByte: letters, digits and _ start a values path; . and - may follow.
func isPathByte(b byte, first bool) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '_':
		return true
	}
	return !first && (b == '.' || b == '-')
}

// resolve finds the values.yaml entry that sets path for the chain's owner,
// looking first in the outermost chart (whose values override), and returns
// it when its value equals want.
func (m *Mapper) resolve(chain []*charttree.Node, path []string, want string) (Location, bool) {
	for i, n := range chain {
		var p []string
		if path[0] == "global" {
			p = path
		} else {
			for _, c := range chain[i+1:] {
				p = append(p, helmName(c))
			}
			p = append(p, path...)
		}
		vf := m.valuesOf(n)
		if vf == nil {
			continue
		}
		if line, v, ok := vf.Lookup(p); ok {
			if v == want {
				return Location{File: vf.Path, Line: line}, true
			}
			return Location{}, false // set here to something else: not the origin
		}
	}
	return Location{}, false
}

// helmName is the key a parent uses for a subchart's values: its alias if any.
func helmName(n *charttree.Node) string {
	if len(n.Aliases) > 0 {
		return n.Aliases[0]
	}
	return n.Name
}
