package render

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"

	"github.com/meshready/meshready/internal/resource"
)

// Lint mode renders for evaluation, not for output: it skips what lint
// does not need (Helm's manifest sorting and release bookkeeping: findings
// are sorted anyway) and replaces template functions whose cost is large and
// whose results no rule reads (scrypt-based derivePassword, RSA key and
// certificate generation, Secret data from chart files) with cheap
// deterministic stand-ins. A stand-in returns what Helm's function returns
// in type and shape (a non-empty string, a certificate whose .Cert and .Key
// are non-empty PEM text, the YAML map of the same keys), so a template
// that branches on the result takes the branch it takes under Helm:
// TestLintModeRendersWhatHelmRenders requires, on every shared OOM tree, the
// same charts to render and the same objects. `render` never uses it.

// Stand-in PEM texts: non-empty, and shaped like what Sprig returns
// (sprig v3 crypto.go: pem.EncodeToMemory of a "CERTIFICATE" or
// "RSA PRIVATE KEY" block), as Go template string literals.
const (
	standInCert = `"-----BEGIN CERTIFICATE-----\nbWVzaHJlYWR5LWxpbnQtc3RhbmQtaW4=\n-----END CERTIFICATE-----\n"`
	standInKey  = `"-----BEGIN RSA PRIVATE KEY-----\nbWVzaHJlYWR5LWxpbnQtc3RhbmQtaW4=\n-----END RSA PRIVATE KEY-----\n"`
)

// certStandIn replaces a certificate function by name, its arguments kept:
// dict "Cert" C "Key" K "meshready.args" ARGS... is a map whose .Cert and
// .Key read as Sprig's certificate struct fields do. The arguments land at
// odd positions (values) or as keys that stringify numbers and lists, so
// they can never overwrite Cert or Key.
const certStandIn = `dict "Cert" ` + standInCert + ` "Key" ` + standInKey + ` "meshready.args"`

// standIns maps an expensive template function to a cheap expression with a
// compatible call shape and a result of the same type.
var standIns = map[string]string{
	// a password string (print of the arguments: never empty)
	"derivePassword": "print",
	// a PEM private key string (its one argument, the key type, printed
	// with precision 0: not at all)
	"genPrivateKey":            `printf "-----BEGIN RSA PRIVATE KEY-----\nbWVzaHJlYWR5LWxpbnQtc3RhbmQtaW4=\n-----END RSA PRIVATE KEY-----\n%.0s"`,
	"genCA":                    certStandIn,
	"genCAWithKey":             certStandIn,
	"genSelfSignedCert":        certStandIn,
	"genSelfSignedCertWithKey": certStandIn,
	"genSignedCert":            certStandIn,
	"genSignedCertWithKey":     certStandIn,
}

var standInRE = regexp.MustCompile(`\b(derivePassword|genPrivateKey|genCA|genCAWithKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey)\b`)

// idioms are exact template phrases rewritten to cheaper ones with the same
// result. OOM's common.subChartDot deep-copies the whole template context
// (every chart file, walked byte by byte by copystructure) only to add two
// keys to it: omit already returns a fresh map, and mergeOverwrite then only
// sets the omitted Values and Chart keys on it, so nothing nested is ever
// written and the copy changes nothing but the cost, half of lint's CPU.
var idioms = []struct{ from, to []byte }{{
	from: []byte(`mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" `),
	to:   []byte(`mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" `),
}}

// asSecretsRE finds .Files.Glob(...).AsSecrets, which fills a Secret's data
// with chart files (keystores, certificates) base64-encoded, run through
// Helm's toYaml and usually tpl: a quarter of a casablanca render. No rule
// reads Secret data, so lint mode renders the same YAML map (the files'
// base names as keys, "{}" for an empty glob, as Helm's files.AsSecrets)
// with one short stand-in value for every file: asSecretsHelper.
var asSecretsRE = regexp.MustCompile(`(\([^()]*\))\.AsSecrets\b`)

// asSecretsHelper is the template lint mode adds to the top chart: Helm's
// files.AsSecrets (helm v3.22.0 pkg/engine/files.go: toYAML of base name ->
// base64 of the content) with the content left out. Helm's toYaml is that
// same toYAML.
const asSecretsHelper = `{{- define "meshready.lintStandIn.asSecrets" -}}
{{- $m := dict -}}
{{- range $k, $v := . -}}{{- $_ := set $m (base $k) "bWVzaHJlYWR5LWxpbnQtc3RhbmQtaW4=" -}}{{- end -}}
{{- toYaml $m -}}
{{- end -}}
`

// standInFile is where lint mode puts asSecretsHelper in the top chart: a
// partial, which renders nothing itself.
const standInFile = "templates/_meshready_lint_standins.tpl"

// standInPrefixes start every stand-in name (TestStandInPrefixes): five
// substring tests instead of one per name.
var standInPrefixes = [][]byte{[]byte("derivePassword"), []byte("genCA"), []byte("genPrivateKey"), []byte("genSelfSignedCert"), []byte("genSignedCert")}

// hasStandIn is a fast filter before the regular expression: most templates
// name none of the functions, and bytes.Contains is far cheaper than Match.
func hasStandIn(data []byte) bool {
	for _, p := range standInPrefixes {
		if bytes.Contains(data, p) {
			return true
		}
	}
	return false
}

// cheaper returns the lint-mode text of a template, or nil when it has
// nothing to replace.
func cheaper(data []byte) []byte {
	var out []byte
	if hasStandIn(data) && standInRE.Match(data) {
		out = standInRE.ReplaceAllFunc(data, func(b []byte) []byte {
			return []byte(standIns[string(b)])
		})
	}
	if src := orData(out, data); bytes.Contains(src, []byte(".AsSecrets")) && asSecretsRE.Match(src) {
		out = asSecretsRE.ReplaceAll(src, []byte(`(include "meshready.lintStandIn.asSecrets" ${1})`))
	}
	if r := idiomText(orData(out, data)); r != nil {
		out = r
	}
	return out
}

// orData is the text rewritten so far: out once a rewrite happened, else data.
func orData(out, data []byte) []byte {
	if out != nil {
		return out
	}
	return data
}

// rewritten caches stand-in templates per original file, so a shared chart
// such as common is rewritten once per run.
var rewritten sync.Map // *chart.File -> *chart.File

// withStandIns rewrites the templates of c and its dependencies to their
// lint-mode text and adds the stand-ins' helper template to c.
func withStandIns(c *chart.Chart) {
	standInTemplates(c)
	c.Templates = append(c.Templates, &chart.File{Name: standInFile, Data: []byte(asSecretsHelper)})
}

func standInTemplates(c *chart.Chart) {
	// The slice is the cached chart's (clones share it): write a copy.
	templates := make([]*chart.File, len(c.Templates))
	for i, f := range c.Templates {
		if v, ok := rewritten.Load(f); ok {
			templates[i] = v.(*chart.File)
			continue
		}
		nf := f
		if data := cheaper(f.Data); data != nil {
			nf = &chart.File{Name: f.Name, Data: data}
		}
		v, _ := rewritten.LoadOrStore(f, nf)
		templates[i] = v.(*chart.File)
	}
	c.Templates = templates
	for _, d := range c.Dependencies() {
		standInTemplates(d)
	}
}

// shareHelpers keeps one copy of each helper file (a partial, "_*.tpl")
// that several charts of the tree carry byte for byte, as every OOM
// component carries common, repositoryGenerator, serviceAccount and the
// rest. Helm parses every copy into one template set, where the copies all
// define the same names and the last one parsed wins; and each tpl call
// clones that whole set, which made copying it most of an umbrella's
// render. Partials are never rendered themselves, so dropping a copy
// changes nothing as long as the one Helm parses last stays: the names it
// defines then resolve to the same text, defined in the same place relative
// to every other file.
func shareHelpers(root *chart.Chart) {
	type helperCopy struct {
		c    *chart.Chart
		f    *chart.File
		name string // the template name Helm gives it
	}
	groups := map[int][]helperCopy{}
	var walk func(c *chart.Chart)
	walk = func(c *chart.Chart) {
		base := c.ChartFullPath()
		for _, f := range c.Templates {
			if f != nil && strings.HasPrefix(path.Base(f.Name), "_") {
				id := helperID(f)
				groups[id] = append(groups[id], helperCopy{c, f, path.Join(base, f.Name)})
			}
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(root)
	drop := map[*chart.Chart]map[*chart.File]bool{}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		last := 0
		for i := range g {
			if parsedLater(g[i].name, g[last].name) {
				last = i
			}
		}
		for i, hc := range g {
			if i == last {
				continue
			}
			if drop[hc.c] == nil {
				drop[hc.c] = map[*chart.File]bool{}
			}
			drop[hc.c][hc.f] = true
		}
	}
	for c, files := range drop {
		kept := make([]*chart.File, 0, len(c.Templates))
		for _, f := range c.Templates {
			if !files[f] {
				kept = append(kept, f)
			}
		}
		c.Templates = kept
	}
}

// parsedLater says whether Helm's engine parses template a after template b:
// it parses the deepest paths first, and paths of one depth in reverse
// lexical order (engine.sortTemplates).
func parsedLater(a, b string) bool {
	ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
	if ca != cb {
		return ca < cb
	}
	return a < b
}

// helperID numbers file contents: files with the same bytes get the same
// number. Files are immutable and shared between renders, so each is
// looked at once per run.
func helperID(f *chart.File) int {
	if id, ok := helperIDs.Load(f); ok {
		return id.(int)
	}
	helperMu.Lock()
	id, ok := helperByText[string(f.Data)]
	if !ok {
		id = len(helperByText)
		helperByText[string(f.Data)] = id
	}
	helperMu.Unlock()
	helperIDs.Store(f, id)
	return id
}

var (
	helperIDs    sync.Map // *chart.File -> int
	helperMu     sync.Mutex
	helperByText = map[string]int{}
)

// renderForLint renders straight through Helm's dependency processing,
// values and engine, and parses each rendered file.
func (h *Helm) renderForLint(_ context.Context, ch *chart.Chart, vals map[string]any) ([]*resource.Resource, error) {
	withStandIns(ch)
	files, err := h.renderFiles(ch, vals, shareHelpers)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n, body := range files {
		if strings.HasSuffix(n, "NOTES.txt") || strings.TrimSpace(body) == "" {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*resource.Resource
	for _, n := range names {
		rs, err := resource.Parse(n, []byte(files[n]))
		if err != nil {
			return nil, fmt.Errorf("rendered output does not parse: %w", err)
		}
		for _, r := range rs {
			r.Source = n
			r.StartLine = 0
			r.Index = len(out)
			out = append(out, r)
		}
	}
	return out, nil
}
