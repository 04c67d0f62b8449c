package krmfn

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// These helpers work on the yaml.Node tree under kyaml's RNodes directly:
// edits keep comments, key order and the style of untouched scalars, and
// lookups cost no allocation (kyaml's Pipe/Lookup build filters per call).

// deref follows an alias and unwraps a document.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// path follows keys through mappings.
func path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n = get(n, k); n == nil {
			return nil
		}
	}
	return n
}

// str is the scalar value at keys, or "".
func str(n *yaml.Node, keys ...string) string {
	v := path(n, keys...)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

// isMap reports a mapping node.
func isMap(n *yaml.Node) bool { return n != nil && n.Kind == yaml.MappingNode }

// seq returns the items of the sequence at keys.
func seq(n *yaml.Node, keys ...string) []*yaml.Node {
	v := path(n, keys...)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	return v.Content
}

// isNull reports an explicit or implicit null (`key:` or `key: null` or `~`).
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "" && n.Style == 0 && n.Tag == "")
}

// ensureMap returns the mapping at key in n, creating it (or turning a null
// into it in place, keeping its comments) when missing.
func ensureMap(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := deref(n.Content[i+1])
			if isNull(v) {
				v.Kind, v.Tag, v.Value, v.Style = yaml.MappingNode, "!!map", "", 0
			}
			return v
		}
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if key == "metadata" {
		// metadata reads best first, as everyone writes it.
		n.Content = append([]*yaml.Node{newScalar(key), v}, n.Content...)
		return v
	}
	n.Content = append(n.Content, newScalar(key), v)
	return v
}

// setString sets key to a string scalar; the value is double-quoted when
// plain YAML would read it as another type ("true", "8080").
func setString(n *yaml.Node, key, value string) {
	n = deref(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.Value == value && v.Tag == "!!str" {
				return
			}
			keepComments := *v
			*v = *newString(value)
			v.HeadComment, v.LineComment, v.FootComment = keepComments.HeadComment, keepComments.LineComment, keepComments.FootComment
			return
		}
	}
	if key == "name" {
		// A port's or object's name reads best first.
		n.Content = append([]*yaml.Node{newScalar(key), newString(value)}, n.Content...)
		return
	}
	n.Content = append(n.Content, newScalar(key), newString(value))
}

// setInt sets key to an integer scalar.
func setInt(n *yaml.Node, key string, value int) {
	n = deref(n)
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(value)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			old := n.Content[i+1]
			v.HeadComment, v.LineComment, v.FootComment = old.HeadComment, old.LineComment, old.FootComment
			*old = *v
			return
		}
	}
	n.Content = append(n.Content, newScalar(key), v)
}

// newScalar is a plain scalar (a key, or a value that reads as itself).
func newScalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}

// newString is a string scalar, quoted when it would read as non-string.
func newString(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if needsQuotes(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// needsQuotes: YAML 1.1/1.2 would resolve v to a bool, number or null.
func needsQuotes(v string) bool {
	switch v {
	case "", "true", "false", "True", "False", "TRUE", "FALSE", "yes", "no", "on", "off", "y", "n",
		"Yes", "No", "On", "Off", "null", "Null", "NULL", "~":
		return true
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return true
	}
	return false
}

// intValue reads an int scalar.
func intValue(n *yaml.Node) (int32, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(v), true
}

// plain decodes n into plain Go values (maps, slices, strings, ints) for
// the code shared with the chart fixer (internal/mesh). Like the
// fixer's parser it keeps quoted digits a string and plain ones a number,
// so an IntOrString keeps the meaning intOrString gives it. What does not
// decode (a bad explicit tag) is left out, as a lookup would skip it.
func plain(n *yaml.Node) any {
	var v any
	if n = deref(n); n != nil {
		_ = n.Decode(&v)
	}
	return v
}

// stringMap reads a mapping of scalars (labels, selectors).
func stringMap(n *yaml.Node) map[string]string {
	n = deref(n)
	if !isMap(n) {
		return nil
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := deref(n.Content[i+1]); v != nil && v.Kind == yaml.ScalarNode {
			m[n.Content[i].Value] = v.Value
		}
	}
	return m
}
