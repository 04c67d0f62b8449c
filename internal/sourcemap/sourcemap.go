// Package sourcemap is the provenance engine: it points a finding on a
// rendered field back at the chart line a person edits (the values.yaml
// line a rendered value came from, the template line that writes it
// literally, or the template line where the missing field belongs). It
// asks an ordered list of small strategies (strategies below, one file
// each) over the chart-source model (internal/chartsource); the first that
// answers wins. Its own strategies work on text and the dependency graph
// only (no second render), so mapping costs little next to rendering; a
// caller that has rendered the chart again with markers in it (the
// fixer's sentinel renders) plugs that in as a Tracer, asked first.
package sourcemap

import (
	"path/filepath"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
)

// Location is a file and 1-based line; Line 0 means the whole file.
type Location struct {
	File string
	Line int
	// Parts, for a value composed from several values.yaml scalars, are
	// all of them, the one at File:Line first; nil otherwise.
	Parts []Part
	// Trace is what a Tracer knows beyond the place (the fixer's
	// footprint of it); nil from the text strategies.
	Trace any
}

// Tracer answers from a render of the chart with markers in it: where a
// rendered field of r comes from, as the markers that reach it say. A
// Tracer's answer stands even without a place (File ""): the render shows
// that no marked template line or values entry writes the field, and a
// guess from the text would name a line that does not. It says false
// when its render does not have the field. transform/fix implements it
// with its sentinel renders (sentinel.go); this package does not import it.
type Tracer interface {
	Trace(r *resource.Resource, field string) (Location, bool)
}

// Part is one values.yaml scalar a rendered value was composed from.
type Part struct {
	File string
	Line int
	// Key is the scalar's key (e.g. port_protocol).
	Key string
}

// Mapper locates findings for the charts of one dependency graph; safe for
// concurrent use.
type Mapper struct {
	graph  *charttree.Node
	cache  *chartsource.Cache
	tracer Tracer // nil: the text strategies only
}

// New returns a mapper for a rendered chart's dependency graph (nil for
// manifest input, where findings point at the input file), reading files
// through cache (nil: a cache of its own).
func New(graph *charttree.Node, cache *chartsource.Cache) *Mapper {
	if cache == nil {
		cache = chartsource.NewCache()
	}
	return &Mapper{graph: graph, cache: cache}
}

// WithTracer returns a mapper over the same graph and cache that asks t
// first (see strategies).
func (m *Mapper) WithTracer(t Tracer) *Mapper {
	return &Mapper{graph: m.graph, cache: m.cache, tracer: t}
}

// query is what a strategy is asked: where does field of r, rendered as
// value ("" when missing or empty), come from?
type query struct {
	r     *resource.Resource
	field string
	segs  []resource.Segment
	key   string // the field's last mapping key
	value string
	chain []*charttree.Node // the owner chain, the template's chart last
	tpl   string            // the template's path
	ls    []chartsource.Line
	reg   [2]int // the template's document that renders r
}

func (q *query) owner() *charttree.Node { return q.chain[len(q.chain)-1] }

func (q *query) region() []chartsource.Line { return q.ls[q.reg[0]:q.reg[1]] }

// A strategy answers a query, or says it cannot.
type strategy struct {
	name string
	find func(m *Mapper, q *query) (Location, bool)
	// rendered: the strategy reads a render, not the template's text, so
	// it is asked even when the template cannot be read (manifest input,
	// a chart packed in a .tgz).
	rendered bool
}

// strategies, in the order they are asked: the specific before the
// general, values.yaml (what the author edits) before the template that
// prints it. The last always answers.
//
// The tracer comes first: where it is present (only when the caller
// plugged one in, the fixer; lint's order is the rest, unchanged), it has
// rendered the chart with a marker on each template line and values
// entry, so it names the line and entry that did write the field and
// everything else they write, where the text strategies below match keys
// and values and can be fooled by a coincidence (two values entries that
// read "api"). It costs a render, which is why lint has none.
var strategies = []strategy{
	{"sentinel-trace", fromTracer, true},       // tracer.go
	{"values-ref", fromValuesRef, false},       // valuesref.go
	{"template-literal", fromLiteral, false},   // literal.go
	{"text", fromText, false},                  // text.go
	{"values-by-value", fromValueMatch, false}, // byvalue.go
	{"composed", fromComposed, false},          // composed.go
	{"parent-in-values", fromParent, false},    // parent.go
	{"template-structure", fromStructure, false},
}

// Locate finds where to edit field (a path such as spec.ports[2].name) of r,
// whose rendered value is value ("" when missing or empty).
func (m *Mapper) Locate(r *resource.Resource, field, value string) Location {
	q := &query{r: r, field: field, value: value}
	read, readable := false, false
	for _, s := range strategies {
		if !s.rendered && !read {
			read, readable = true, m.read(q)
		}
		if !s.rendered && !readable {
			continue
		}
		if loc, ok := s.find(m, q); ok {
			return loc
		}
	}
	if !readable && q.tpl != "" { // the template is on disk but empty: name it, at no line
		return Location{File: q.tpl}
	}
	if !readable {
		return rendered(r, field)
	}
	return Location{File: q.tpl} // not reached: template-structure always answers
}

// query builds the query for field of r and reads its template (see read).
func (m *Mapper) query(r *resource.Resource, field, value string) (*query, bool) {
	q := &query{r: r, field: field, value: value}
	return q, m.read(q)
}

// read fills in the template that rendered q.r; false for manifest input
// or a template that cannot be read, and false with q.tpl set when that
// file is empty.
func (m *Mapper) read(q *query) bool {
	if m.graph == nil {
		return false
	}
	chain, tpl, err := chartsource.TemplateFile(m.graph, q.r)
	if err != nil {
		return false
	}
	ls := m.cache.Template(tpl)
	if ls == nil {
		if b, err := m.cache.Read(tpl); err == nil && len(b) == 0 {
			q.tpl = tpl // FuzzLocate found it: an empty template
		}
		return false
	}
	reg, ok := chartsource.PickRegion(ls, q.r)
	if !ok {
		reg = chartsource.Regions(ls)[0]
	}
	q.segs, _ = resource.ParsePath(q.field)
	q.key = lastKey(q.segs)
	q.chain, q.tpl, q.ls, q.reg = chain, tpl, ls, reg
	return true
}

// rendered locates a field in the rendered document itself (manifest input).
func rendered(r *resource.Resource, field string) Location {
	file := r.File
	if file == "" {
		file = r.Source
	}
	line, _ := resource.Locate(r.Raw, field)
	if r.StartLine > 0 && line > 0 {
		line += r.StartLine - 1
	}
	return Location{File: file, Line: line}
}

func lastKey(segs []resource.Segment) string {
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].Index < 0 {
			return segs[i].Key
		}
	}
	return ""
}

// ownedValues is a chart's values.yaml, and whether the chart owns the template.
type ownedValues struct {
	vf    *chartsource.Values
	owner bool
}

// chainValues lists the values.yaml files of a chart chain, owner first.
func (m *Mapper) chainValues(chain []*charttree.Node) []ownedValues {
	var out []ownedValues
	for i := len(chain) - 1; i >= 0; i-- {
		if vf := m.valuesOf(chain[i]); vf != nil {
			out = append(out, ownedValues{vf, i == len(chain)-1})
		}
	}
	return out
}

func (m *Mapper) valuesOf(n *charttree.Node) *chartsource.Values {
	if n.Dir == "" {
		return nil
	}
	return m.cache.Values(filepath.Join(n.Dir, "values.yaml"))
}

// best keeps the highest-scoring location offered (the first on ties).
type best struct {
	loc   Location
	score int
}

func (b *best) offer(loc Location, score int) {
	if score > b.score {
		b.loc, b.score = loc, score
	}
}
