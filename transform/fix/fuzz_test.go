package fix

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml2 "go.yaml.in/yaml/v2"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"

	"github.com/meshready/meshready/internal/chartsource"
)

// The two fuzz targets drive the text cores of the injection fix
// (patch.go) with arbitrary text and check what an edit must keep: it
// only inserts (the original bytes come back when the inserted ones are
// cut out, CRLF and comments included), it keeps a CRLF file CRLF, it
// puts the switch where Helm (values) or the pod template (templates)
// reads it, and a second run does not insert again. A refusal is an error
// with a message and no edit. Crashers land in testdata/fuzz/<target>.

// FuzzValuesInsert: istioSidecar: true (insertSidecarValue) and the
// podAnnotations entry (insertInjectEntry) in any values.yaml text.
func FuzzValuesInsert(f *testing.F) {
	for _, b := range seedFiles(f, func(p string) bool { return filepath.Base(p) == "values.yaml" }) {
		f.Add(b)
	}
	for _, s := range hostileValues {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSidecarValue(t, data)
		checkInjectEntry(t, data)
	})
}

// hostileValues are the shapes a byte-level editor gets wrong.
var hostileValues = []string{
	"",
	"image: x:1\npullPolicy: Always", // no trailing newline
	"image: x:1\r\npullPolicy: Always\r\n\r\n# svc\r\nservice:\r\n  type: ClusterIP\r\n", // CRLF
	"podAnnotations:\r\nimage: x\r\n",                                  // CRLF, null map
	"podAnnotations: {}\r\nimage: x\r\n",                               // CRLF, empty flow map
	"image:\tx\nservice:\n  type:\tClusterIP\n",                        // tabs after the colon
	"{image: x, pullPolicy: Always}\n",                                 // flow root
	"podAnnotations: {a: b}\nimage: x\n",                               // flow map
	"base: &b\n  image: x\nimage: *b\nreplicaCount: &r 1\nother: *r\n", // anchors and aliases
	"podAnnotations: &p\n  a: b\nother: *p\n",                          // anchored map
	"image: x\n---\nother: 1\n",                                        // two documents
	"image: x\n...\n",                                                  // document end
	"---\nimage: x\n",                                                  // leading separator
	"\ufeffimage: x\npullPolicy: Always\n",                             // BOM
	"  image: x\n  tag: 1\n",                                           // indented root
	"# only a comment\n",                                               // comment only
	"~\n",                                                              // null root
	"istioSidecar: false\n",                                            // opt-out
	"istioSidecar: true\npodAnnotations:\n  sidecar.istio.io/inject: \"true\"\n", // done already
	"image: \"x\n#y\"\nother: 1\n",                                              // comment-like line in a quoted scalar
	"config: |\n  a\n\n  b\nimage: x # tag\n\n\n# trailing\n",                   // block scalar, trailing comment
	"podAnnotations: ~ # none\nimage: x\n",                                      // null with a comment
	"podAnnotations: !!null\nimage: x\n",                                        // tagged null
	"- a\n- b\n",                                                                // a list
	"service:\n  type: ClusterIP\n# the config\nconfig: |\n  [mysqld]\n  a = 1", // ends in a block value without a newline (as oof-cmso)
}

// checkSidecarValue: istioSidecar: true goes in as whole lines with its
// comment, Helm reads it (and every other value unchanged), and a second
// run finds it there.
func checkSidecarValue(t *testing.T, in []byte) {
	t.Helper()
	e, err := insertSidecarValue("values.yaml", "values.yaml", in, defaultComment)
	before, helmErr := helmValues(in)
	if err != nil {
		checkRefusal(t, "istioSidecar", e != nil, err)
		return
	}
	if e == nil {
		if helmErr == nil && before[sidecarValue] != true {
			t.Fatalf("istioSidecar: no edit as if it were on, but Helm reads %s: %#v", sidecarValue, before[sidecarValue])
		}
		return
	}
	if e.Del != 0 {
		t.Fatalf("istioSidecar: the edit deletes %q, it may only insert", in[e.Off:e.Off+e.Del])
	}
	out, ins := checkInsertion(t, "istioSidecar", in, *e)
	if e.Off != 0 && e.Off != len(in) && in[e.Off-1] != '\n' {
		t.Fatalf("istioSidecar: inserted in the middle of line %d", lineOf(string(in), e.Off))
	}
	if !sidecarLines.MatchString(strings.ReplaceAll(ins, "\r\n", "\n")) {
		t.Fatalf("istioSidecar: inserted %q, not the comment and the key on lines of their own", ins)
	}
	if helmErr == nil {
		after, err := helmValues(out)
		if err != nil {
			t.Fatalf("istioSidecar: the input parses, the output does not: %v\n%s", err, out)
		}
		if after[sidecarValue] != true {
			t.Fatalf("istioSidecar: Helm reads %#v after the edit\n%s", after[sidecarValue], out)
		}
		delete(after, sidecarValue)
		if d := cmp.Diff(map[string]any(before), map[string]any(after)); d != "" {
			t.Fatalf("istioSidecar: the other values changed (-before +after):\n%s\n%s", d, out)
		}
	}
	e2, err := insertSidecarValue("values.yaml", "values.yaml", out, defaultComment)
	if e2 != nil || err != nil {
		t.Fatalf("istioSidecar: a second run gives %v, %v; want nothing to do\n%s", e2, err, out)
	}
}

var sidecarLines = regexp.MustCompile(`(^|\n)[ ]*` + regexp.QuoteMeta(defaultComment) + `\n[ ]*istioSidecar: true\n\n?$`)

// checkInjectEntry: the entry lands in the top-level podAnnotations map
// (made when absent, filled when empty), Helm reads it and every other
// value unchanged, and a second run finds it there.
func checkInjectEntry(t *testing.T, in []byte) {
	t.Helper()
	e, err := insertInjectEntry("values.yaml", "values.yaml", in, podAnnotations, "fuzz")
	before, helmErr := helmValues(in)
	if err != nil {
		checkRefusal(t, "podAnnotations", e != nil, err)
		return
	}
	if e == nil {
		// the key is there (the session refuses when its value does not reach the pod)
		if m, _ := before[podAnnotations].(map[string]any); helmErr == nil && !hasKey(m, injectKey) {
			t.Fatalf("podAnnotations: no edit as if the entry were there, but Helm reads %#v", before[podAnnotations])
		}
		return
	}
	if e.Del != 0 {
		// the one replacement: an empty value ({}, null) becomes a block
		if del := string(in[e.Off : e.Off+e.Del]); !emptyValue.MatchString(del) {
			t.Fatalf("podAnnotations: the edit deletes %q, it may only insert (or replace an empty value)", del)
		}
	}
	out, ins := checkInsertion(t, "podAnnotations", in, *e)
	if !strings.Contains(ins, injectEntry) {
		t.Fatalf("podAnnotations: inserted %q, without %s", ins, injectEntry)
	}
	if helmErr == nil {
		after, err := helmValues(out)
		if err != nil {
			t.Fatalf("podAnnotations: the input parses, the output does not: %v\n%s", err, out)
		}
		if got := annotation(after); got != "true" {
			t.Fatalf("podAnnotations: Helm reads %s as %#v after the edit\n%s", injectKey, got, out)
		}
		m := after[podAnnotations].(map[string]any) // annotation() found the entry in it
		delete(m, injectKey)
		// an absent, null or empty map may become the one-entry map
		was, ok := before[podAnnotations]
		wasMap, isMap := was.(map[string]any)
		switch {
		case !ok && len(m) == 0:
			delete(after, podAnnotations)
		case len(m) == 0 && (was == nil || isMap && len(wasMap) == 0):
			after[podAnnotations] = was
		}
		if d := cmp.Diff(map[string]any(before), map[string]any(after)); d != "" {
			t.Fatalf("podAnnotations: the other values changed (-before +after):\n%s\n%s", d, out)
		}
	}
	e2, err := insertInjectEntry("values.yaml", "values.yaml", out, podAnnotations, "fuzz")
	if e2 != nil || err != nil {
		t.Fatalf("podAnnotations: a second run gives %v, %v; want nothing to do\n%s", e2, err, out)
	}
}

var emptyValue = regexp.MustCompile(`^[ ]*(\{\}|~|null|Null|NULL)$`)

// helmValues reads values as Helm does. Values whose map keys collide as
// JSON keys (0 and "0", 1 and 001) count as unreadable: Helm's YAML to
// JSON step keeps one of them at random, so no comparison can hold.
func helmValues(b []byte) (chartutil.Values, error) {
	var raw any
	if err := yaml2.Unmarshal(b, &raw); err == nil && collidingKeys(raw) {
		return nil, errors.New("map keys collide as JSON keys")
	}
	return chartutil.ReadValues(b)
}

// collidingKeys looks for two keys of one map that sigs.k8s.io/yaml (the
// YAML to JSON step under chartutil.ReadValues) turns into one string;
// yaml v2 is the parser it uses, with its YAML 1.1 key types.
func collidingKeys(v any) bool {
	switch m := v.(type) {
	case map[any]any:
		seen := map[string]bool{}
		for k, x := range m {
			var s string
			switch k := k.(type) {
			case string:
				s = k
			case int:
				s = strconv.Itoa(k)
			case int64:
				s = strconv.FormatInt(k, 10)
			case float64:
				s = strconv.FormatFloat(k, 'g', -1, 32)
			case bool:
				s = strconv.FormatBool(k)
			default:
				return true // Helm refuses it; nothing to compare
			}
			if seen[s] || collidingKeys(x) {
				return true
			}
			seen[s] = true
		}
	case []any:
		for _, x := range m {
			if collidingKeys(x) {
				return true
			}
		}
	}
	return false
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// annotation is the inject annotation as Helm reads it from values.
func annotation(vals chartutil.Values) any {
	m, _ := vals[podAnnotations].(map[string]any)
	return m[injectKey]
}

// checkInsertion applies e the way the fixer does and checks that the
// output is the input with the inserted text spliced in, in the file's
// line ends. It returns the output and the inserted text.
func checkInsertion(t *testing.T, what string, in []byte, e Edit) ([]byte, string) {
	t.Helper()
	if e.File != "values.yaml" && e.File != "templates/x.yaml" || e.Off < 0 || e.Del < 0 || e.Off+e.Del > len(in) || e.Ins == "" {
		t.Fatalf("%s: a malformed edit %v for %d bytes", what, e, len(in))
	}
	out, err := applyEdits(in, []Edit{e})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	n := len(out) - len(in) + e.Del
	if n <= 0 {
		t.Fatalf("%s: the edit %v inserts nothing", what, e)
	}
	ins := string(out[e.Off : e.Off+n])
	var back []byte
	back = append(back, out[:e.Off]...)
	back = append(back, in[e.Off:e.Off+e.Del]...)
	back = append(back, out[e.Off+n:]...)
	if !bytes.Equal(back, in) {
		t.Fatalf("%s: cutting out the inserted %q does not give back the input\nin:  %q\nout: %q", what, ins, in, out)
	}
	if !strings.HasSuffix(ins, "\n") && !strings.HasPrefix(ins, "\n") && !strings.HasPrefix(ins, "\r\n") {
		t.Fatalf("%s: inserted %q, not whole lines", what, ins)
	}
	if bytes.Contains(in, []byte("\r\n")) {
		if strings.Count(ins, "\n") != strings.Count(ins, "\r\n") {
			t.Fatalf("%s: inserted %q with LF line ends into a CRLF file", what, ins)
		}
	} else if strings.Contains(ins, "\r") {
		t.Fatalf("%s: inserted %q with CR into an LF file", what, ins)
	}
	if bareCR(out) != bareCR(in) {
		t.Fatalf("%s: the output has %d lone CRs, the input %d\n%q", what, bareCR(out), bareCR(in), out)
	}
	return out, ins
}

func bareCR(b []byte) int { return bytes.Count(b, []byte("\r")) - bytes.Count(b, []byte("\r\n")) }

// checkRefusal: a refusal is an error with a message and no edit.
func checkRefusal(t *testing.T, what string, edit bool, err error) {
	t.Helper()
	var r *refusal
	switch {
	case edit:
		t.Fatalf("%s: an edit together with the error %v", what, err)
	case !errors.As(err, &r):
		t.Fatalf("%s: %T %v is not a refusal", what, err, err)
	case strings.TrimSpace(err.Error()) == "":
		t.Fatalf("%s: a refusal without a message", what)
	}
}

// templateKinds are the pod template shapes: spec.template, the CronJob's
// nesting, a bare Pod.
var templateKinds = []string{"Deployment", "CronJob", "Pod"}

const fuzzInjectValue = `"{{ .Values.istioSidecar }}"`

// FuzzTemplatePatch: the injection annotation (or label) in any template
// text, in every document of it, for each pod template shape.
func FuzzTemplatePatch(f *testing.F) {
	for _, b := range seedFiles(f, func(p string) bool {
		return filepath.Base(filepath.Dir(p)) == "templates" && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".tpl"))
	}) {
		kind := uint8(0)
		switch {
		case bytes.Contains(b, []byte("kind: CronJob")):
			kind = 1
		case bytes.Contains(b, []byte("kind: Pod\n")):
			kind = 2
		}
		f.Add(b, kind, false)
		f.Add(b, kind, true)
	}
	for _, s := range hostileTemplates {
		for k := range templateKinds {
			f.Add([]byte(s), uint8(k), false)
		}
		f.Add([]byte(s), uint8(0), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8, label bool) {
		k := templateKinds[int(kind)%len(templateKinds)]
		where := "annotations"
		if label {
			where = "labels"
		}
		text := string(data)
		ls := chartsource.ParseTemplate(text)
		for ri, reg := range chartsource.Regions(ls) {
			if ri == 8 {
				break // enough documents; the rest behave the same
			}
			checkPodPatch(t, text, ls, ri, reg, k, where)
		}
	})
}

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n      containers:\n        - name: x\n"

var hostileTemplates = []string{
	"",
	deployment,
	strings.TrimSuffix(strings.ReplaceAll(deployment, "    spec:\n      containers:\n        - name: x\n", ""), "\n"), // no trailing newline
	strings.ReplaceAll(deployment, "\n", "\r\n"), // CRLF
	strings.Replace(deployment, "        app: x\n", "        app: x\n\tbad: tab\n", 1),
	strings.Replace(deployment, "      labels:\n        app: x\n", "      labels: {app: x}\n      annotations: {a: b}\n", 1),                              // flow maps
	strings.Replace(deployment, "    metadata:\n", "    metadata: &m\n", 1) + "other: *m\n",                                                               // anchor
	deployment + "---\n" + deployment,                                                                                                                     // two documents
	"\ufeff" + deployment,                                                                                                                                 // BOM
	strings.Replace(deployment, "        app: x\n", "        app: x\n      annotations:\n        a: 'b'\n", 1),                                            // single quotes
	strings.Replace(deployment, "        app: x\n", "        app: x\n      {{- if .Values.a }}\n      annotations:\n        a: b\n      {{- end }}\n", 1), // conditional block
	strings.Replace(deployment, "        app: x\n", "        app: x\n      annotations:\n        {{- if .Values.a }}\n        sidecar.istio.io/inject: \"false\"\n        {{- end }}\n", 1), // conditional opt-out
	strings.Replace(deployment, "        app: x\n", "        app: x\n      annotations:\n        {{- toYaml .Values.podAnnotations | nindent 8 }}\n", 1),
	strings.Replace(deployment, "      labels:\n        app: x\n", "      {{- include \"common.templateMetadata\" . | nindent 6 }}\n", 1),
	strings.Replace(deployment, "        app: x\n", "        app: x\n      # {{- if .Values.a }}\n      annotations:\n        a: b\n      # {{- end }}\n", 1), // actions run in YAML comments too
	"kind: Pod\nmetadata:\n  name: p\n  labels:\n    app: p\nspec:\n  containers: []\n",
	"kind: Pod\nmetadata:\n  name: p\n{{/*\nmetadata:\n*/}}\n",
	"kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n        spec: {}\n",
	"- metadata:\n  labels:\n    a: b\n",
}

// checkPodPatch checks one planned template patch: a refusal has a
// message, a hand-over names its line, and an edit inserts whole lines
// holding the entry under the pod template's metadata.<where>, deeper than
// `metadata:`, outside any template block the metadata is not in; a second
// run on its output refuses.
func checkPodPatch(t *testing.T, text string, ls []chartsource.Line, ri int, reg [2]int, kind, where string) {
	t.Helper()
	what := kind + " " + where
	pt, err := patchPodTemplate("templates/x.yaml", "x.yaml", text, ls, reg, kind, where, injectKey, fuzzInjectValue)
	if err != nil {
		checkRefusal(t, what, pt != (podPatch{}), err)
		return
	}
	if pt.helper != "" || pt.valueRef != "" {
		// it names the line of the action, or the annotations (labels)
		// line whose block holds it
		action := pt.helper + pt.valueRef
		ok := pt.edit == (Edit{}) && (pt.helper == "" || pt.valueRef == "") && pt.line >= 1 && pt.line <= len(ls)
		if ok && !strings.Contains(ls[pt.line-1].Text, action) {
			ok = pt.valueRef != "" && ls[pt.line-1].Key == where && strings.Contains(text[ls[pt.line-1].Off:], action)
		}
		if !ok {
			t.Fatalf("%s: a hand-over %+v that does not name its line", what, pt)
		}
		return
	}
	e := pt.edit
	if e.Del != 0 {
		t.Fatalf("%s: the edit deletes %q, it may only insert", what, text[e.Off:e.Off+e.Del])
	}
	in := []byte(text)
	out, ins := checkInsertion(t, what, in, e)
	if e.Off != 0 && e.Off != len(in) && in[e.Off-1] != '\n' {
		t.Fatalf("%s: inserted in the middle of line %d", what, lineOf(text, e.Off))
	}
	if !strings.HasSuffix(ins, "\n") {
		t.Fatalf("%s: inserted %q, not whole lines", what, ins)
	}
	// the original lines, in order, with the inserted ones cut out
	outLines := strings.SplitAfter(string(out), "\n")
	first := strings.Count(string(out[:e.Off]), "\n") // index of the first inserted line
	if e.Off == len(in) && len(in) > 0 && in[len(in)-1] != '\n' {
		first++ // the insertion ends the last line first
	}
	nIns := strings.Count(ins, "\n")
	if e.Off == len(in) && len(in) > 0 && in[len(in)-1] != '\n' {
		nIns--
	}
	kept := slices.Concat(outLines[:first], outLines[first+nIns:])
	if got := strings.Join(kept, ""); strings.TrimRight(got, "\r\n") != strings.TrimRight(text, "\r\n") {
		t.Fatalf("%s: the original lines are not all kept\nin:  %q\nout: %q", what, text, out)
	}
	entryAt := -1
	for i := first; i < first+nIns; i++ {
		if strings.TrimSpace(outLines[i]) == pt.entry {
			entryAt = i
		}
	}
	if entryAt < 0 {
		t.Fatalf("%s: inserted %q, no line of it is %q", what, ins, pt.entry)
	}
	lines := make([]string, len(outLines))
	for i, l := range outLines {
		lines[i] = strings.TrimRight(l, "\r\n")
	}
	comments := templateComments(lines)
	up := holders(lines, comments, entryAt)
	want := []string{where, "metadata"}
	podKeys := resource.PodTemplatePath(kind)
	for i := len(podKeys) - 1; i >= 0; i-- {
		want = append(want, podKeys[i])
	}
	if len(up) < len(want) || !slices.Equal(keysOf(up[:len(want)]), want) {
		t.Fatalf("%s: the entry at line %d sits under %v, not %v\n%s", what, entryAt+1, keysOf(up), want, out)
	}
	meta := up[1]
	if meta.line >= first {
		t.Fatalf("%s: the entry's metadata is an inserted line", what)
	}
	if col := keyColumn(lines[entryAt]); col <= meta.col {
		t.Fatalf("%s: the entry is at column %d, not deeper than metadata: at %d", what, col, meta.col)
	}
	// the entry renders whenever the metadata does: every template block
	// opened between them is closed between them
	depth := 0
	for i := meta.line + 1; i < entryAt; i++ {
		if comments[i] {
			continue
		}
		depth += len(chartsource.OpenRE.FindAllString(lines[i], -1)) - len(chartsource.EndRE.FindAllString(lines[i], -1))
		if depth < 0 {
			t.Fatalf("%s: the entry at line %d is outside the template block the metadata (line %d) is in\n%s", what, entryAt+1, meta.line+1, out)
		}
	}
	if depth != 0 {
		t.Fatalf("%s: the entry at line %d is inside a template block opened after the metadata (line %d)\n%s", what, entryAt+1, meta.line+1, out)
	}
	// a second run refuses: the entry is there
	ls2 := chartsource.ParseTemplate(string(out))
	regs2 := chartsource.Regions(ls2)
	if len(regs2) != len(chartsource.Regions(ls)) {
		t.Fatalf("%s: the edit changed the documents of the template", what)
	}
	pt2, err := patchPodTemplate("templates/x.yaml", "x.yaml", string(out), ls2, regs2[ri], kind, where, injectKey, fuzzInjectValue)
	if err == nil {
		t.Fatalf("%s: a second run gives %+v; want a refusal\n%s", what, pt2, out)
	}
	checkRefusal(t, what, pt2 != (podPatch{}), err)
}

// holder is a line that holds another by indentation.
type holder struct {
	line, col int
	key       string
}

func keysOf(hs []holder) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.key)
	}
	return out
}

// templateComments marks the lines of {{/* */}} comments.
func templateComments(lines []string) map[int]bool {
	out := map[int]bool{}
	in := false
	for j, l := range lines {
		t := strings.TrimSpace(l)
		if !in && (strings.HasPrefix(t, "{{/*") || strings.HasPrefix(t, "{{- /*")) {
			in = true
		}
		if in {
			out[j] = true
			if strings.Contains(t, "*/") {
				in = false
			}
		}
	}
	return out
}

// holders walks up from line i to the lines holding it by indentation,
// nearest first, as YAML reads the block structure: blank, comment and
// template-action-only lines do not count, a "---" line ends the walk.
// It is independent of parseLines on purpose.
func holders(lines []string, comments map[int]bool, i int) []holder {
	var out []holder
	col := keyColumn(lines[i])
	for j := i - 1; j >= 0 && col > 0; j-- {
		l := lines[j]
		if strings.HasPrefix(l, "---") {
			break
		}
		t := strings.TrimSpace(l)
		if comments[j] || t == "" || strings.HasPrefix(t, "#") || strings.TrimSpace(actionRE.ReplaceAllString(t, "")) == "" {
			continue
		}
		if c := keyColumn(l); c < col {
			out = append(out, holder{line: j, col: c, key: keyText(l)})
			col = c
		}
	}
	return out
}

var actionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// keyColumn is where a line's key starts (after any "- ").
func keyColumn(l string) int {
	t := strings.TrimLeft(l, " ")
	c := len(l) - len(t)
	for strings.HasPrefix(t, "- ") {
		t2 := strings.TrimLeft(t[2:], " ")
		c += len(t) - len(t2)
		t = t2
	}
	return c
}

// keyText is a line's key, unquoted ("" when it has none).
func keyText(l string) string {
	t := l[keyColumn(l):]
	k, _, ok := strings.Cut(t, ":")
	if !ok {
		return ""
	}
	return strings.Trim(k, `"'`)
}

// TestPatchPropertiesOnOOM holds the fuzz properties on the real OOM
// trees (read-only), and checks that the refusals added for malformed
// text leave real charts alone: no values.yaml is refused but for an
// istioSidecar opt-out, no template for not being a map.
func TestPatchPropertiesOnOOM(t *testing.T) {
	root := testutil.OOM(t)
	var values, templates int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		isValues := d.Name() == "values.yaml"
		isTemplate := filepath.Base(filepath.Dir(p)) == "templates" && strings.HasSuffix(p, ".yaml")
		if !isValues && !isTemplate {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if isValues {
			values++
			t.Run(rel, func(t *testing.T) {
				checkSidecarValue(t, b)
				checkInjectEntry(t, b)
				if _, err := insertSidecarValue(p, rel, b, defaultComment); err != nil && !strings.Contains(err.Error(), "an opt-out") {
					t.Errorf("refused: %v", err)
				}
			})
			return nil
		}
		for _, k := range []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"} {
			if bytes.Contains(b, []byte("kind: "+k+"\n")) {
				templates++
				t.Run(rel, func(t *testing.T) {
					text := string(b)
					ls := chartsource.ParseTemplate(text)
					for ri, reg := range chartsource.Regions(ls) {
						checkPodPatch(t, text, ls, ri, reg, k, "annotations")
						checkPodPatch(t, text, ls, ri, reg, k, "labels")
						// the guards against malformed text leave real charts alone
						_, err := patchPodTemplate(p, rel, text, ls, reg, k, "annotations", injectKey, fuzzInjectValue)
						if err != nil && (strings.Contains(err.Error(), "not written as key: value lines") || strings.Contains(err.Error(), "inside a template block opened or closed")) {
							t.Errorf("refused: %v", err)
						}
					}
				})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d values files, %d workload templates", values, templates)
}

// seedFiles reads the real material: the fixer's test charts and the
// repository's charts-fixtures.
func seedFiles(f *testing.F, want func(string) bool) [][]byte {
	f.Helper()
	root := testutil.RepoRoot(f)
	var out [][]byte
	for _, dir := range []string{filepath.Join(root, "transform", "fix", "testdata"), filepath.Join(root, "charts-fixtures")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "fuzz" || d.Name() == "golden") {
				return filepath.SkipDir
			}
			if d.IsDir() || !want(p) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, b)
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	if len(out) == 0 {
		f.Fatal("no seed files found")
	}
	return out
}
