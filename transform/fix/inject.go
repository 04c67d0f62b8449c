package fix

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"

	"github.com/meshready/meshready/internal/chartsource"
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
			// An opt-out (info, internal/mesh reads the value) stays.
			if f.Rule != ruleInjection || f.Severity == finding.Info {
				continue
			}
			k := keyOf(p.before[vi].Resources[f.ResourceIndex])
			if targets[k] == nil && !skip[k.String()] {
				targets[k] = &target{f: f, first: vi}
			}
		}
	}
	where := "annotations"
	if s.opts.InjectStyle == StyleLabel {
		where = "labels"
	}
	models := map[int]*mesh.Model{}
	for _, k := range sortedKeys(targets) {
		t := targets[k]
		r := p.before[t.first].Resources[t.f.ResourceIndex]
		if models[t.first] == nil {
			models[t.first] = mesh.Analyze(objectsOf(p.before[t.first].Resources), s.meshSettings())
		}
		rem := s.remedy(r, models[t.first].Pods[t.f.ResourceIndex])
		edits, msg, err := s.injectEdits(p, t.first, r, t.f, where, rem)
		if err != nil {
			p.refuse(k.String(), r, t.f.Field, err.Error())
			continue
		}
		path := fieldPath(podPath(r.Kind), "metadata", where, injectKey)
		it := newItem(k.String(), p.name, r, path)
		it.edits, it.message = edits, msg
		gone := []string{ruleInjection}
		if len(rem.Annotations) > 0 || len(rem.RunAsProxy) > 0 {
			gone = append(gone, ruleInitNetwork, ruleJobSidecar)
			it.message += "; " + rem.Why
		}
		for vi, res := range p.before {
			if rr := index(res.Resources)[k]; rr != nil {
				it.want(vi, k, path, "true")
				for a, v := range rem.Annotations {
					it.want(vi, k, fieldPath(podPath(r.Kind), "metadata", "annotations", a), v)
				}
				for _, n := range rem.RunAsProxy {
					it.want(vi, k, runAsUserPath(r.Kind, n.Index), strconv.Itoa(mesh.ProxyUID))
				}
				it.gone[vi] = append(it.gone[vi], goneRule{key: k, rules: gone})
			}
		}
		p.items = append(p.items, it)
	}
}

// Rules whose findings the sidecar remedy (mesh.SidecarRemedy) prevents.
const (
	ruleInitNetwork = "init-container-network"
	ruleJobSidecar  = "job-sidecar-termination"
)

func objectsOf(rs []*resource.Resource) []map[string]any {
	out := make([]map[string]any, len(rs))
	for i, r := range rs {
		out[i] = r.Object
	}
	return out
}

// meshSettings is the mesh the fix is for.
func (s *session) meshSettings() mesh.Settings {
	set := s.opts.Settings
	k, _ := mesh.ParseKubernetesVersion(set.KubernetesVersion)
	return mesh.Settings{
		Profile:         mesh.Profile{Version: s.version(), Flavor: set.IstioFlavor, Revisions: set.Revisions},
		Namespace:       set.Namespace,
		NamespaceLabels: set.NamespaceLabels,
		NativeSidecars:  set.NativeSidecars,
		KubernetesMinor: k,
	}
}

// remedy is what r needs so that the sidecar the fix adds does not break
// it (mesh.SidecarRemedy): pod-template annotations, or runAsUser on init
// containers (runAsProxyEdits; refused when the template does not write
// them literally).
func (s *session) remedy(r *resource.Resource, facts *mesh.PodFacts) mesh.Remedy {
	if facts == nil {
		return mesh.Remedy{}
	}
	return mesh.SidecarRemedy(r.Kind, facts, s.meshSettings())
}

// runAsUserPath is the field of init container i's runAsUser.
func runAsUserPath(kind string, i int) string {
	segs := append(podPath(kind), resource.Segment{Key: "spec", Index: -1}, resource.Segment{Key: "initContainers", Index: -1}, resource.Segment{Index: i})
	return fieldPath(segs, "securityContext", "runAsUser")
}

// runAsProxyEdits plans `securityContext: {runAsUser: 1337}` on the init
// containers of rem.RunAsProxy, in the document reg of a template's text:
// only where the template writes the pod's initContainers itself, as a
// literal list (no helper, condition or loop inside it) with as many items
// as the pod renders (total), and the container has no securityContext
// yet. Anything else is refused with what to do by hand.
func runAsProxyEdits(file, name, text string, ls []chartsource.Line, reg [2]int, kind string, rem mesh.Remedy, total int) ([]Edit, error) {
	var names []string
	for _, n := range rem.RunAsProxy {
		names = append(names, "'"+n.Name+"'")
	}
	byHand := func(format string, a ...any) error {
		return refuse("no sidecar added: %s; %s; %s: run %s as UID %d (securityContext.runAsUser) by hand, or set istioVersion and kubernetesVersion in .meshready.yaml if the mesh allows native sidecars",
			rem.Problem, rem.NoNative, fmt.Sprintf(format, a...), strings.Join(names, ", "), mesh.ProxyUID)
	}
	keys := append(append([]string{}, resource.PodTemplatePath(kind)...), "spec", "initContainers")
	parent, blk := -1, chartsource.Doc(reg)
	for _, k := range keys {
		i := blk.Child(ls, k)
		if i < 0 {
			return nil, byHand("%s does not write the pod's %s literally (a helper renders them)", name, strings.Join(keys, "."))
		}
		parent, blk = i, chartsource.Value(ls, i, reg[1])
	}
	ic := parent
	if ls[ic].Rest != "" {
		return nil, byHand("%s:%d: the init containers are not a literal list (%s)", name, ic+1, ls[ic].Rest)
	}
	// the list, with the actions among its items (refused below)
	end := blk.End
	depth := ls[ic].Depth + ls[ic].Delta
	for j := ic + 1; j < end; j++ {
		l := ls[j]
		if l.Kind == chartsource.Action || templated(l) || l.Depth != depth || l.Delta != 0 || l.InRange {
			return nil, byHand("%s:%d: a template action renders part of the init containers (%s)", name, j+1, strings.TrimSpace(l.Text))
		}
	}
	items := blk.Items(ls)
	if len(items) != total {
		return nil, byHand("%s:%d: the template writes %d init containers, the pod has %d", name, ic+1, len(items), total)
	}
	var edits []Edit
	for _, n := range rem.RunAsProxy {
		start, stop := items[n.Index], end
		if n.Index+1 < len(items) {
			stop = items[n.Index+1]
		}
		if ls[start].Kind != chartsource.Key {
			return nil, byHand("%s:%d: init container %s is not written as key: value lines", name, start+1, n.Name)
		}
		col := ls[start].KeyCol
		for j := start; j < stop; j++ {
			if ls[j].Kind == chartsource.Key && ls[j].KeyCol == col && ls[j].Key == "securityContext" {
				return nil, byHand("%s:%d: init container %s has a securityContext already", name, j+1, n.Name)
			}
		}
		pad := strings.Repeat(" ", col)
		edits = append(edits, insertLines(file, text, ls, stop, fmt.Sprintf("%ssecurityContext:\n%s  runAsUser: %d\n", pad, pad, mesh.ProxyUID)))
	}
	return edits, nil
}

// mergeEdits adds more to edits; an insertion at the place of another
// follows it in the same edit.
func mergeEdits(edits, more []Edit) []Edit {
	for _, e := range more {
		merged := false
		for i := range edits {
			if edits[i].File == e.File && edits[i].Off == e.Off && edits[i].Del == 0 && e.Del == 0 {
				edits[i].Ins += e.Ins
				merged = true
				break
			}
		}
		if !merged {
			edits = append(edits, e)
		}
	}
	return edits
}

// withRemedy adds the remedy's annotations beside the injection entry an
// edit inserts (same indentation and quoting).
func withRemedy(edits []Edit, entry, msg string, rem mesh.Remedy, file string) ([]Edit, string, error) {
	if len(rem.Annotations) == 0 {
		return edits, msg, nil
	}
	for i, e := range edits {
		at := strings.LastIndex(e.Ins, entry)
		if at < 0 {
			continue
		}
		lineStart := strings.LastIndex(e.Ins[:at], "\n") + 1
		indent := e.Ins[lineStart:at]
		if strings.TrimLeft(indent, " ") != "" {
			continue
		}
		quote := `"`
		if strings.Contains(entry, ": '") {
			quote = "'"
		}
		var extra strings.Builder
		for _, k := range slices.Sorted(maps.Keys(rem.Annotations)) {
			extra.WriteString("\n" + indent + k + ": " + quote + rem.Annotations[k] + quote)
		}
		end := at + len(entry)
		edits[i].Ins = e.Ins[:end] + extra.String() + e.Ins[end:]
		return edits, msg, nil
	}
	return nil, "", refuse("%s: cannot place %s beside %s; add it by hand", file, mesh.NativeSidecarKey, injectKey)
}

// remedyAnnotations adds the remedy's annotations to the pod template's
// metadata.annotations written in the template text (the same edit
// patchPodTemplate makes for the injection annotation), beside the
// injection label's edits; an insertion at the same place as one of them
// follows it. Annotations a helper or a values map renders are refused:
// the pod would be injected without its remedy.
func (s *session) remedyAnnotations(edits []Edit, msg, file, text string, ls []chartsource.Line, reg [2]int, kind string, rem mesh.Remedy) ([]Edit, string, error) {
	for _, k := range slices.Sorted(maps.Keys(rem.Annotations)) {
		pt, err := patchPodTemplate(file, s.display(file), text, ls, reg, kind, "annotations", k, `"`+rem.Annotations[k]+`"`)
		if err != nil {
			return nil, "", err
		}
		if pt.helper != "" || pt.valueRef != "" {
			return nil, "", refuse("%s:%d: the pod annotations come from %s, where fix does not write %s; add %s: %q under the pod template's annotations by hand, or use --inject-style annotation", s.display(file), pt.line, strings.TrimSpace(pt.helper+pt.valueRef), k, k, rem.Annotations[k])
		}
		edits = mergeEdits(edits, []Edit{pt.edit})
		msg += fmt.Sprintf(", %s under the pod template's annotations (%s:%d)", pt.entry, s.display(file), lineOf(text, pt.edit.Off))
	}
	return edits, msg, nil
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
func (s *session) injectEdits(p *chartPlan, vi int, r *resource.Resource, f finding.Finding, where string, rem mesh.Remedy) ([]Edit, string, error) {
	// The model decides whether the switch may go on (mesh.PlanInjection);
	// an opt-out is an info finding and never gets here, and this fixer
	// sets no value over one the author wrote (below).
	if _, skip := mesh.PlanInjection(s.version(), r.Index, r.Kind, r.Object, mesh.InjectOptions{Where: where}); skip != nil {
		switch skip.Cause {
		case mesh.SkipHostNetwork:
			return nil, "", refuse("a hostNetwork pod cannot run the Istio sidecar (it would intercept the node's traffic); leave it out of the mesh")
		case mesh.SkipRejected:
			return nil, "", refuse("Istio's injector rejects its annotation %s %q (%s), so the pod would never be created; fix the annotation first", skip.Key, skip.Value, skip.Detail)
		}
	}
	if rem.Refuse != "" {
		return nil, "", refuse("no sidecar added: %s", rem.Refuse)
	}
	if f.Value == "true" && where == "annotations" {
		return nil, "", refuse("its pod template already has %s %q, which Istio's webhooks do not read to opt in: label the namespace istio-injection=enabled, or use --inject-style label", injectKey, f.Value)
	}
	if f.Value != "" && f.Value != "true" {
		return nil, "", refuse("its pod template sets %s to %q; set it to \"true\" by hand if the pod belongs in the mesh", injectKey, f.Value)
	}
	if where == "annotations" {
		if d := s.annotationDecision(p, vi, r); !d.Injected {
			return nil, "", refuse("the annotation %s \"true\" would not inject it: %s; label the namespace istio-injection=enabled, or use --inject-style label", injectKey, d.Reason)
		}
	}
	chain, file, err := chartsource.TemplateFile(p.before[vi].Graph, r)
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
	ls := chartsource.ParseTemplate(text)
	reg, ok := chartsource.PickRegion(ls, r)
	if !ok {
		if m := includeRE.FindStringSubmatch(text); m != nil {
			return nil, "", refuse("%s renders the whole object with helper %q, shared by other charts; add %s there by hand, or label the namespace istio-injection=enabled", s.display(file), m[1], injectKey)
		}
		return nil, "", refuse("cannot tell which document of %s renders it; add %s by hand", s.display(file), injectKey)
	}
	value, err := s.injectValue(text, owner)
	if err != nil {
		return nil, "", err
	}
	// The remedy's annotations: beside the injection annotation (same
	// indentation and quoting), or, with the switch as a label, under the
	// pod template's annotations of the same template.
	// The init containers' runAsUser: in the same template.
	var runAs []Edit
	if len(rem.RunAsProxy) > 0 {
		inits, _ := resource.Lookup(r.Object, fieldPath(podPath(r.Kind), "spec", "initContainers"))
		l, _ := inits.([]any)
		if runAs, err = runAsProxyEdits(file, s.display(file), text, ls, reg, r.Kind, rem, len(l)); err != nil {
			return nil, "", err
		}
	}
	remedy := func(edits []Edit, entry, msg string) ([]Edit, string, error) {
		if where == "annotations" {
			edits, msg, err = withRemedy(edits, entry, msg, rem, file)
		} else {
			edits, msg, err = s.remedyAnnotations(edits, msg, file, text, ls, reg, r.Kind, rem)
		}
		if err != nil || len(runAs) == 0 {
			return edits, msg, err
		}
		for _, e := range runAs {
			msg += fmt.Sprintf(", securityContext.runAsUser: %d on an init container (%s:%d)", mesh.ProxyUID, s.display(file), lineOf(text, e.Off))
		}
		return mergeEdits(edits, runAs), msg, nil
	}
	pt, err := patchPodTemplate(file, s.display(file), text, ls, reg, r.Kind, where, injectKey, value)
	switch {
	case err != nil:
		return nil, "", err
	case pt.helper != "":
		edits, msg, err := s.viaHelper(p, chain, file, pt.line, pt.helper, where)
		if err != nil {
			return nil, "", err
		}
		return remedy(edits, injectEntry, msg)
	case pt.valueRef != "":
		edits, msg, err := s.viaValueRef(p, chain, file, pt.line, pt.valueRef, where)
		if err != nil {
			return nil, "", err
		}
		return remedy(edits, injectEntry, msg)
	}
	edits, msg, err := remedy([]Edit{pt.edit}, pt.entry, fmt.Sprintf("%s under the pod template's %s (%s:%d)", pt.entry, where, s.display(file), lineOf(text, pt.edit.Off)))
	if err != nil {
		return nil, "", err
	}
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
	comment := s.treeStyle(owner.Dir).comment
	if comment == "" {
		comment = defaultComment
	}
	e, err := insertSidecarValue(vf, s.display(vf), b, comment)
	if e == nil || err != nil {
		return nil, "", err
	}
	return e, fmt.Sprintf(", %s: true in %s", sidecarValue, s.display(vf)), nil
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
	e, err := insertInjectEntry(vf, s.display(vf), b, key, why)
	if err != nil {
		return nil, "", err
	}
	if e == nil {
		return nil, "", refuse("%s already sets %s under %s, yet the pod does not get it: a parent chart or the values given override %s", s.display(vf), injectKey, key, key)
	}
	return []Edit{*e}, fmt.Sprintf("%s under %s in %s (%s)", injectEntry, key, s.display(vf), why), nil
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
				ends := chartsource.EndRE.FindAllStringIndex(rest, -1)
				opens := chartsource.OpenRE.FindAllStringIndex(rest, -1)
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

// version is the target Istio release (validated by the CLI before a fix
// starts; the model's newest release when unset).
func (s *session) version() mesh.Version {
	v, _ := mesh.ParseVersion(s.opts.Settings.IstioVersion)
	return v
}

// annotationDecision is Istio's injection decision (internal/mesh) for r
// once its pod template carries the annotation sidecar.istio.io/inject
// "true": upstream Istio reads the annotation only to opt out, so only a
// namespace that injects (or OpenShift Service Mesh 2.x) makes it count.
func (s *session) annotationDecision(p *chartPlan, vi int, r *resource.Resource) mesh.Decision {
	set := s.opts.Settings
	v := s.version()
	nsObjects := map[string]map[string]string{}
	for _, o := range p.before[vi].Resources {
		if o.Kind == "Namespace" {
			l, _ := resource.Lookup(o.Object, "metadata.labels")
			nsObjects[o.Name] = labelSet(l)
		}
	}
	ann, _ := resource.Lookup(r.Object, fieldPath(podPath(r.Kind), "metadata", "annotations"))
	annotations := labelSet(ann)
	annotations[injectKey] = "true"
	ns := r.Namespace
	if ns == "" {
		ns = set.Namespace
	}
	return mesh.Profile{Version: v, Flavor: set.IstioFlavor, Revisions: set.Revisions}.Decide(mesh.Pod{
		Namespace:       ns,
		Labels:          podLabels(r),
		Annotations:     annotations,
		NamespaceLabels: mesh.NamespaceLabels(ns, set.Namespace, set.NamespaceLabels, nsObjects),
	})
}

// valuesSpacing tells whether text writes `{{ .Values.x }}` (true) or
// `{{.Values.x}}` (false); ok is false when it writes neither.
func valuesSpacing(text string) (spaced, ok bool) {
	sp := strings.Count(text, "{{ .Values") + strings.Count(text, "{{- .Values")
	tight := strings.Count(text, "{{.Values") + strings.Count(text, "{{-.Values")
	if sp == tight {
		return true, false
	}
	return sp > tight, true
}
