package fix

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshready/meshready/internal/resource"

	"github.com/meshready/meshready/internal/chartsource"
)

// The text-transforming cores of the injection fix: text in, one edit (or
// a refusal) out, no session state. The session reads the files and picks
// the document and the value text; FuzzValuesInsert and FuzzTemplatePatch
// call these same functions. file names the file in the edit, name in
// messages.

// injectEntry is the values line that switches injection on.
const injectEntry = injectKey + `: "true"`

// insertSidecarValue plans `istioSidecar: true`, under comment, in the
// text of a values.yaml. No edit when the file already says true; a
// refusal when it says anything else or cannot be edited safely.
func insertSidecarValue(file, name string, content []byte, comment string) (*Edit, error) {
	d, err := parseValues(file, content)
	if err != nil {
		return nil, refuse("%v", err)
	}
	if v, ok := d.TopValue(sidecarValue); ok {
		if v.Kind == yaml.ScalarNode && v.Value == "true" {
			return nil, nil
		}
		return nil, refuse("%s:%d sets %s: %s, an opt-out; set it to true by hand if the chart's pods belong in the mesh", name, v.Line, sidecarValue, v.Value)
	}
	if err := d.checkTopLevel(sidecarValue + ": true"); err != nil {
		return nil, refuse("%v", err)
	}
	e := d.insertTopLevel(comment + "\n" + sidecarValue + ": true\n")
	if err := d.checkEnd(e, sidecarValue+": true"); err != nil {
		return nil, refuse("%v", err)
	}
	return &e, nil
}

// insertInjectEntry plans `sidecar.istio.io/inject: "true"` in the
// top-level map key of a values.yaml's text (with a comment saying why
// when key is new). No edit when the map has the entry already.
func insertInjectEntry(file, name string, content []byte, key, why string) (*Edit, error) {
	d, err := parseValues(file, content)
	if err != nil {
		return nil, refuse("%v", err)
	}
	if err := d.checkTopLevel(injectEntry); err != nil {
		return nil, refuse("%v", err)
	}
	e, changed, err := d.ensureEntry(key, injectKey, injectEntry, "# Istio sidecar injection ("+why+")")
	if err != nil {
		return nil, refuse("%v", err)
	}
	if !changed {
		return nil, nil
	}
	if err := d.checkEnd(e, injectEntry); err != nil {
		return nil, refuse("%v", err)
	}
	return &e, nil
}

// podPatch is how the injection switch gets into a pod template: an edit
// inserting the entry line (and `annotations:` when absent), or the
// template action that renders the block instead (line is 1-based).
type podPatch struct {
	edit  Edit
	entry string
	line  int
	// helper renders the pod metadata; valueRef renders its annotations
	// (or labels) from values.
	helper, valueRef string
}

// patchPodTemplate plans `key: value` (the injection switch
// sidecar.istio.io/inject, or the sidecar remedy's annotation) under the pod
// template's metadata.<where> (annotations or labels) of a kind, in the
// document reg of a template's text (ls = chartsource.ParseTemplate(text)), indented and
// quoted as the file does.
func patchPodTemplate(file, name, text string, ls []chartsource.Line, reg [2]int, kind, where, key, value string) (podPatch, error) {
	if i := loneCR(text); i >= 0 {
		return podPatch{}, refuse("%s:%d: %s", name, lineOf(text, i), loneCRMsg)
	}
	parent, blk := -1, chartsource.Doc(reg)
	keys := append(append([]string{}, resource.PodTemplatePath(kind)...), "metadata")
	for _, k := range keys {
		i := blk.Child(ls, k)
		if i < 0 {
			return podPatch{}, refuse("%s does not write the pod template's %s literally (a helper renders it); add %s under spec.template.metadata.%s by hand", name, strings.Join(keys, "."), key, where)
		}
		// each step must be a map: Child reads past other lines
		if j := notAMap(ls, blk.Start, blk.End, ls[i].KeyCol); j >= 0 {
			return podPatch{}, refuse("%s:%d: the pod template's %s is not written as key: value lines (%s); add %s by hand", name, j+1, strings.Join(keys[:slices.Index(keys, k)], "."), strings.TrimSpace(ls[j].Text), key)
		}
		parent, blk = i, chartsource.Value(ls, i, reg[1])
	}
	m := parent
	ml := ls[m]
	if ml.Rest != "" {
		if strings.HasPrefix(ml.Rest, "{{") {
			return podPatch{line: m + 1, helper: ml.Rest}, nil
		}
		return podPatch{}, refuse("%s:%d: the pod metadata is an inline map; write it as a block or add %s by hand", name, m+1, key)
	}
	end := blk.End
	inside := ml.Depth + ml.Delta
	childCol, step := -1, 2
	for j := m + 1; j < end; j++ {
		if ls[j].Kind == chartsource.Key {
			childCol = ls[j].KeyCol
			break
		}
	}
	if childCol < 0 {
		childCol = ml.KeyCol + 2
	}
	step = max(childCol-ml.KeyCol, 1)
	if j := notAMap(ls, m+1, end, childCol); j >= 0 {
		return podPatch{}, refuse("%s:%d: the pod metadata is not written as key: value lines (%s); add %s by hand", name, j+1, strings.TrimSpace(ls[j].Text), key)
	}
	// a helper that writes the metadata's content (unless the template
	// writes the block we need itself: a helper's podAnnotations would then
	// be a second `annotations:` key, and the last one wins)
	a := blk.Child(ls, where)
	for j := m + 1; j < end && a < 0; j++ {
		l := ls[j]
		if l.Kind != chartsource.Action || l.Depth != inside || chartsource.OpenRE.MatchString(l.Text) {
			continue
		}
		mm := includeRE.FindStringSubmatch(l.Text)
		if mm == nil {
			continue
		}
		col := l.Indent
		if mm[3] != "" {
			fmt.Sscan(mm[3], &col)
		}
		if col == childCol {
			return podPatch{line: j + 1, helper: strings.TrimSpace(l.Text)}, nil
		}
	}
	entry := key + ": " + value
	var ins Edit
	switch {
	case a >= 0:
		al := ls[a]
		if al.Depth != inside {
			return podPatch{}, refuse("%s:%d: the pod template's %s sit inside a template conditional; add %s by hand", name, a+1, where, key)
		}
		if al.Rest != "" {
			if strings.HasPrefix(al.Rest, "{{") {
				return podPatch{line: a + 1, valueRef: al.Rest}, nil
			}
			return podPatch{}, refuse("%s:%d: the pod template's %s are an inline map (%s); write them as a block or add %s by hand", name, a+1, where, al.Rest, key)
		}
		aEnd := chartsource.Value(ls, a, reg[1]).End
		entryCol, tmplCol := -1, -1
		var action string
		for j := a + 1; j < aEnd; j++ {
			if templated(ls[j]) && tmplCol < 0 {
				tmplCol = ls[j].Indent
			}
			switch {
			case ls[j].Kind == chartsource.Key && ls[j].Key == key:
				// written already, yet not rendered: under a condition or
				// for another value; a second key would be a duplicate
				return podPatch{}, refuse("%s:%d: the pod template's %s already write %s (under a template condition?); set it to \"true\" by hand", name, j+1, where, key)
			case ls[j].Kind == chartsource.Key && entryCol < 0:
				entryCol = ls[j].KeyCol
			case ls[j].Kind == chartsource.Action && action == "" && !chartsource.OpenRE.MatchString(ls[j].Text) && !chartsource.EndRE.MatchString(ls[j].Text):
				action = strings.TrimSpace(ls[j].Text)
			}
		}
		if entryCol < 0 {
			switch {
			case action != "":
				return podPatch{line: a + 1, valueRef: action}, nil
			case tmplCol > al.KeyCol:
				entryCol = tmplCol // beside the templated entries ({{ $k }}: {{ $v }})
			default:
				entryCol = al.KeyCol + step
			}
		}
		if j := notAMap(ls, a+1, aEnd, entryCol); j >= 0 {
			return podPatch{}, refuse("%s:%d: the pod template's %s are not written as key: value lines (%s); add %s by hand", name, j+1, where, strings.TrimSpace(ls[j].Text), key)
		}
		if singleQuoted(ls[a+1 : aEnd]) {
			entry = key + ": '" + strings.Trim(value, `"`) + "'"
		}
		ins = insertLines(file, text, ls, aEnd, strings.Repeat(" ", entryCol)+entry+"\n")
	default:
		if where == "labels" {
			// pods always have labels: missing ones come from somewhere else
			return podPatch{}, refuse("%s does not write the pod template's labels literally; add %s by hand", name, key)
		}
		if lab := blk.Child(ls, "labels"); lab >= 0 {
			lEnd := chartsource.Value(ls, lab, reg[1]).End
			for j := lab + 1; j < lEnd; j++ {
				if ls[j].Kind == chartsource.Key {
					step = max(ls[j].KeyCol-ls[lab].KeyCol, 1)
					break
				}
			}
		}
		pad := strings.Repeat(" ", childCol)
		ins = insertLines(file, text, ls, end, pad+"annotations:\n"+pad+strings.Repeat(" ", step)+entry+"\n")
	}
	if at := lineAt(ls, ins.Off); !sameDepth(ls, m, at) {
		return podPatch{}, refuse("%s:%d: the pod template's %s end inside a template block opened or closed within them; add %s by hand", name, lineOf(text, ins.Off), where, key)
	}
	return podPatch{edit: ins, entry: entry}, nil
}

// lineAt is the index of the line starting at off (len(ls) at the end).
func lineAt(ls []chartsource.Line, off int) int {
	for i, l := range ls {
		if l.Off >= off {
			return i
		}
	}
	return len(ls)
}

// sameDepth tells whether a line inserted before line at renders exactly
// when line m does: the template blocks between them open and close
// there, and none closes one m is in.
func sameDepth(ls []chartsource.Line, m, at int) bool {
	base := ls[m].Depth + ls[m].Delta
	for j := m + 1; j < at; j++ {
		if ls[j].Depth+ls[j].Delta < base {
			return false
		}
	}
	if at < len(ls) {
		return ls[at].Depth == base
	}
	return ls[at-1].Depth+ls[at-1].Delta == base
}

// notAMap returns the first line in [from, to) that keeps a block from
// being a map with its keys at column col (a scalar, a key left of col, a
// list item not under a key), or -1: a key line added at col would not be
// an entry.
func notAMap(ls []chartsource.Line, from, to, col int) int {
	open := false // the last key at col has its value on the lines below
	for j := from; j < to; j++ {
		l := ls[j]
		switch {
		case !l.Content():
		case l.Indent > col: // inside an entry
		case l.Indent == col && templated(l): // an entry, as far as can be told
		case l.Dash && l.Indent == col && open: // "key:\n- item" lists at the key's column
		case l.Kind == chartsource.Key && !l.Dash && l.KeyCol == col:
			open = l.Rest == "" || strings.HasPrefix(l.Rest, "#") || strings.HasPrefix(l.Rest, "&") || strings.HasPrefix(l.Rest, "!")
		default:
			return j
		}
	}
	return -1
}

// templated tells whether a content line starts with a template action
// (`{{ $key }}: {{ $value }}`): what it renders is not known here.
func templated(l chartsource.Line) bool {
	return l.Kind == chartsource.Other && strings.HasPrefix(strings.TrimSpace(l.Text), "{{")
}

// singleQuoted tells whether the existing entries quote their values with
// single quotes only (the new entry then does too).
func singleQuoted(ls []chartsource.Line) bool {
	single, double := 0, 0
	for _, l := range ls {
		if l.Kind != chartsource.Key {
			continue
		}
		switch {
		case strings.HasPrefix(l.Rest, "'"):
			single++
		case strings.HasPrefix(l.Rest, `"`):
			double++
		}
	}
	return single > 0 && double == 0
}

// insertLines inserts whole lines before line i (at the end when i is past the last).
func insertLines(file, text string, ls []chartsource.Line, i int, lines string) Edit {
	if i < len(ls) {
		return Edit{File: file, Off: ls[i].Off, Ins: lines}
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		lines = "\n" + lines
	}
	return Edit{File: file, Off: len(text), Ins: lines}
}
