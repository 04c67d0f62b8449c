package sourcemap

import (
	"github.com/meshready/meshready/internal/chartsource"
)

// fromStructure always answers: the template line of the deepest step of
// the field's path the template writes literally (where a missing field
// belongs), else the document's kind line.
func fromStructure(m *Mapper, q *query) (Location, bool) {
	line, _ := structuralLine(q)
	return Location{File: q.tpl, Line: line}, true
}

// structuralLine walks the template's document along the path with
// chartsource's structure walker (the one the fixer places its edits
// with) and returns the line of the deepest step written literally (a
// key, or the n-th "- " item of a literal list), and whether the whole
// path was found. Keys are looked for anywhere below the previous step
// (Descendant), where the fixer wants exact children (Child): a location
// only points a person at a line, so a step a helper's wrapper or the
// render puts between two written keys must not lose the deeper line.
// List items are exact for both: the n-th literal item, and the item ends
// at the next one.
func structuralLine(q *query) (int, bool) {
	ls := q.ls
	best := q.reg[0] + 1
	blk := chartsource.Doc(q.reg)
	if k := blk.Descendant(ls, "kind"); k >= 0 {
		best = k + 1
	}
	for si, s := range q.segs {
		var next int
		var in chartsource.Block
		if s.Index >= 0 {
			if si == 0 {
				return best, false
			}
			next = blk.Item(ls, s.Index)
			if next >= 0 {
				in = chartsource.LooseItemBlock(ls, next, q.reg[1])
			}
		} else {
			next = blk.Descendant(ls, s.Key)
			if next >= 0 {
				in = chartsource.LooseValue(ls, next, q.reg[1])
			}
		}
		if next < 0 {
			return best, false
		}
		blk, best = in, next+1
	}
	return best, true
}
