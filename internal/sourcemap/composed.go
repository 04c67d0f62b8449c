package sourcemap

import (
	"fmt"

	"github.com/meshready/meshready/internal/resource"
	yaml "go.yaml.in/yaml/v3"
)

// maxGlue bounds the template text between the parts of a composed value
// ("-" in printf "%s-%s", "s-" in printf "%ss-%s").
const maxGlue = 3

// fromComposed finds the values.yaml mapping whose scalars, in order with
// a little glue, make the rendered value: OOM's common chart names a
// Service port printf "%s-%s" .port_protocol .name. The mapping must also
// agree with the rendered object on the scalars they share (e.g. port:
// 8080), so a chance concatenation is not taken. The parts come in the
// order they appear in the value, so the prefix (the protocol, for a port
// name) leads.
func fromComposed(m *Mapper, q *query) (Location, bool) {
	if q.value == "" || len(q.segs) < 2 {
		return Location{}, false
	}
	v, ok := resource.Lookup(q.r.Object, resource.FormatPath(q.segs[:len(q.segs)-1]))
	obj, _ := v.(map[string]any)
	if !ok || obj == nil {
		return Location{}, false
	}
	var b best
	var bestParts []Part
	for _, ov := range m.chainValues(q.chain) {
		for _, me := range ov.vf.Maps() {
			parts, agree := composedFrom(me.Node, obj, q.value)
			if len(parts) < 2 || agree == 0 {
				continue
			}
			score := 10*len(parts) + agree
			if ov.owner {
				score += 5
			}
			if score > b.score {
				for i := range parts {
					parts[i].File = ov.vf.Path
				}
				bestParts = parts
			}
			b.offer(Location{File: ov.vf.Path, Line: parts[0].Line}, score)
		}
	}
	if b.score == 0 {
		return Location{}, false
	}
	b.loc.Parts = bestParts
	return b.loc, true
}

// composedFrom splits value into the scalars of mapping n (each used once,
// at least two characters long) and at most maxGlue other characters, and
// counts the other scalars that agree with obj; any disagreement is none.
func composedFrom(n *yaml.Node, obj map[string]any, value string) ([]Part, int) {
	type scalar struct {
		key, value string
		line       int
	}
	var cands []scalar
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.ScalarNode && len(v.Value) >= 2 {
			cands = append(cands, scalar{k.Value, v.Value, k.Line})
		}
	}
	if len(cands) < 2 {
		return nil, 0
	}
	used := make([]bool, len(cands))
	var cur, found []int
	var walk func(pos, glue int) bool
	walk = func(pos, glue int) bool {
		if pos == len(value) {
			if len(cur) >= 2 {
				found = append([]int(nil), cur...)
				return true
			}
			return false
		}
		for i, c := range cands {
			if used[i] || len(value)-pos < len(c.value) || value[pos:pos+len(c.value)] != c.value {
				continue
			}
			used[i], cur = true, append(cur, i)
			if walk(pos+len(c.value), glue) {
				return true
			}
			used[i], cur = false, cur[:len(cur)-1]
		}
		return glue < maxGlue && walk(pos+1, glue+1)
	}
	if !walk(0, 0) {
		return nil, 0
	}
	agree := 0
	inParts := map[string]bool{}
	parts := make([]Part, len(found))
	for i, ci := range found {
		parts[i] = Part{Line: cands[ci].line, Key: cands[ci].key}
		inParts[cands[ci].key] = true
	}
	for _, c := range cands {
		if rv, ok := obj[c.key]; ok && !inParts[c.key] {
			if fmt.Sprint(rv) != c.value {
				return nil, 0
			}
			agree++
		}
	}
	// one-character scalars were not candidates; they must agree too
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if rv, ok := obj[k.Value]; ok && v.Kind == yaml.ScalarNode && len(v.Value) < 2 && fmt.Sprint(rv) != v.Value {
			return nil, 0
		}
	}
	return parts, agree
}
