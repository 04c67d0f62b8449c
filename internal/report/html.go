package report

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/textsafe"
)

func init() {
	register("html", Needs{BaselineAware: true}, func(o Options) Formatter { return htmlFormat{opts: o} })
}

// htmlFormat writes one self-contained HTML page (inline CSS and JS, no
// network: a Content-Security-Policy forbids every fetch) for people who
// plan the mesh migration: a readiness score per chart and for the tree, a
// charts × rule families matrix, and per chart the findings with the source
// lines to edit. Rows are rendered here and a small script filters them by
// toggling the hidden attribute, so the page works (unfiltered) without JS
// and the filtered state is visible in the DOM.
type htmlFormat struct{ opts Options }

//go:embed htmlassets
var htmlAssets embed.FS

// htmlAssetsParsed reads and parses the page's assets on first use, not
// at start-up: every run of the binary would pay for them otherwise.
var htmlAssetsParsed = sync.OnceValue(func() (a struct {
	css, js, scriptCSP string
	tmpl               *template.Template
}) {
	a.css = mustAsset("htmlassets/report.css")
	a.js = mustAsset("htmlassets/report.js")
	a.tmpl = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"plural": textsafe.Count,
		"upper":  strings.ToUpper,
	}).Parse(mustAsset("htmlassets/report.html.tmpl")))
	// The CSP allows exactly our inline script: anything injected despite
	// the escaping would still not run.
	sum := sha256.Sum256([]byte(a.js))
	a.scriptCSP = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	return a
})

func mustAsset(name string) string {
	b, err := htmlAssets.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return string(b)
}

const (
	// Snippets show this many lines either side of the finding's line.
	snippetContext = 2
	// snippetLineMax cuts long lines (minified JSON in values files).
	snippetLineMax = 240
	// snippetBudget caps the bytes of source quoted in one report, so a
	// huge tree still gives a page a browser opens quickly.
	snippetBudget = 512 << 10
)

// Readiness score, shown and explained in the page (keep scoreFormula in
// step). Every error finding takes 10% off what is left of a chart's score
// and every warning 3%; info findings cost nothing:
//
//	chart score = round(100 × 0.90^errors × 0.97^warnings)
//
// so a clean chart scores 100, the score never goes negative, and each
// extra problem still lowers it. Findings rather than resources are counted
// because a report does not know how many resources each chart rendered. A
// chart that failed to render scores 0: nothing in it could be checked. The
// tree score is the mean of the scores of every chart linted, clean ones
// included.
const (
	errorKeep    = 0.90
	warningKeep  = 0.97
	scoreFormula = "chart score = round(100 × 0.90^errors × 0.97^warnings): each error finding takes 10% off what is left of the chart's score and each warning 3%; info findings cost nothing. A chart with no findings scores 100; a chart that failed to render scores 0, since nothing in it could be checked. The tree score is the mean of the scores of every chart linted, clean charts included."
)

func chartScore(errors, warnings int, failed bool) float64 {
	if failed {
		return 0
	}
	return 100 * math.Pow(errorKeep, float64(errors)) * math.Pow(warningKeep, float64(warnings))
}

// otherFamily groups the rules that name no family.
const otherFamily = "other"

// htmlFamilies orders and titles the families of a report: those its
// policies declare (Report.Families, from their METADATA) first, in their
// order; then families only rules name, sorted, titled by their id; then
// "other".
type htmlFamilies []finding.Family

func (fs htmlFamilies) order(set map[string]bool) []string {
	var out, rest []string
	for _, f := range fs {
		if set[f.ID] {
			out = append(out, f.ID)
		}
	}
	for f := range set {
		if !slices.ContainsFunc(fs, func(d finding.Family) bool { return d.ID == f }) && f != otherFamily {
			rest = append(rest, f)
		}
	}
	slices.Sort(rest)
	out = append(out, rest...)
	if set[otherFamily] {
		out = append(out, otherFamily)
	}
	return out
}

func (fs htmlFamilies) title(id string) string {
	for _, f := range fs {
		if f.ID == id {
			return f.Title
		}
	}
	if id == otherFamily {
		return "Other"
	}
	return id
}

// htmlPage is what the template renders.
type htmlPage struct {
	CSS           template.CSS
	JS            template.JS
	ScriptCSP     string
	Version       string
	SummaryLine   string
	Summary       finding.Summary
	HasScore      bool
	Score         int
	Formula       string
	ChartsLinted  int // named and unnamed charts, failed ones included
	ChartsReady   int // charts with no error or warning
	Unnamed       int // clean charts the report cannot name (Options.Charts unset)
	Families      []htmlFamily
	Charts        []*htmlChart
	Failed        []*htmlChart
	Total         int // current findings
	SevOptions    []htmlOption
	RuleGroups    []htmlRuleGroup
	Baseline      *htmlBaseline
	SnippetsLeft  int // snippets left out once the budget was spent
	SnippetBudget string
	SummaryJSON   template.JS
}

type htmlFamily struct {
	ID, Title, Href string
	Count           int
}

type htmlOption struct {
	Value, Label string
}

type htmlRuleGroup struct {
	Title string
	Rules []htmlOption
}

type htmlBaseline struct {
	New, Known int
	Fixed      []htmlFinding
}

type htmlChart struct {
	Name     string
	ID       string
	Href     string
	Score    int
	Failed   bool
	Errors   []finding.ChartError
	Findings []htmlFinding
	Cells    []htmlCell
	sevCounts
	New int
}

type sevCounts struct{ Error, Warning, Info, Other int }

func (c *sevCounts) add(s finding.Severity) {
	switch s {
	case finding.Error:
		c.Error++
	case finding.Warning:
		c.Warning++
	case finding.Info:
		c.Info++
	default:
		c.Other++
	}
}

// Worst is the CSS class suffix and label of the most severe count.
func (c sevCounts) Worst() string {
	switch {
	case c.Error > 0:
		return "error"
	case c.Warning > 0:
		return "warning"
	case c.Info > 0:
		return "info"
	case c.Other > 0:
		return "other"
	}
	return "ok"
}

// Total counts every severity.
func (c sevCounts) Total() int { return c.Error + c.Warning + c.Info + c.Other }

// Parts are the non-zero counts, most severe first, as "ERROR 3".
func (c sevCounts) Parts() []htmlBadge {
	var out []htmlBadge
	for _, p := range []struct {
		sev string
		n   int
	}{{"error", c.Error}, {"warning", c.Warning}, {"info", c.Info}, {"other", c.Other}} {
		if p.n > 0 {
			out = append(out, htmlBadge{Sev: p.sev, Text: fmt.Sprintf("%s %d", strings.ToUpper(p.sev), p.n)})
		}
	}
	return out
}

// Spoken is the counts in words, for labels.
func (c sevCounts) Spoken() string {
	var parts []string
	for _, p := range []struct {
		n         int
		one, many string
	}{{c.Error, "error", "errors"}, {c.Warning, "warning", "warnings"}, {c.Info, "info", "infos"}, {c.Other, "other finding", "other findings"}} {
		if p.n > 0 {
			parts = append(parts, textsafe.Count(p.n, p.one, p.many))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

type htmlBadge struct{ Sev, Text string }

type htmlCell struct {
	Family string
	Href   string
	Label  string
	sevCounts
}

type htmlFinding struct {
	finding.Finding
	Sev       string // error, warning, info or other: the CSS class and filter value
	Family    string
	RuleTitle string
	Status    string // new, known, fixed; "" outside comparison mode
	Where     string
	Snippet   *htmlSnippet
	Note      string // why there is no snippet
	FixView   *htmlFix
}

type htmlSnippet struct {
	Label string
	Lines []htmlLine
}

type htmlLine struct {
	N      int
	Text   string
	Target bool
}

type htmlFix struct {
	Description   string
	Where         string
	Old, New      string
	Before, After string // the whole line, when the fix was found on it
	Stale         bool   // the file no longer has Old on that line
}

func (h htmlFormat) Format(w io.Writer, r *finding.Report) error {
	page, err := buildHTMLPage(h.opts, r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := htmlAssetsParsed().tmpl.Execute(&b, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

func sevClass(s finding.Severity) string {
	if s.Rank() > 0 {
		return string(s)
	}
	return "other"
}

func buildHTMLPage(o Options, r *finding.Report) (*htmlPage, error) {
	assets := htmlAssetsParsed()
	rules := map[string]finding.Rule{}
	for _, ru := range r.Rules {
		rules[ru.ID] = ru
	}
	familyOf := func(rule string) string {
		if f := rules[rule].Family; f != "" {
			return f
		}
		return otherFamily
	}
	var fixed []finding.Finding
	if o.Baseline != nil {
		fixed = slices.Clone(o.Baseline.Fixed)
		(&finding.Report{Findings: fixed}).Sort()
	}

	// Families: those of the rules that ran and of every finding.
	famSet := map[string]bool{}
	for _, ru := range r.Rules {
		famSet[cmp.Or(ru.Family, otherFamily)] = true
	}
	for _, f := range slices.Concat(r.Findings, fixed) {
		famSet[familyOf(f.Rule)] = true
	}
	fams := htmlFamilies(r.Families)
	famIDs := fams.order(famSet)

	charts := map[string]*htmlChart{}
	chart := func(name string) *htmlChart {
		c, ok := charts[name]
		if !ok {
			c = &htmlChart{Name: name}
			charts[name] = c
		}
		return c
	}
	for _, n := range o.Charts {
		chart(n)
	}
	for _, e := range r.Errors {
		c := chart(e.Chart)
		c.Failed = true
		c.Errors = append(c.Errors, e)
	}

	src := &snippetSource{loc: newFixLocator(newPathMapper(o), o.Sources), budget: snippetBudget}
	view := func(f finding.Finding, status string) htmlFinding {
		v := htmlFinding{
			Finding: f, Sev: sevClass(f.Severity), Family: familyOf(f.Rule), RuleTitle: rules[f.Rule].Title,
			Status: status, Where: location(f.File, f.Line),
		}
		if status != "fixed" { // the line has changed since: quoting it would mislead
			v.Snippet, v.Note = src.snippet(f.File, f.Line)
			v.FixView = src.fix(f)
		}
		return v
	}

	var base *htmlBaseline
	if o.Baseline != nil {
		base = &htmlBaseline{}
	}
	sevTotals := sevCounts{}
	ruleCounts := map[string]int{}
	for i, f := range r.Findings {
		status := ""
		if base != nil {
			status = "known"
			if o.Baseline.New[i] {
				status = "new"
				base.New++
			} else {
				base.Known++
			}
		}
		c := chart(f.Chart)
		c.Findings = append(c.Findings, view(f, status))
		c.add(f.Severity)
		if status == "new" {
			c.New++
		}
		sevTotals.add(f.Severity)
		ruleCounts[f.Rule]++
	}
	for _, f := range fixed {
		base.Fixed = append(base.Fixed, view(f, "fixed"))
		if _, ok := ruleCounts[f.Rule]; !ok {
			ruleCounts[f.Rule] = 0 // listed (with no current finding) so fixed ones filter by rule
		}
	}

	names := make([]string, 0, len(charts))
	for n := range charts {
		names = append(names, n)
	}
	slices.Sort(names)

	page := &htmlPage{
		CSS: template.CSS(assets.css), JS: template.JS(assets.js), ScriptCSP: assets.scriptCSP,
		Version: o.ToolVersion, SummaryLine: summaryLine(r), Summary: r.Summary,
		Formula: scoreFormula, Total: len(r.Findings), Baseline: base,
		SnippetBudget: fmt.Sprintf("%d KiB", snippetBudget>>10),
	}
	famCount := map[string]int{}
	var scoreSum float64
	linted := 0 // named charts that rendered
	for i, n := range names {
		c := charts[n]
		c.ID = "chart-" + strconv.Itoa(i+1)
		c.Href = hashHref("chart", n)
		s := chartScore(c.Error, c.Warning, c.Failed)
		c.Score = int(math.Round(s))
		scoreSum += s
		if !c.Failed {
			linted++
			if c.Error+c.Warning == 0 {
				page.ChartsReady++
			}
		} else {
			page.Failed = append(page.Failed, c)
		}
		perFam := map[string]*sevCounts{}
		for _, f := range c.Findings {
			if perFam[f.Family] == nil {
				perFam[f.Family] = &sevCounts{}
			}
			perFam[f.Family].add(f.Severity)
			famCount[f.Family]++
		}
		for _, fam := range famIDs {
			cell := htmlCell{Family: fam}
			if pc := perFam[fam]; pc != nil {
				cell.sevCounts = *pc
				cell.Href = hashHref("chart", n, "family", fam)
				cell.Label = fmt.Sprintf("%s, %s: %s. Show these findings.", displayChart(n), fams.title(fam), pc.Spoken())
			}
			c.Cells = append(c.Cells, cell)
		}
		page.Charts = append(page.Charts, c)
	}
	// Without Options.Charts, the charts linted clean are only counted.
	if unnamed := r.Summary.Charts - linted; o.Charts == nil && unnamed > 0 {
		page.Unnamed = unnamed
		page.ChartsReady += unnamed
		scoreSum += 100 * float64(unnamed)
	}
	page.ChartsLinted = len(names) + page.Unnamed
	if page.ChartsLinted > 0 {
		page.HasScore = true
		page.Score = int(math.Round(scoreSum / float64(page.ChartsLinted)))
	}
	for _, fam := range famIDs {
		page.Families = append(page.Families, htmlFamily{ID: fam, Title: fams.title(fam), Href: hashHref("family", fam), Count: famCount[fam]})
	}
	for _, s := range []struct {
		v string
		n int
	}{{"error", sevTotals.Error}, {"warning", sevTotals.Warning}, {"info", sevTotals.Info}, {"other", sevTotals.Other}} {
		if s.n > 0 || s.v != "other" {
			page.SevOptions = append(page.SevOptions, htmlOption{Value: s.v, Label: fmt.Sprintf("%s (%d)", s.v, s.n)})
		}
	}
	page.RuleGroups = ruleGroups(famIDs, fams, ruleCounts, familyOf, rules)
	page.SnippetsLeft = src.omitted

	js, err := json.Marshal(summaryJSON(page))
	if err != nil {
		return nil, fmt.Errorf("html report: %w", err)
	}
	// encoding/json escapes <, > and & as \u003c..., so no "</script" can
	// close the element early; trusting the bytes is then safe.
	page.SummaryJSON = template.JS(js)
	return page, nil
}

func displayChart(n string) string {
	if n == "" {
		return "(no chart)"
	}
	return n
}

// hashHref is a link that sets the page's filters, e.g. #chart=so&family=ports.
func hashHref(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "#" + v.Encode()
}

func ruleGroups(famIDs []string, fams htmlFamilies, counts map[string]int, familyOf func(string) string, rules map[string]finding.Rule) []htmlRuleGroup {
	var out []htmlRuleGroup
	for _, fam := range famIDs {
		g := htmlRuleGroup{Title: fams.title(fam)}
		var ids []string
		for id := range counts {
			if familyOf(id) == fam {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			label := fmt.Sprintf("%s (%d)", id, counts[id])
			if t := rules[id].Title; t != "" {
				label = fmt.Sprintf("%s: %s (%d)", id, t, counts[id])
			}
			g.Rules = append(g.Rules, htmlOption{Value: id, Label: label})
		}
		if len(g.Rules) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// summaryJSON is the page's machine-readable summary (a <script
// type="application/json" id="meshready-summary">), for dashboards that
// scrape the score from the report artifact.
func summaryJSON(p *htmlPage) any {
	type chartJSON struct {
		Name    string `json:"name"`
		Score   int    `json:"score"`
		Error   int    `json:"error"`
		Warning int    `json:"warning"`
		Info    int    `json:"info"`
		Failed  bool   `json:"failed,omitempty"`
		New     int    `json:"new,omitempty"`
	}
	type baselineJSON struct {
		New   int `json:"new"`
		Known int `json:"known"`
		Fixed int `json:"fixed"`
	}
	out := struct {
		Tool     string          `json:"tool"`
		Version  string          `json:"version,omitempty"`
		Score    *int            `json:"score"`
		Formula  string          `json:"formula"`
		Summary  finding.Summary `json:"summary"`
		Unnamed  int             `json:"unnamedCleanCharts,omitempty"`
		Charts   []chartJSON     `json:"charts"`
		Baseline *baselineJSON   `json:"baseline,omitempty"`
	}{Tool: "meshready", Version: p.Version, Formula: p.Formula, Summary: p.Summary, Unnamed: p.Unnamed, Charts: []chartJSON{}}
	if p.HasScore {
		out.Score = &p.Score
	}
	for _, c := range p.Charts {
		out.Charts = append(out.Charts, chartJSON{c.Name, c.Score, c.Error, c.Warning, c.Info, c.Failed, c.New})
	}
	if b := p.Baseline; b != nil {
		out.Baseline = &baselineJSON{b.New, b.Known, len(b.Fixed)}
	}
	return out
}

// snippetSource quotes the lines around a finding, within a byte budget.
type snippetSource struct {
	loc     *fixLocator
	budget  int
	omitted int
}

func (s *snippetSource) snippet(file string, line int) (*htmlSnippet, string) {
	if file == "" || file == "-" || file == "stdin" || line < 1 {
		return nil, ""
	}
	lines, ok := s.loc.lines(file)
	if !ok {
		return nil, "The source is not readable from where the report was made: " + file
	}
	last := len(lines)
	if last > 0 && lines[last-1] == "" {
		last-- // the empty "line" after a final newline
	}
	if line > len(lines) {
		return nil, fmt.Sprintf("%s has %s; the file changed after the lint.", file, textsafe.Count(last, "line", "lines"))
	}
	from, to := max(1, line-snippetContext), max(line, min(last, line+snippetContext))
	sn := &htmlSnippet{Label: fmt.Sprintf("%s, lines %d to %d, line %d marked", file, from, to, line)}
	size := 0
	for n := from; n <= to; n++ {
		t := clip(lines[n-1], snippetLineMax)
		size += len(t)
		sn.Lines = append(sn.Lines, htmlLine{N: n, Text: t, Target: n == line})
	}
	if size > s.budget {
		s.omitted++
		return nil, fmt.Sprintf("Source not quoted: this report's %d KiB budget for quoted source is spent.", snippetBudget>>10)
	}
	s.budget -= size
	return sn, ""
}

// fix shows a finding's suggested replacement, on the whole line when the
// file still holds the text to replace.
func (s *snippetSource) fix(f finding.Finding) *htmlFix {
	fx := f.Fix
	if fx == nil {
		return nil
	}
	file, line := cmp.Or(fx.File, f.File), cmp.Or(fx.Line, f.Line)
	v := &htmlFix{Description: fx.Description, Where: location(file, line), Old: fx.Old, New: fx.New}
	lines, ok := s.loc.lines(file)
	if !ok || line < 1 || fx.Old == "" {
		return v
	}
	if line > len(lines) {
		v.Stale = true
		return v
	}
	text := lines[line-1]
	i := strings.Index(text, fx.Old)
	if i < 0 {
		v.Stale = true
		return v
	}
	v.Before = clip(text, snippetLineMax)
	v.After = clip(text[:i]+fx.New+text[i+len(fx.Old):], snippetLineMax)
	return v
}

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " …"
}

// Display is the chart's name as shown.
func (c *htmlChart) Display() string { return displayChart(c.Name) }
