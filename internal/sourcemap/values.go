package sourcemap

import (
	"os"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// valuesFile is a values.yaml read for its line numbers.
type valuesFile struct {
	path    string
	root    *yaml.Node
	scalars []scalarEntry
	maps    []mapEntry
}

// mapEntry is a mapping in values.yaml (a list item or a key's block).
type mapEntry struct {
	path []string
	node *yaml.Node
}

type scalarEntry struct {
	path  []string // keys from the root (list items contribute nothing)
	key   string
	value string
	line  int
}

func loadValues(p string) *valuesFile {
	st, err := os.Stat(p)
	if err != nil || st.Size() > MaxSourceBytes {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	vf := &valuesFile{path: p, root: doc.Content[0]}
	vf.collect(vf.root, nil, "", 0)
	return vf
}

func (vf *valuesFile) collect(n *yaml.Node, path []string, key string, depth int) {
	if depth > 100 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		vf.maps = append(vf.maps, mapEntry{path: path, node: n})
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			vf.collect(n.Content[i+1], append(append([]string{}, path...), k.Value), k.Value, depth+1)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			vf.collect(c, path, key, depth+1)
		}
	case yaml.ScalarNode:
		vf.scalars = append(vf.scalars, scalarEntry{path: path, key: key, value: n.Value, line: n.Line})
	}
}

// lookup returns the line and scalar text of the entry at path (the key's
// line), and whether the path is set.
func (vf *valuesFile) lookup(path []string) (int, string, bool) {
	n := vf.root
	line := 0
	for _, k := range path {
		if n.Kind != yaml.MappingNode {
			return 0, "", false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next, line = n.Content[i+1], n.Content[i].Line
			}
		}
		if next == nil {
			return 0, "", false
		}
		n = next
	}
	if n.Kind != yaml.ScalarNode {
		return line, strings.TrimSpace(""), true
	}
	return line, n.Value, true
}
