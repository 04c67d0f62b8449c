package resource

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/meshready/meshready/internal/fastyaml"
	yaml "go.yaml.in/yaml/v3"
)

// Limits bound what the parser accepts, so hostile input cannot exhaust memory.
const (
	MaxDepth     = fastyaml.MaxDepth
	MaxAliasRefs = 10000
	// MaxAliasNodes bounds the nodes that alias expansion produces across a
	// whole stream: counting alias nodes alone lets a 200,000-item anchor
	// referenced 5,000 times (415 KB) expand to a billion nodes.
	MaxAliasNodes = 1 << 20
	// MaxStreamBytes bounds one manifest stream (lint's manifest inputs,
	// the KRM function's input): anything larger is not a chart's output.
	MaxStreamBytes = 64 << 20
	// MaxParseTime bounds parsing one stream.
	MaxParseTime = 30 * time.Second
)

// Parse splits a YAML stream (Helm output or a manifest file) into resources.
// name labels errors (a file path, "stdin" or the chart). Documents that are
// empty or hold only comments are skipped; "# Source:" comments set Source.
// CRLF line ends and duplicate mapping keys are tolerated.
func Parse(name string, data []byte) ([]*Resource, error) {
	return parse(name, data, docParser)
}

// docParser parses one document for Parse; tests swap in the yaml.v3 path
// (or a counting one) to compare both on real renders.
var docParser = parseDoc

// parse is Parse with the document parser as a parameter. Alias expansion
// and time are budgeted over the whole stream; a document that is a list
// (it has "items") is flattened into its items.
func parse(name string, data []byte, parseOne func(string) (*Resource, error)) ([]*Resource, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	var out []*Resource
	start := time.Now()
	expanded := 0
	for _, d := range splitDocs(text) {
		if time.Since(start) > MaxParseTime {
			return out, fmt.Errorf("%s: document at line %d: parsing ran past its %s time limit", name, d.line, MaxParseTime)
		}
		r, err := parseOne(d.text)
		if err != nil {
			return out, fmt.Errorf("%s: document at line %d: %w", name, d.line, err)
		}
		if r == nil {
			continue
		}
		if expanded += r.AliasNodes; expanded > MaxAliasNodes {
			return out, fmt.Errorf("%s: document at line %d: aliases expand to more than %d nodes in the stream (billion-laughs style input)", name, d.line, MaxAliasNodes)
		}
		r.StartLine = d.line
		items, err := flattenList(r)
		if err != nil {
			return out, fmt.Errorf("%s: document at line %d: %w", name, d.line, err)
		}
		for _, it := range items {
			it.Index = len(out)
			out = append(out, it)
		}
	}
	return out, nil
}

type doc struct {
	text string
	line int
}

// splitDocs cuts a stream at lines that are exactly "---" (optionally
// followed by a comment or spaces), keeping each document's first line number.
func splitDocs(text string) []doc {
	var docs []doc
	start, startLine, line := 0, 1, 1
	for i := 0; i <= len(text); {
		end := strings.IndexByte(text[i:], '\n')
		var l string
		next := len(text) + 1
		if end < 0 {
			l = text[i:]
		} else {
			l = text[i : i+end]
			next = i + end + 1
		}
		if isSeparator(l) {
			docs = append(docs, doc{text[start:i], startLine})
			start = min(next, len(text))
			startLine = line + 1
		}
		i = next
		line++
	}
	if start < len(text) {
		docs = append(docs, doc{text[start:], startLine})
	}
	return docs
}

func isSeparator(l string) bool {
	if !strings.HasPrefix(l, "---") {
		return false
	}
	rest := strings.TrimRight(l[3:], " \t")
	return rest == "" || strings.HasPrefix(rest, " #") || strings.HasPrefix(rest, "#")
}

// parseDoc returns nil for a document without content. Most rendered
// documents take the hand-written fast path (internal/fastyaml); anything it
// does not accept goes through yaml.v3, so errors and exotic YAML behave as
// before.
func parseDoc(text string) (*Resource, error) {
	if r, ok := parseDocFast(text); ok {
		return r, nil
	}
	return parseDocYAML(text)
}

// parseDocFast is parseDoc on the fast path; ok is false when fastyaml
// leaves the document to yaml.v3.
func parseDocFast(text string) (*Resource, bool) {
	obj, warnings, ok := fastyaml.Parse(text)
	if !ok || obj == nil {
		return nil, ok // nil: an empty or null document, which yaml.v3's path skips
	}
	return newResource(text, obj, warnings), true
}

// parseDocYAML parses a document with yaml.v3.
func parseDocYAML(text string) (*Resource, error) {
	var n yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	if err := dec.Decode(&n); err != nil {
		if err.Error() == "EOF" {
			return nil, nil
		}
		return nil, err
	}
	if len(n.Content) == 0 || n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null" {
		return nil, nil
	}
	conv := converter{deadline: time.Now().Add(MaxParseTime)}
	v, err := conv.value(n.Content[0], 0)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("document is a %s, not a Kubernetes object", kindName(n.Content[0]))
	}
	r := newResource(text, obj, conv.warnings)
	r.AliasNodes = conv.expanded
	return r, nil
}

// newResource wraps a parsed document; "# Source:" in its first two lines sets Source.
func newResource(text string, obj map[string]any, warnings []string) *Resource {
	source := ""
	for _, l := range strings.SplitN(text, "\n", 3) {
		if s, ok := strings.CutPrefix(l, "# Source: "); ok {
			source = strings.TrimSpace(s)
			break
		}
	}
	r := &Resource{Raw: text, Object: obj, Source: source, Warnings: warnings}
	r.APIVersion, _ = obj["apiVersion"].(string)
	r.Kind, _ = obj["kind"].(string)
	if md, ok := obj["metadata"].(map[string]any); ok {
		r.Name, _ = md["name"].(string)
		r.Namespace, _ = md["namespace"].(string)
	}
	return r
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "node"
}

// converter turns a yaml.Node into plain Go values the way the Kubernetes API
// server reads YAML: duplicate keys resolve last-wins (and are noted), and
// aliases expand within limits.
type converter struct {
	warnings []string
	aliases  int
	// inAlias > 0 while an alias is being expanded; expanded counts the
	// nodes produced meanwhile (MaxAliasNodes).
	inAlias, expanded int
	deadline          time.Time
}

func (c *converter) value(n *yaml.Node, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("line %d: nested deeper than %d levels", n.Line, MaxDepth)
	}
	if c.inAlias > 0 {
		c.expanded++
		if c.expanded > MaxAliasNodes {
			return nil, fmt.Errorf("line %d: aliases expand to more than %d nodes (billion-laughs style input)", n.Line, MaxAliasNodes)
		}
		if c.expanded%4096 == 0 && !c.deadline.IsZero() && time.Now().After(c.deadline) {
			return nil, fmt.Errorf("line %d: expanding aliases ran past the %s time limit", n.Line, MaxParseTime)
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth+1)
	case yaml.AliasNode:
		c.aliases++
		if c.aliases > MaxAliasRefs {
			return nil, fmt.Errorf("line %d: more than %d alias expansions (billion-laughs style input)", n.Line, MaxAliasRefs)
		}
		c.inAlias++
		v, err := c.value(n.Alias, depth+1)
		c.inAlias--
		return v, err
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				if err := c.merge(m, v, depth); err != nil {
					return nil, err
				}
				continue
			}
			key := k.Value
			if _, dup := m[key]; dup {
				c.warnings = append(c.warnings, fmt.Sprintf("line %d: duplicate key %q (the last one wins)", k.Line, key))
			}
			val, err := c.value(v, depth+1)
			if err != nil {
				return nil, err
			}
			m[key] = val
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			val, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		return s, nil
	case yaml.ScalarNode:
		return fastyaml.Scalar(n), nil
	}
	return nil, nil
}

func (c *converter) merge(m map[string]any, v *yaml.Node, depth int) error {
	val, err := c.value(v, depth+1)
	if err != nil {
		return err
	}
	var maps []any
	switch t := val.(type) {
	case map[string]any:
		maps = []any{t}
	case []any:
		maps = t
	}
	for _, mm := range maps {
		if src, ok := mm.(map[string]any); ok {
			for k, x := range src {
				if _, set := m[k]; !set {
					m[k] = x
				}
			}
		}
	}
	return nil
}
