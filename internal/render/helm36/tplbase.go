package helm36

import (
	"regexp"
	"strings"
	"text/template"

	"github.com/pkg/errors"

	"helm.sh/helm/v3/pkg/chartutil"
)

// This file is meshready's, not Helm's: the same results as Helm v3.6.3's
// tpl for less work.
//
// Helm v3.6.3's tpl (engine.go initFunMap) renders its text with
// renderWithReferences: a fresh template set holding the text under the
// calling template's name, then every template file of the chart tree
// parsed again, in sortTemplates order, skipping the file of that name.
// Parsing every file of an umbrella on each call made OOM's so take minutes
// (the helm 3.6.3 CLI alike). tplOnBase gets the same set by cloning the
// render's own, already parsed set (every file in the same order) and
// parsing the text over the calling file's template, when that is provably
// the same set:
//   - the text defines no template ({{define}}/{{block}}), so no define of
//     its own is overridden by a file's, nor overrides one;
//   - the calling file defines none, so skipping it loses nothing and no
//     later file's define of the same name was shadowed differently;
//   - the text is not blank and holds no comment, so its parse tree is not
//     empty (text/template keeps an existing template over an empty one,
//     where Helm's fresh set had none to keep).
// Otherwise Helm v3.6.3's own path runs. Either way the text executes with
// the full function map bound to its set, a fresh include-recursion count,
// Template.Name/BasePath set on the values, "<no value>" removed and panics
// turned into errors, as renderWithReferences does.

// tplBase is one render's parsed template set.
type tplBase struct {
	t       *template.Template
	defines map[string]bool // file name -> whether it defines a template
}

// cloneBase turns tplOnBase on; tests turn it off to compare with Helm's
// own path.
var cloneBase = true

var defineRE = regexp.MustCompile(`\{\{-?\s*(define|block)\b`)

func (b *tplBase) same(name, text string, referenceTpls map[string]renderable) bool {
	if !cloneBase || b.t == nil || strings.TrimSpace(text) == "" || strings.Contains(text, "/*") || defineRE.MatchString(text) {
		return false
	}
	r, ok := referenceTpls[name]
	if !ok {
		return true
	}
	if b.defines == nil {
		b.defines = map[string]bool{}
	}
	d, seen := b.defines[name]
	if !seen {
		d = defineRE.MatchString(r.tpl)
		b.defines[name] = d
	}
	return !d
}

// tplOnBase renders tpl's text on a clone of the render's set; ok is false
// when that set would differ from Helm v3.6.3's (same) and the caller must
// take Helm's path.
func (e Engine) tplOnBase(b *tplBase, name, basePath, text string, vals chartutil.Values, referenceTpls map[string]renderable) (out string, ok bool, err error) {
	if !b.same(name, text, referenceTpls) {
		return "", false, nil
	}
	t, cerr := b.t.Clone()
	if cerr != nil {
		return "", false, nil
	}
	ok = true // from here on the result is tpl's, panics included
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("rendering template failed: %v", r)
		}
	}()
	e.initFunMap(t, referenceTpls, b)
	if _, err := t.New(name).Parse(text); err != nil {
		return "", true, cleanupParseError(name, err)
	}
	vals["Template"] = chartutil.Values{"Name": name, "BasePath": basePath}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
		return "", true, cleanupExecError(name, err)
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), true, nil
}
