package fix

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/chart"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/sourcemap"
)

// Where does a rendered field come from? The fixer renders the chart once
// more with sentinel markers: every template line in scope that writes a
// port-ish key (name:, port:, targetPort:, servicePort:) gets "zt<id>tz"
// right after the key, and every values.yaml string that could be part of
// a target name gets "zz<id>zz" appended. A marker at the start of a
// rendered field names the template line that writes it; a value marker
// inside it names the values.yaml entry; all the fields a marker reaches
// are that source's footprint, so an edit there is safe only when its
// footprint is exactly the fields meant to change.
//
// The question itself goes to the provenance engine (internal/sourcemap),
// as lint's does: a probe is plugged into it as its first strategy (a
// sourcemap.Tracer, see tracer below), and its answer carries the probe's
// decomposition of the field in Location.Trace. The footprints are what
// the probe adds for the fixer's safety checks (ports.go).

type markLine struct {
	file string
	line int // 0-based
}

type markVal struct {
	file string
	doc  *vdoc
	node *yaml.Node
	text string
}

// site identifies a values entry across probes (ids differ per probe).
func (m markVal) site() string { return fmt.Sprintf("%s:%d:%d", m.file, m.node.Line, m.node.Column) }

type fieldRef struct {
	key  objKey
	path string
}

type valHit struct {
	fieldRef
	// exact: the field is the value and nothing else.
	exact bool
}

type probe struct {
	res      *render.Result
	objs     map[objKey]*resource.Resource
	lines    []markLine
	vals     []markVal
	lineFoot map[int][]fieldRef
	valFoot  map[int][]valHit
	// degraded says what could not be marked (the marked chart did not render).
	degraded string
	// before is the unmarked render the probe answers for, by key, and
	// mapper the provenance engine with the probe plugged in (ask).
	before map[objKey]*resource.Resource
	mapper *sourcemap.Mapper
}

var (
	lineMarkRE = regexp.MustCompile(`^zt(\d+)tz`)
	valMarkRE  = regexp.MustCompile(`zz(\d+)zz`)
)

// probeFor renders variant vi of the plan with markers. targets are the
// strings (old port names) whose sources are wanted; nums are port
// numbers of unnamed ports (their values get marked too).
func (s *session) probeFor(ctx context.Context, p *chartPlan, vi int, targets []string, nums map[int32]bool) *probe {
	var last error
	for _, mode := range []struct{ tmpl, vals bool }{{true, true}, {false, true}, {true, false}} {
		pr := &probe{}
		docs := map[string]*vdoc{}
		ids := map[*yaml.Node]int{}
		ch, g, err := s.load(p.dir, func(c *chart.Chart, chain []*charttree.Node) error {
			n := chain[len(chain)-1]
			if mode.tmpl && within(n.Dir, s.roots) {
				pr.markTemplates(c, n.Dir)
			}
			if mode.vals {
				s.markValues(pr, c, n.Dir, docs, ids, targets, nums)
			}
			return nil
		})
		if err != nil {
			last = err
			continue
		}
		res, err := s.renderOnce(ctx, p.dir, ch, g, p.variants[vi])
		if err != nil {
			last = err
			continue
		}
		pr.res = res
		pr.objs = index(res.Resources)
		pr.footprints()
		switch {
		case !mode.tmpl:
			pr.degraded = fmt.Sprintf("template lines could not be marked (%v)", last)
		case !mode.vals:
			pr.degraded = fmt.Sprintf("values could not be marked (%v)", last)
		}
		return pr
	}
	return &probe{degraded: fmt.Sprintf("the chart does not render with sentinel markers: %v", last), objs: map[objKey]*resource.Resource{}}
}

func (pr *probe) markTemplates(c *chart.Chart, dir string) {
	copied := false
	for i, t := range c.Templates {
		file := filepath.Join(dir, filepath.FromSlash(t.Name))
		text := string(t.Data)
		var b strings.Builder
		pos := 0
		for li, l := range chartsource.ParseTemplate(text) {
			at, ok := markAt(l)
			if !ok {
				continue
			}
			id := len(pr.lines)
			pr.lines = append(pr.lines, markLine{file: file, line: li})
			b.WriteString(text[pos : l.Off+at])
			fmt.Fprintf(&b, "zt%dtz", id)
			pos = l.Off + at
		}
		if pos == 0 {
			continue
		}
		b.WriteString(text[pos:])
		if !copied {
			c.Templates = append([]*chart.File(nil), c.Templates...)
			copied = true
		}
		c.Templates[i] = &chart.File{Name: t.Name, Data: []byte(b.String())}
	}
}

// markedKeys are the port-ish keys whose template lines get a marker.
var markedKeys = map[string]bool{"name": true, "port": true, "targetPort": true, "servicePort": true}

// markAt is the column where a template line's marker goes: after a plain
// port-ish key, its colon, the blanks after it and an opening quote; false
// for other lines, a key with nothing after it, and a value that is a
// block scalar, a comment or a template comment.
func markAt(l chartsource.Line) (int, bool) {
	if l.Kind != chartsource.Key || !markedKeys[l.Key] || !strings.HasPrefix(l.Text[l.KeyCol:], l.Key+":") {
		return 0, false
	}
	at := l.KeyCol + len(l.Key) + 1
	blank := at
	for at < len(l.Text) && (l.Text[at] == ' ' || l.Text[at] == '\t') {
		at++
	}
	if at == blank {
		return 0, false
	}
	if at < len(l.Text) && (l.Text[at] == '"' || l.Text[at] == '\'') {
		at++
	}
	for _, p := range []string{"|", ">", "#", "{{/*"} {
		if strings.HasPrefix(l.Text[at:], p) {
			return 0, false
		}
	}
	return at, true
}

func (s *session) markValues(pr *probe, c *chart.Chart, dir string, docs map[string]*vdoc, ids map[*yaml.Node]int, targets []string, nums map[int32]bool) {
	if dir == "" || c.Values == nil {
		return
	}
	file := filepath.Join(dir, "values.yaml")
	d, ok := docs[file]
	if !ok {
		if b, err := s.fs.read(file); err == nil {
			d, _ = parseValues(file, b)
		}
		docs[file] = d
	}
	if d == nil || d.Root == nil {
		return
	}
	candidate := func(v string) bool {
		if len(v) < 2 {
			return false
		}
		for _, t := range targets {
			if strings.Contains(t, v) {
				return true
			}
		}
		return false
	}
	mark := func(path []any, text string) (string, bool) {
		n := d.Find(path)
		if n == nil || n.Kind != yaml.ScalarNode {
			return "", false
		}
		id, ok := ids[n]
		if !ok {
			id = len(pr.vals)
			ids[n] = id
			pr.vals = append(pr.vals, markVal{file: file, doc: d, node: n, text: text})
		}
		return fmt.Sprintf("%szz%dzz", text, id), true
	}
	var walk func(v any, path []any) any
	walk = func(v any, path []any) any {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				t[k] = walk(x, append(path[:len(path):len(path)], k))
			}
		case []any:
			for i, x := range t {
				t[i] = walk(x, append(path[:len(path):len(path)], i))
			}
		case string:
			if candidate(t) {
				if m, ok := mark(path, t); ok {
					return m
				}
			}
		case float64:
			if t == math.Trunc(t) && nums[int32(t)] {
				if m, ok := mark(path, strconv.Itoa(int(t))); ok {
					return m
				}
			}
		case int64:
			if nums[int32(t)] {
				if m, ok := mark(path, strconv.Itoa(int(t))); ok {
					return m
				}
			}
		}
		return v
	}
	walk(c.Values, nil)
}

// footprints records every field each marker reaches.
func (pr *probe) footprints() {
	pr.lineFoot = map[int][]fieldRef{}
	pr.valFoot = map[int][]valHit{}
	for k, r := range pr.objs {
		var walk func(v any, segs []resource.Segment)
		walk = func(v any, segs []resource.Segment) {
			switch t := v.(type) {
			case map[string]any:
				for key, x := range t {
					walk(x, append(segs[:len(segs):len(segs)], resource.Segment{Key: stripMarkers(key), Index: -1}))
				}
			case []any:
				for i, x := range t {
					walk(x, append(segs[:len(segs):len(segs)], resource.Segment{Index: i}))
				}
			case string:
				if !strings.Contains(t, "zt") && !strings.Contains(t, "zz") {
					return
				}
				ref := fieldRef{k, resource.FormatPath(segs)}
				rest := t
				if m := lineMarkRE.FindStringSubmatch(t); m != nil {
					id, _ := strconv.Atoi(m[1])
					pr.lineFoot[id] = append(pr.lineFoot[id], ref)
					rest = t[len(m[0]):]
				}
				for _, m := range valMarkRE.FindAllStringSubmatchIndex(rest, -1) {
					id, _ := strconv.Atoi(rest[m[2]:m[3]])
					if id >= len(pr.vals) {
						continue
					}
					exact := rest == pr.vals[id].text+rest[m[0]:m[1]]
					pr.valFoot[id] = append(pr.valFoot[id], valHit{ref, exact})
				}
			}
		}
		walk(r.Object, nil)
	}
	for _, l := range pr.lineFoot {
		sort.Slice(l, func(i, j int) bool { return l[i].key.less(l[j].key) || l[i].key == l[j].key && l[i].path < l[j].path })
	}
}

// decomp is what a probe says about one field.
type decomp struct {
	found bool
	line  int // line marker id, -1 if none
	// exactVal is the id of the value the field is exactly, -1 if none.
	exactVal int
	vals     []int
}

func (pr *probe) decompose(ref fieldRef) decomp {
	d := decomp{line: -1, exactVal: -1}
	r := pr.objs[ref.key]
	if r == nil {
		return d
	}
	v, ok := resource.Lookup(r.Object, ref.path)
	if !ok {
		return d
	}
	sv, ok := v.(string)
	if !ok {
		return d
	}
	d.found = true
	rest := sv
	if m := lineMarkRE.FindStringSubmatch(sv); m != nil {
		d.line, _ = strconv.Atoi(m[1])
		rest = sv[len(m[0]):]
	}
	for _, m := range valMarkRE.FindAllStringSubmatchIndex(rest, -1) {
		id, _ := strconv.Atoi(rest[m[2]:m[3]])
		if id >= len(pr.vals) {
			continue
		}
		d.vals = append(d.vals, id)
		if rest == pr.vals[id].text+rest[m[0]:m[1]] {
			d.exactVal = id
		}
	}
	return d
}

// tracer is a probe as the provenance engine asks it (sourcemap.Tracer).
type tracer struct {
	pr   *probe
	keys map[*resource.Resource]objKey // the unmarked render's objects
}

// Trace answers for a field of the unmarked render that the marked render
// has: at the values entry the field is exactly, else the template line
// that writes it, else the first values entry inside it, else at no place
// (no marker reaches it: a helper outside the roots computes it), with
// the probe's decomposition in Location.Trace.
func (t tracer) Trace(r *resource.Resource, field string) (sourcemap.Location, bool) {
	k, ok := t.keys[r]
	if !ok {
		return sourcemap.Location{}, false
	}
	d := t.pr.decompose(fieldRef{k, field})
	if !d.found {
		return sourcemap.Location{}, false
	}
	loc := sourcemap.Location{Trace: d}
	switch {
	case d.exactVal >= 0:
		v := t.pr.vals[d.exactVal]
		loc.File, loc.Line = v.file, v.node.Line
	case d.line >= 0:
		ml := t.pr.lines[d.line]
		loc.File, loc.Line = ml.file, ml.line+1
	case len(d.vals) > 0:
		v := t.pr.vals[d.vals[0]]
		loc.File, loc.Line = v.file, v.node.Line
	}
	return loc, true
}

// ask plugs the probe into the provenance engine m for before, the
// unmarked render of the same variant.
func (pr *probe) ask(m *sourcemap.Mapper, before *render.Result) {
	pr.before = index(before.Resources)
	keys := make(map[*resource.Resource]objKey, len(pr.before))
	for k, r := range pr.before {
		keys[r] = k
	}
	pr.mapper = m.WithTracer(tracer{pr: pr, keys: keys})
}

// origin asks the provenance engine where field f of the unmarked render
// comes from: the probe's decomposition of it, found false when the
// marked render does not have it.
func (pr *probe) origin(f fieldRef) decomp {
	if r := pr.before[f.key]; r != nil {
		value := ""
		if v, ok := resource.Lookup(r.Object, f.path); ok {
			value = fmt.Sprint(v)
		}
		if d, ok := pr.mapper.Locate(r, f.path, value).Trace.(decomp); ok {
			return d
		}
	}
	return decomp{line: -1, exactVal: -1}
}
