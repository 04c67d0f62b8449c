package krmfn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/resource"
)

// duplicateKeys reports every mapping key defined twice. kyaml keeps both
// entries and edits the first, the API server keeps the last, and kustomize
// rejects the file outright, so the function refuses such input with a
// result naming the resource, the field and the key.
func (r *run) duplicateKeys() framework.Results {
	var out framework.Results
	var stack []resource.Segment
	for _, it := range r.items {
		walkDups(it.root, &stack, 0, func(key, first *yaml.Node) {
			field := resource.FormatPath(append(stack[:len(stack):len(stack)], resource.Segment{Key: key.Value, Index: -1}))
			at := resource.FormatPath(stack)
			if at == "" {
				at = "the top level"
			}
			out = append(out, newResult(it, framework.Error, field, fmt.Sprintf(
				"duplicate mapping key %q in %s %s at %s (line %d, first at line %d): the API server keeps the last value, kustomize rejects the input; remove one",
				key.Value, it.kind, refName(it), at, key.Line, first.Line)))
		})
	}
	return out
}

func refName(it *item) string {
	if ns := str(it.root, "metadata", "namespace"); ns != "" {
		return ns + "/" + it.name
	}
	return it.name
}

// walkDups visits mappings depth-first; stack holds the path to n.
func walkDups(n *yaml.Node, stack *[]resource.Segment, depth int, found func(key, first *yaml.Node)) {
	if n == nil || depth > resource.MaxDepth {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		c := n.Content
		if len(c) <= 32 {
			// Most mappings are small: a quadratic scan beats building a set.
			for i := 2; i+1 < len(c); i += 2 {
				for j := 0; j < i; j += 2 {
					if c[j].Value == c[i].Value && c[i].Tag != "!!merge" {
						found(c[i], c[j])
						break
					}
				}
			}
		} else {
			seen := make(map[string]*yaml.Node, len(c)/2)
			for i := 0; i+1 < len(c); i += 2 {
				if first, dup := seen[c[i].Value]; dup && c[i].Tag != "!!merge" {
					found(c[i], first)
				} else if !dup {
					seen[c[i].Value] = c[i]
				}
			}
		}
		for i := 0; i+1 < len(c); i += 2 {
			*stack = append(*stack, resource.Segment{Key: c[i].Value, Index: -1})
			walkDups(c[i+1], stack, depth+1, found)
			*stack = (*stack)[:len(*stack)-1]
		}
	case yaml.SequenceNode:
		for i, e := range n.Content {
			*stack = append(*stack, resource.Segment{Index: i})
			walkDups(e, stack, depth+1, found)
			*stack = (*stack)[:len(*stack)-1]
		}
	case yaml.DocumentNode:
		for _, e := range n.Content {
			walkDups(e, stack, depth+1, found)
		}
	}
}
