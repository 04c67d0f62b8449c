package sourcemap

import (
	"strings"

	"github.com/meshready/meshready/internal/resource"
)

// fromValueMatch searches the chain's values.yaml files (owner first) for
// a scalar equal to the rendered value, preferring keys like the field's
// and paths that end like the field's path.
func fromValueMatch(m *Mapper, q *query) (Location, bool) {
	if q.value == "" {
		return Location{}, false
	}
	var b best
	for _, ov := range m.chainValues(q.chain) {
		for _, e := range ov.vf.Scalars() {
			if e.Value != q.value {
				continue
			}
			score := 1 + suffixScore(e.Path, q.segs)
			if e.Key == q.key {
				score += 4
			} else if strings.HasSuffix(strings.ToLower(e.Key), strings.ToLower(q.key)) {
				score += 2
			}
			if ov.owner {
				score++ // the owner's own values
			}
			b.offer(Location{File: ov.vf.Path, Line: e.Line}, score)
		}
	}
	return b.loc, b.score > 0
}

// suffixScore counts how many trailing keys of a values path match the
// field path's trailing keys (indexes ignored).
func suffixScore(vpath []string, segs []resource.Segment) int {
	var keys []string
	for _, s := range segs {
		if s.Index < 0 {
			keys = append(keys, s.Key)
		}
	}
	n := 0
	for i, j := len(vpath)-1, len(keys)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if vpath[i] != keys[j] {
			break
		}
		n++
	}
	return n
}
