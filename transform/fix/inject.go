package fix

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

const (
	injectKey = "sidecar.istio.io/inject"
	// sidecarValue is the values key the ONAP engineers introduced.
	sidecarValue = "istioSidecar"
	// defaultComment is the comment ONAP put above it (MULTICLOUD-290 and
	// every casablanca chart that has it).
	defaultComment = "#Istio sidecar injection policy"
	podAnnotations = "podAnnotations"
)

// refusal is a reason a fix is not made, and what to do by hand.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, a ...any) error { return &refusal{fmt.Sprintf(format, a...)} }

// podPath is the field path of a workload's pod template ("" for a Pod).
func podPath(kind string) []resource.Segment {
	var segs []resource.Segment
	for _, k := range resource.PodTemplatePath(kind) {
		segs = append(segs, resource.Segment{Key: k, Index: -1})
	}
	return segs
}

func fieldPath(base []resource.Segment, keys ...string) string {
	segs := append([]resource.Segment{}, base...)
	for _, k := range keys {
		segs = append(segs, resource.Segment{Key: k, Index: -1})
	}
	return resource.FormatPath(segs)
}

// planInjection plans one item per workload the sidecar-injection rule
// reports (an explicit "false" opt-out stays).
func (s *session) planInjection(p *chartPlan, skip map[string]bool) {
	type target struct {
		f     finding.Finding
		first int
	}
	targets := map[objKey]*target{}
	for vi, fs := range p.findings {
		for _, f := range fs {
			if f.Rule != ruleInjection || f.Value == "false" {
				continue
			}
			k := keyOf(p.before[vi].Resources[f.ResourceIndex])
			if targets[k] == nil && !skip[string(k)] {
				targets[k] = &target{f: f, first: vi}
			}
		}
	}
	where := "annotations"
	if s.opts.InjectStyle == StyleLabel {
		where = "labels"
	}
	for _, k := range sortedKeys(targets) {
		t := targets[k]
		r := p.before[t.first].Resources[t.f.ResourceIndex]
		edits, msg, err := s.injectEdits(p, t.first, r, t.f, where)
		if err != nil {
			p.refuse(string(k), r, t.f.Field, err.Error())
			continue
		}
		path := fieldPath(podPath(r.Kind), "metadata", where, injectKey)
		it := newItem(string(k), p.name, r, path)
		it.edits, it.message = edits, msg
		for vi, res := range p.before {
			if rr := index(res.Resources)[k]; rr != nil {
				it.want(vi, k, path, "true")
				it.gone[vi] = append(it.gone[vi], goneRule{key: k, rules: []string{ruleInjection}})
			}
		}
		p.items = append(p.items, it)
	}
}

var (
	includeRE  = regexp.MustCompile(`include\s+"([^"]+)"\s*(.*?)\s*(?:\|\s*n?indent\s+(\d+))?\s*-?\}\}`)
	valueRefRE = []*regexp.Regexp{
		regexp.MustCompile(`toYaml\s+\(?\$?\.Values\.([A-Za-z0-9_.]+)`),
		regexp.MustCompile(`"value"\s+\$?\.Values\.([A-Za-z0-9_.]+)`),
		regexp.MustCompile(`with\s+\$?\.Values\.([A-Za-z0-9_.]+)`),
	}
)

// injectEdits works out where the switch goes for one workload.
func (s *session) injectEdits(p *chartPlan, vi int, r *resource.Resource, f finding.Finding, where string) ([]Edit, string, error) {
	pod := podPath(r.Kind)
	if hn, _ := resource.Lookup(r.Object, fieldPath(pod, "spec", "hostNetwork")); hn == true {
		return nil, "", refuse("a hostNetwork pod cannot run the Istio sidecar (it would intercept the node's traffic); leave it out of the mesh")
	}
	if f.Value != "" {
		return nil, "", refuse("its pod template sets %s to %q; set it to \"true\" by hand if the pod belongs in the mesh", injectKey, f.Value)
	}
	chain, file, err := templateFile(p.before[vi].Graph, r)
	if err != nil {
		return nil, "", refuse("%v", err)
	}
	if !within(file, s.roots) {
		return nil, "", refuse("its template %s is outside %s; fix that chart or add %s by hand", s.display(file), s.rootsText(), injectKey)
	}
	owner := chain[len(chain)-1]
	b, err := s.fs.read(file)
	if err != nil {
		return nil, "", err
	}
	text := string(b)
	ls := parseLines(text)
	reg, ok := pickRegion(ls, r)
	if !ok {
		if m := includeRE.FindStringSubmatch(text); m != nil {
			return nil, "", refuse("%s renders the whole object with helper %q, shared by other charts; add %s there by hand, or label the namespace istio-injection=enabled", s.display(file), m[1], injectKey)
		}
		return nil, "", refuse("cannot tell which document of %s renders it; add %s by hand", s.display(file), injectKey)
	}
	parent, from := -1, reg[0]
	keys := append(append([]string{}, resource.PodTemplatePath(r.Kind)...), "metadata")
	for _, k := range keys {
		i := childKey(ls, parent, from, reg[1], k)
		if i < 0 {
			return nil, "", refuse("%s does not write the pod template's %s literally (a helper renders it); add %s under spec.template.metadata.%s by hand", s.display(file), strings.Join(keys, "."), injectKey, where)
		}
		parent, from = i, i+1
	}
	m := parent
	ml := ls[m]
	if ml.rest != "" {
		if strings.HasPrefix(ml.rest, "{{") {
			return s.viaHelper(p, chain, file, m+1, ml.rest, where)
		}
		return nil, "", refuse("%s:%d: the pod metadata is an inline map; write it as a block or add %s by hand", s.display(file), m+1, injectKey)
	}
	end := blockEnd(ls, m, reg[1])
	inside := ml.depth + ml.delta
	childCol, step := -1, 2
	for j := m + 1; j < end; j++ {
		if ls[j].kind == kKey {
			childCol = ls[j].keyCol
			break
		}
	}
	if childCol < 0 {
		childCol = ml.keyCol + 2
	}
	step = max(childCol-ml.keyCol, 1)
	// a helper that writes the metadata's content (unless the template
	// writes the block we need itself: a helper's podAnnotations would then
	// be a second `annotations:` key, and the last one wins)
	a := childKey(ls, m, m+1, reg[1], where)
	for j := m + 1; j < end && a < 0; j++ {
		l := ls[j]
		if l.kind != kAction || l.depth != inside || openRE.MatchString(l.text) {
			continue
		}
		mm := includeRE.FindStringSubmatch(l.text)
		if mm == nil {
			continue
		}
		col := l.indent
		if mm[3] != "" {
			fmt.Sscan(mm[3], &col)
		}
		if col == childCol {
			return s.viaHelper(p, chain, file, j+1, strings.TrimSpace(l.text), where)
		}
	}
	value, err := s.injectValue(text, owner)
	if err != nil {
		return nil, "", err
	}
	entry := injectKey + ": " + value
	var ins Edit
	switch {
	case a >= 0:
		al := ls[a]
		if al.depth != inside {
			return nil, "", refuse("%s:%d: the pod template's %s sit inside a template conditional; add %s by hand", s.display(file), a+1, where, injectKey)
		}
		if al.rest != "" {
			if strings.HasPrefix(al.rest, "{{") {
				return s.viaValueRef(p, chain, file, a+1, al.rest, where)
			}
			return nil, "", refuse("%s:%d: the pod template's %s are an inline map (%s); write them as a block or add %s by hand", s.display(file), a+1, where, al.rest, injectKey)
		}
		aEnd := blockEnd(ls, a, reg[1])
		entryCol := -1
		var action string
		for j := a + 1; j < aEnd; j++ {
			switch {
			case ls[j].kind == kKey && entryCol < 0:
				entryCol = ls[j].keyCol
			case ls[j].kind == kAction && action == "" && !openRE.MatchString(ls[j].text) && !endRE.MatchString(ls[j].text):
				action = strings.TrimSpace(ls[j].text)
			}
		}
		if entryCol < 0 {
			if action != "" {
				return s.viaValueRef(p, chain, file, a+1, action, where)
			}
			entryCol = al.keyCol + step
		}
		if singleQuoted(ls[a+1 : aEnd]) {
			entry = injectKey + ": '" + strings.Trim(value, `"`) + "'"
		}
		ins = insertLines(file, text, ls, aEnd, strings.Repeat(" ", entryCol)+entry+"\n")
	default:
		if where == "labels" {
			// pods always have labels: missing ones come from somewhere else
			return nil, "", refuse("%s does not write the pod template's labels literally; add %s by hand", s.display(file), injectKey)
		}
		if lab := childKey(ls, m, m+1, reg[1], "labels"); lab >= 0 {
			lEnd := blockEnd(ls, lab, reg[1])
			for j := lab + 1; j < lEnd; j++ {
				if ls[j].kind == kKey {
					step = max(ls[j].keyCol-ls[lab].keyCol, 1)
					break
				}
			}
		}
		pad := strings.Repeat(" ", childCol)
		ins = insertLines(file, text, ls, end, pad+"annotations:\n"+pad+strings.Repeat(" ", step)+entry+"\n")
	}
	edits := []Edit{ins}
	msg := fmt.Sprintf("%s under the pod template's %s (%s:%d)", entry, where, s.display(file), lineOf(text, ins.Off))
	ve, vmsg, err := s.sidecarValue(owner)
	if err != nil {
		return nil, "", err
	}
	if ve != nil {
		edits = append(edits, *ve)
		msg += vmsg
	}
	return edits, msg, nil
}

// singleQuoted tells whether the existing entries quote their values with
// single quotes only (the new entry then does too).
func singleQuoted(ls []tline) bool {
	single, double := 0, 0
	for _, l := range ls {
		if l.kind != kKey {
			continue
		}
		switch {
		case strings.HasPrefix(l.rest, "'"):
			single++
		case strings.HasPrefix(l.rest, `"`):
			double++
		}
	}
	return single > 0 && double == 0
}

// insertLines inserts whole lines before line i (at the end when i is past the last).
func insertLines(file, text string, ls []tline, i int, lines string) Edit {
	if i < len(ls) {
		return Edit{File: file, Off: ls[i].off, Ins: lines}
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		lines = "\n" + lines
	}
	return Edit{File: file, Off: len(text), Ins: lines}
}

func lineOf(text string, off int) int { return strings.Count(text[:min(off, len(text))], "\n") + 1 }

// sidecarValue makes the owner chart's values.yaml say istioSidecar: true.
func (s *session) sidecarValue(owner *charttree.Node) (*Edit, string, error) {
	vf := filepath.Join(owner.Dir, "values.yaml")
	if !within(vf, s.roots) {
		return nil, "", refuse("%s is outside %s", s.display(vf), s.rootsText())
	}
	b, err := s.fs.read(vf)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", refuse("chart %s has no values.yaml to hold %s: true; create it, then run fix again", owner.Name, sidecarValue)
	}
	if err != nil {
		return nil, "", err
	}
	d, err := parseValues(vf, b)
	if err != nil {
		return nil, "", refuse("%v", err)
	}
	if v, ok := d.topValue(sidecarValue); ok {
		if v.Kind == yaml.ScalarNode && v.Value == "true" {
			return nil, "", nil
		}
		return nil, "", refuse("%s:%d sets %s: %s, an opt-out; set it to true by hand if the chart's pods belong in the mesh", s.display(vf), v.Line, sidecarValue, v.Value)
	}
	comment := s.treeStyle(owner.Dir).comment
	if comment == "" {
		comment = defaultComment
	}
	e := d.insertTopLevel(comment + "\n" + sidecarValue + ": true\n")
	return &e, fmt.Sprintf(", %s: true in %s", sidecarValue, s.display(vf)), nil
}

// viaHelper handles pod metadata rendered by a helper: one that renders
// .Values.podAnnotations through tpl (OOM's common.templateMetadata) is
// fed through values; any other is refused.
func (s *session) viaHelper(p *chartPlan, chain []*charttree.Node, file string, line int, action, where string) ([]Edit, string, error) {
	mm := includeRE.FindStringSubmatch(action)
	if mm == nil {
		return nil, "", refuse("%s:%d: the pod metadata comes from a template action (%s); add %s by hand", s.display(file), line, action, injectKey)
	}
	name, args := mm[1], mm[2]
	body, where2 := s.defineBody(chain[0], name)
	if body == "" {
		return nil, "", refuse("%s:%d: the pod metadata comes from helper %q, whose definition was not found; add %s by hand", s.display(file), line, name, injectKey)
	}
	if where == "labels" {
		return nil, "", refuse("%s:%d: the pod labels come from helper %q (%s); add the %s label there by hand, or use --inject-style annotation", s.display(file), line, name, s.display(where2), injectKey)
	}
	if !(strings.Contains(body, podAnnotations) && strings.Contains(body, "tpl")) {
		return nil, "", refuse("%s:%d: the pod annotations come from helper %q (%s), which does not render .Values.%s; add %s by hand", s.display(file), line, name, s.display(where2), podAnnotations, injectKey)
	}
	if strings.Contains(args, `"annotations"`) {
		return nil, "", refuse("%s:%d: helper %q is given its annotations in the call (%s); add %s to them by hand", s.display(file), line, name, strings.TrimSpace(args), injectKey)
	}
	return s.viaValues(chain[len(chain)-1], podAnnotations, fmt.Sprintf("helper %s renders .Values.%s", name, podAnnotations))
}

// viaValueRef handles annotations written by `toYaml .Values.x` (or
// common.tplValue of it): the entry goes into that values map.
func (s *session) viaValueRef(p *chartPlan, chain []*charttree.Node, file string, line int, action, where string) ([]Edit, string, error) {
	for _, re := range valueRefRE {
		if mm := re.FindStringSubmatch(action); mm != nil {
			if strings.Contains(mm[1], ".") {
				break
			}
			return s.viaValues(chain[len(chain)-1], mm[1], fmt.Sprintf("%s:%d renders .Values.%s", s.display(file), line, mm[1]))
		}
	}
	return nil, "", refuse("%s:%d: the pod %s come from %s, which meshready cannot edit safely (toYaml of an unknown value or a helper); add %s by hand", s.display(file), line, where, action, injectKey)
}

// viaValues adds the switch to the top-level map key of the owner's values.yaml.
func (s *session) viaValues(owner *charttree.Node, key, why string) ([]Edit, string, error) {
	vf := filepath.Join(owner.Dir, "values.yaml")
	if !within(vf, s.roots) {
		return nil, "", refuse("%s is outside %s", s.display(vf), s.rootsText())
	}
	b, err := s.fs.read(vf)
	if err != nil {
		return nil, "", refuse("%s: %v", s.display(vf), err)
	}
	d, err := parseValues(vf, b)
	if err != nil {
		return nil, "", refuse("%v", err)
	}
	entry := injectKey + `: "true"`
	e, changed, err := d.ensureEntry(key, injectKey, entry, "# Istio sidecar injection ("+why+")")
	if err != nil {
		return nil, "", refuse("%v", err)
	}
	if !changed {
		return nil, "", refuse("%s already sets %s under %s, yet the pod does not get it: a parent chart or the values given override %s", s.display(vf), injectKey, key, key)
	}
	return []Edit{e}, fmt.Sprintf("%s under %s in %s (%s)", entry, key, s.display(vf), why), nil
}

var defineRE = regexp.MustCompile(`\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}`)

// defineBody finds a named template's definition in the charts of a graph.
func (s *session) defineBody(g *charttree.Node, name string) (string, string) {
	for _, dir := range g.Dirs() {
		tdir := filepath.Join(dir, "templates")
		ents, _ := os.ReadDir(tdir)
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			p := filepath.Join(tdir, e.Name())
			b, err := s.fs.read(p)
			if err != nil {
				continue
			}
			text := string(b)
			for _, loc := range defineRE.FindAllStringSubmatchIndex(text, -1) {
				if text[loc[2]:loc[3]] != name {
					continue
				}
				rest := text[loc[1]:]
				depth := 1
				ends := endRE.FindAllStringIndex(rest, -1)
				opens := openRE.FindAllStringIndex(rest, -1)
				oi := 0
				for _, en := range ends {
					for oi < len(opens) && opens[oi][0] < en[0] {
						depth++
						oi++
					}
					depth--
					if depth == 0 {
						return rest[:en[0]], p
					}
				}
				return rest, p
			}
		}
	}
	return "", ""
}

// treeStyle is how the tree already writes the injection switch, if it does.
type treeStyle struct {
	// injectValue is the value text of an existing `sidecar.istio.io/inject:
	// ... .Values.istioSidecar ...` template line.
	injectValue string
	// comment is the comment line above an existing istioSidecar value.
	comment string
}

var injectLineRE = regexp.MustCompile(`^\s*sidecar\.istio\.io/inject:\s*(.*\.Values\.istioSidecar\b.*?)\s*$`)

// treeStyle scans the OOM tree the chart lives in (once) for the switch
// as the project already writes it.
func (s *session) treeStyle(dir string) *treeStyle {
	root := charttree.TreeRoot(dir)
	if st, ok := s.styles[root]; ok {
		return st
	}
	st := &treeStyle{}
	s.styles[root] = st
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if st.injectValue != "" && st.comment != "" {
			return filepath.SkipAll
		}
		inTemplates := strings.Contains(filepath.ToSlash(p), "/templates/")
		if !(inTemplates && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".tpl")) || d.Name() == "values.yaml") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > MaxFileBytes {
			return nil
		}
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			if inTemplates && st.injectValue == "" {
				if m := injectLineRE.FindStringSubmatch(l); m != nil {
					st.injectValue = m[1]
				}
			}
			if !inTemplates && st.comment == "" && strings.HasPrefix(l, sidecarValue+":") && i > 0 && strings.HasPrefix(lines[i-1], "#") {
				st.comment = strings.TrimRight(lines[i-1], " \r")
			}
		}
		return nil
	})
	return st
}

// injectValue is the annotation's value text: as the tree already writes
// it, else in the file's (or chart's) `{{ .Values }}` spacing.
func (s *session) injectValue(text string, owner *charttree.Node) (string, error) {
	if v := s.treeStyle(owner.Dir).injectValue; v != "" {
		return v, nil
	}
	spaced, ok := valuesSpacing(text)
	if !ok {
		var all strings.Builder
		ents, _ := os.ReadDir(filepath.Join(owner.Dir, "templates"))
		for _, e := range ents {
			if b, err := s.fs.read(filepath.Join(owner.Dir, "templates", e.Name())); err == nil {
				all.Write(b)
			}
		}
		spaced, _ = valuesSpacing(all.String())
	}
	if spaced {
		return `"{{ .Values.` + sidecarValue + ` }}"`, nil
	}
	return `"{{.Values.` + sidecarValue + `}}"`, nil
}

func (s *session) rootsText() string {
	var out []string
	for _, r := range s.roots {
		out = append(out, s.display(r))
	}
	return strings.Join(out, ", ")
}
