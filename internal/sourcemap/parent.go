package sourcemap

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/resource"
	yaml "go.yaml.in/yaml/v3"
)

// fromParent answers for a field the template does not write (missing, or
// below a helper's output) whose parent is a mapping written in values.yaml
// (a Service port item printed by a helper): the values mapping that
// rendered it, whose scalars all agree with the rendered object, at least
// one. Mappings under a values path the template's document references
// win, then the owner chart's own values.
func fromParent(m *Mapper, q *query) (Location, bool) {
	if _, complete := structuralLine(q); complete {
		return Location{}, false
	}
	var obj map[string]any
	for n := len(q.segs); n > 0 && obj == nil; n-- {
		if v, ok := resource.Lookup(q.r.Object, resource.FormatPath(q.segs[:n])); ok {
			obj, _ = v.(map[string]any)
		}
	}
	if obj == nil {
		return Location{}, false
	}
	var refs [][]string
	for _, l := range q.region() {
		for _, ref := range valuesRefs(l.Text) {
			refs = append(refs, strings.Split(ref, "."))
		}
	}
	var b best
	for _, ov := range m.chainValues(q.chain) {
		for _, me := range ov.vf.Maps() {
			match := agreement(me.Node, obj)
			if match == 0 {
				continue
			}
			score := match
			for _, ref := range refs {
				if len(ref) <= len(me.Path) && slices.Equal(me.Path[:len(ref)], ref) {
					score += 100
					break
				}
			}
			if ov.owner {
				score += 10
			}
			b.offer(Location{File: ov.vf.Path, Line: me.Node.Line}, score)
		}
	}
	return b.loc, b.score > 0
}

// agreement counts the scalar entries of a values mapping that equal the
// rendered object's; any disagreement, or a mapping with no scalars, is 0.
func agreement(n *yaml.Node, obj map[string]any) int {
	match := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			continue
		}
		rv, ok := obj[k.Value]
		if !ok {
			continue
		}
		if fmt.Sprint(rv) != v.Value {
			return 0
		}
		match++
	}
	return match
}
