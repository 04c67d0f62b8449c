// Package sourcemap points a finding on a rendered field back at the chart
// line a person edits: the values.yaml line a rendered value came from, the
// template line that writes it literally, or the template line where the
// missing field belongs. It works on text and the dependency graph only (no
// second render), so mapping costs little next to rendering.
package sourcemap

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/resource"
	yaml "go.yaml.in/yaml/v3"
)

// Location is a file and 1-based line; Line 0 means the whole file.
type Location struct {
	File string
	Line int
	// Parts, for a value composed from several values.yaml scalars, are
	// all of them, the one at File:Line first; nil otherwise.
	Parts []Part
}

// Mapper locates findings for the charts of one dependency graph; safe for
// concurrent use.
type Mapper struct {
	graph *charttree.Node
	cache *Cache
}

// Cache holds the source files a run reads, shared by the mappers of every
// chart: a tree's charts share most of their sources (common's templates and
// values), which are then read and parsed once. Safe for concurrent use.
type Cache struct {
	text sync.Map // path -> []string
	vals sync.Map // path -> *valuesFile
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// New returns a mapper for a rendered chart's dependency graph (nil for
// manifest input, where findings point at the input file), reading files
// through cache (nil: a cache of its own).
func New(graph *charttree.Node, cache *Cache) *Mapper {
	if cache == nil {
		cache = NewCache()
	}
	return &Mapper{graph: graph, cache: cache}
}

// Locate finds where to edit field (a path such as spec.ports[2].name) of r,
// whose rendered value is value ("" when missing or empty).
func (m *Mapper) Locate(r *resource.Resource, field, value string) Location {
	if m.graph == nil || r.Source == "" {
		return rendered(r, field)
	}
	chain, rel := m.graph.Owner(r.Source)
	if len(chain) == 0 || chain[len(chain)-1].Dir == "" {
		return rendered(r, field)
	}
	owner := chain[len(chain)-1]
	tplPath := filepath.Join(owner.Dir, filepath.FromSlash(rel))
	lines := m.lines(tplPath)
	if lines == nil {
		return rendered(r, field)
	}
	start, end := docRegion(lines, r)
	segs, _ := resource.ParsePath(field)
	key := lastKey(segs)
	if value != "" {
		if loc, ok := m.fromValuesRef(chain, lines[start:end], key, value); ok {
			return loc
		}
		if n, ok := literalLine(lines, start, end, key, value); ok {
			return Location{File: tplPath, Line: n}
		}
		if strings.ContainsAny(value, " ;\t") {
			if loc, ok := m.textLine(tplPath, lines, start, end, owner, value); ok {
				return loc
			}
		}
		if loc, ok := m.valuesByValue(chain, segs, value); ok {
			return loc
		}
		if loc, ok := m.composed(chain, r, segs, value); ok {
			return loc
		}
	}
	line, complete := structuralLine(lines, start, end, segs)
	if !complete {
		// The field's parent may be a list item written in values.yaml
		// (ports rendered by a helper): find the values entry that matches it.
		if loc, ok := m.parentInValues(chain, lines[start:end], r, segs); ok {
			return loc
		}
	}
	return Location{File: tplPath, Line: line}
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

// MaxSourceBytes bounds files read for mapping.
const MaxSourceBytes = 8 << 20

func (m *Mapper) lines(p string) []string { return m.cache.Lines(p) }

// Lines returns a file's lines (CRLF read as LF), read once; nil when the
// file cannot be read or is larger than MaxSourceBytes.
func (c *Cache) Lines(p string) []string {
	if l, ok := c.text.Load(p); ok {
		return l.([]string)
	}
	var l []string
	if st, err := os.Stat(p); err == nil && st.Size() <= MaxSourceBytes {
		if b, err := os.ReadFile(p); err == nil {
			l = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
		}
	}
	v, _ := c.text.LoadOrStore(p, l)
	return v.([]string)
}

// docRegion narrows a template holding several documents to the one that
// renders r. A document that writes another kind literally cannot be it;
// among the rest, one that writes r's kind literally wins, then the one
// sharing the most literal lines with the rendered text.
func docRegion(lines []string, r *resource.Resource) (int, int) {
	type region struct{ start, end int }
	var regions []region
	s := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "---") {
			regions = append(regions, region{s, i})
			s = i + 1
		}
	}
	regions = append(regions, region{s, len(lines)})
	if len(regions) == 1 {
		return 0, len(lines)
	}
	rendered := map[string]bool{}
	for _, l := range strings.Split(r.Raw, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			rendered[t] = true
		}
	}
	best, bestScore := regions[0], -1
	for _, rg := range regions {
		score := 0
		for _, l := range lines[rg.start:rg.end] {
			t := strings.TrimSpace(l)
			if k, _, rest, ok := keyOf(l); ok && k == "kind" && !strings.Contains(rest, "{{") {
				if unquote(rest) != r.Kind {
					score = -1 << 20
					break
				}
				score += 1000
				continue
			}
			if t != "" && !strings.Contains(t, "{{") && rendered[t] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = rg, score
		}
	}
	return best.start, best.end
}

func lastKey(segs []resource.Segment) string {
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].Index < 0 {
			return segs[i].Key
		}
	}
	return ""
}

// keyOf returns the mapping key a template line writes ("- name: x" -> name),
// its indentation, and the text after the colon.
func keyOf(line string) (key string, indent int, rest string, ok bool) {
	t := strings.TrimLeft(line, " ")
	indent = len(line) - len(t)
	if strings.HasPrefix(t, "- ") {
		t = strings.TrimLeft(t[2:], " ")
		indent = len(line) - len(t)
	}
	if t == "" || t[0] == '#' || strings.HasPrefix(t, "{{") {
		return "", 0, "", false
	}
	q := byte(0)
	if t[0] == '"' || t[0] == '\'' {
		q = t[0]
		end := strings.IndexByte(t[1:], q)
		if end < 0 {
			return "", 0, "", false
		}
		key, t = t[1:1+end], t[2+end:]
		if !strings.HasPrefix(t, ":") {
			return "", 0, "", false
		}
		return key, indent, strings.TrimSpace(t[1:]), true
	}
	i := strings.Index(t, ": ")
	if i < 0 {
		if !strings.HasSuffix(t, ":") {
			return "", 0, "", false
		}
		i = len(t) - 1
	}
	key = t[:i]
	if strings.ContainsAny(key, " {}") {
		return "", 0, "", false
	}
	return key, indent, strings.TrimSpace(t[i+1:]), true
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// literalLine finds a template line that writes key: value with no template action.
func literalLine(lines []string, start, end int, key, value string) (int, bool) {
	for i := start; i < end; i++ {
		k, _, rest, ok := keyOf(lines[i])
		if ok && k == key && !strings.Contains(rest, "{{") && unquote(rest) == value {
			return i + 1, true
		}
	}
	return 0, false
}

// structuralLine walks the template by indentation along the path and
// returns the line of the deepest step written literally (a key, or the
// n-th "- " item of a literal list), and whether the whole path was found.
func structuralLine(lines []string, start, end int, segs []resource.Segment) (int, bool) {
	best := start + 1
	for i := start; i < end; i++ {
		if k, _, _, ok := keyOf(lines[i]); ok && k == "kind" {
			best = i + 1
			break
		}
	}
	pos, indent := start, -1
	for si, s := range segs {
		next, in := -1, 0
		if s.Index >= 0 {
			if si == 0 {
				return best, false
			}
			next, in = listItem(lines, pos, end, indent, s.Index)
		} else {
			next, in = childKey(lines, pos, end, indent, s.Key)
		}
		if next < 0 {
			return best, false
		}
		pos, indent, best = next+1, in, next+1
	}
	return best, true
}

// childKey finds key below the block opened at indent (the whole region
// when indent < 0), stopping when the block ends.
func childKey(lines []string, pos, end, indent int, key string) (int, int) {
	for i := pos; i < end; i++ {
		k, in, _, ok := keyOf(lines[i])
		if !ok {
			continue
		}
		if indent >= 0 && in <= indent && !isItemOf(lines[i], indent) {
			return -1, 0
		}
		if k == key && in > indent {
			return i, in
		}
	}
	return -1, 0
}

// isItemOf reports a "- key:" line whose dash sits at the parent's indent
// (YAML lets list items align with their key).
func isItemOf(line string, indent int) bool {
	t := strings.TrimLeft(line, " ")
	return strings.HasPrefix(t, "- ") && len(line)-len(t) == indent
}

// listItem finds the n-th "- " item of the literal list that follows a key
// at indent. A template action among the items (range, if) means the items
// are not literal: give up.
func listItem(lines []string, pos, end, indent, n int) (int, int) {
	itemIndent, count := -1, -1
	for i := pos; i < end; i++ {
		t := strings.TrimLeft(lines[i], " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		in := len(lines[i]) - len(t)
		if strings.HasPrefix(t, "{{") {
			return -1, 0
		}
		if in < indent || (in == indent && !strings.HasPrefix(t, "- ")) {
			return -1, 0
		}
		if !strings.HasPrefix(t, "- ") {
			continue
		}
		if itemIndent < 0 {
			itemIndent = in
		}
		if in != itemIndent {
			continue
		}
		count++
		if count == n {
			// keys of the item sit after the dash
			return i, in + 1
		}
	}
	return -1, 0
}

// valuesRefs lists the values paths a template line references
// (.Values.a.b gives "a.b"), as the regular expression
// `\.Values\.([A-Za-z0-9_][A-Za-z0-9_.\-]*)` would find them (TestValuesRefs):
// a scan, because this runs on every line of every region mapped.
func valuesRefs(line string) []string {
	const marker = ".Values."
	var refs []string
	for i := 0; ; {
		j := strings.Index(line[i:], marker)
		if j < 0 {
			return refs
		}
		start := i + j + len(marker)
		end := start
		for end < len(line) && isPathByte(line[end], end == start) {
			end++
		}
		if end == start { // no path after the marker: look again one byte on
			i += j + 1
			continue
		}
		refs = append(refs, line[start:end])
		i = end
	}
}

// isPathByte: letters, digits and _ start a values path; . and - may follow.
func isPathByte(b byte, first bool) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '_':
		return true
	}
	return !first && (b == '.' || b == '-')
}

// fromValuesRef follows `.Values.x.y` references on template lines that
// write key, and returns the values.yaml line whose value equals value.
func (m *Mapper) fromValuesRef(chain []*charttree.Node, region []string, key, value string) (Location, bool) {
	var keyed, other []string
	for _, l := range region {
		refs := valuesRefs(l)
		if refs == nil {
			continue
		}
		if k, _, _, ok := keyOf(l); ok && k == key {
			keyed = append(keyed, refs...)
		} else {
			other = append(other, refs...)
		}
	}
	for _, refs := range [][]string{keyed, other} {
		for _, ref := range refs {
			if loc, ok := m.resolve(chain, strings.Split(ref, "."), value); ok {
				return loc, true
			}
		}
	}
	return Location{}, false
}

// resolve finds the values.yaml entry that sets path for the chain's owner,
// looking first in the outermost chart (whose values override), and returns
// it when its value equals want.
func (m *Mapper) resolve(chain []*charttree.Node, path []string, want string) (Location, bool) {
	for i, n := range chain {
		var p []string
		if path[0] == "global" {
			p = path
		} else {
			for _, c := range chain[i+1:] {
				p = append(p, helmName(c))
			}
			p = append(p, path...)
		}
		vf := m.valuesOf(n)
		if vf == nil {
			continue
		}
		if line, v, ok := vf.lookup(p); ok {
			if v == want {
				return Location{File: vf.path, Line: line}, true
			}
			return Location{}, false // set here to something else: not the origin
		}
	}
	return Location{}, false
}

// helmName is the key a parent uses for a subchart's values: its alias if any.
func helmName(n *charttree.Node) string {
	if len(n.Aliases) > 0 {
		return n.Aliases[0]
	}
	return n.Name
}

// textLine finds a line holding text (e.g. a configuration line of a
// ConfigMap) in the template, then in the owner chart's other files.
func (m *Mapper) textLine(tplPath string, lines []string, start, end int, owner *charttree.Node, text string) (Location, bool) {
	text = strings.TrimSpace(text)
	for i := start; i < end; i++ {
		if strings.Contains(lines[i], text) {
			return Location{File: tplPath, Line: i + 1}, true
		}
	}
	for i, l := range lines {
		if strings.Contains(l, text) {
			return Location{File: tplPath, Line: i + 1}, true
		}
	}
	var found Location
	_ = filepath.WalkDir(owner.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || found.File != "" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if p != owner.Dir && (d.Name() == "charts" || d.Name() == "templates" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		for i, l := range m.lines(p) {
			if strings.Contains(l, text) {
				found = Location{File: p, Line: i + 1}
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found, found.File != ""
}

// valuesByValue searches the chain's values.yaml files (owner first) for a
// scalar equal to value, preferring keys like the field's and paths that
// end like the field's path.
func (m *Mapper) valuesByValue(chain []*charttree.Node, segs []resource.Segment, value string) (Location, bool) {
	key := lastKey(segs)
	var b best
	for _, ov := range m.chainValues(chain) {
		for _, e := range ov.vf.scalars {
			if e.value != value {
				continue
			}
			score := 1 + suffixScore(e.path, segs)
			if e.key == key {
				score += 4
			} else if strings.HasSuffix(strings.ToLower(e.key), strings.ToLower(key)) {
				score += 2
			}
			if ov.owner {
				score++ // the owner's own values
			}
			b.offer(Location{File: ov.vf.path, Line: e.line}, score)
		}
	}
	return b.loc, b.score > 0
}

// ownedValues is a chart's values.yaml, and whether the chart owns the template.
type ownedValues struct {
	vf    *valuesFile
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

func (m *Mapper) valuesOf(n *charttree.Node) *valuesFile {
	if n.Dir == "" {
		return nil
	}
	p := filepath.Join(n.Dir, "values.yaml")
	if vf, ok := m.cache.vals.Load(p); ok {
		return vf.(*valuesFile)
	}
	vf, _ := m.cache.vals.LoadOrStore(p, loadValues(p))
	return vf.(*valuesFile)
}

// parentInValues finds the values.yaml mapping that rendered the object
// holding a missing field (e.g. a Service port item written in values and
// printed by a helper): every scalar it shares with the rendered object must
// agree, and at least one must. Mappings under a values path the template
// region references win, then the owner chart's own values.
func (m *Mapper) parentInValues(chain []*charttree.Node, region []string, r *resource.Resource, segs []resource.Segment) (Location, bool) {
	var obj map[string]any
	for n := len(segs); n > 0 && obj == nil; n-- {
		if v, ok := resource.Lookup(r.Object, resource.FormatPath(segs[:n])); ok {
			obj, _ = v.(map[string]any)
		}
	}
	if obj == nil {
		return Location{}, false
	}
	var refs [][]string
	for _, l := range region {
		for _, ref := range valuesRefs(l) {
			refs = append(refs, strings.Split(ref, "."))
		}
	}
	var b best
	for _, ov := range m.chainValues(chain) {
		for _, me := range ov.vf.maps {
			match := agreement(me.node, obj)
			if match == 0 {
				continue
			}
			score := match
			for _, ref := range refs {
				if hasPrefix(me.path, ref) {
					score += 100
					break
				}
			}
			if ov.owner {
				score += 10
			}
			b.offer(Location{File: ov.vf.path, Line: me.node.Line}, score)
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

func hasPrefix(p, prefix []string) bool {
	if len(prefix) > len(p) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}
