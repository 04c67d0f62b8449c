package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/lint/linttest"
	helmrender "github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/testutil"
)

// lintTree lints a tree in-process as `meshready report` does (with the
// names of every chart, clean ones included) and returns the report and the
// options the HTML format gets.
func lintTree(t *testing.T, input, workDir string) (*finding.Report, Options) {
	t.Helper()
	ctx := context.Background()
	l := linttest.New(t, workDir)
	targets, err := helmrender.Expand([]string{input})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{WorkDir: workDir, ToolVersion: "golden"}
	for _, tg := range targets {
		o.Charts = append(o.Charts, tg.Name())
	}
	rep, err := l.RunTargets(ctx, targets)
	if err != nil {
		t.Fatal(err)
	}
	return rep, o
}

// The fixtures report and the hand-built sample (in comparison mode, with
// fixes and a chart error) are golden: html.golden, html-sample.golden.
func TestHTMLGolden(t *testing.T) {
	root := testutil.RepoRoot(t)
	rep, o := lintTree(t, filepath.Join(root, "charts-fixtures"), root)
	checkGolden(t, "html.golden", render(t, "html", o, rep))
	checkGolden(t, "html-sample.golden", render(t, "html", sampleBaselineOptions(), sampleReport()))
}

// sampleBaselineOptions compares the sample with a baseline in which the
// sidecar-injection error and the info on aai were not yet reported, and
// one finding has since been fixed.
func sampleBaselineOptions() Options {
	o := sampleOptions()
	r := sampleReport()
	diff := &BaselineDiff{New: map[int]bool{}}
	for i, f := range r.Findings {
		if f.Rule == "sidecar-injection" || f.Rule == "tracing-header-format" {
			diff.New[i] = true
		}
	}
	gone := r.Findings[0]
	gone.Rule, gone.Message, gone.Line = "mtls-strict", "PeerAuthentication so allows plaintext traffic", 2
	gone.Chart, gone.File, gone.Severity, gone.Fix = "so", "so/values.yaml", finding.Warning, nil
	diff.Fixed = []finding.Finding{gone}
	o.Baseline = diff
	return o
}

func TestChartScore(t *testing.T) {
	tests := []struct {
		name             string
		errors, warnings int
		failed           bool
		want             int
	}{
		{"clean", 0, 0, false, 100},
		{"one error", 1, 0, false, 90},
		{"one warning", 0, 1, false, 97},
		{"error and warning", 1, 1, false, 87}, // 100 × 0.9 × 0.97 = 87.3
		{"many errors stay positive", 40, 0, false, 1},
		{"failed to render", 0, 0, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := int(math.Round(chartScore(tc.errors, tc.warnings, tc.failed))); got != tc.want {
				t.Errorf("chartScore(%d, %d, %v) = %d, want %d", tc.errors, tc.warnings, tc.failed, got, tc.want)
			}
		})
	}
}

// The tree score is the mean over every chart linted: named ones, failed
// ones (0) and, without Options.Charts, the clean ones only counted.
func TestTreeScore(t *testing.T) {
	err1 := finding.Finding{Rule: "r", Severity: finding.Error, Chart: "a"}
	tests := []struct {
		name      string
		rep       finding.Report
		charts    []string
		want      int
		wantReady int
		hasScore  bool
	}{
		{"nothing linted", finding.Report{}, nil, 0, 0, false},
		{"named clean charts", finding.Report{Findings: []finding.Finding{err1}, Summary: finding.Summary{Charts: 2}},
			[]string{"a", "b"}, 95, 1, true}, // (90 + 100) / 2
		{"unnamed clean charts", finding.Report{Findings: []finding.Finding{err1}, Summary: finding.Summary{Charts: 4}},
			nil, 98, 3, true}, // (90 + 3×100) / 4 = 97.5
		{"failed chart", finding.Report{Errors: []finding.ChartError{{Chart: "x", Message: "boom"}}, Summary: finding.Summary{Charts: 1}},
			[]string{"x", "y"}, 50, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := buildHTMLPage(Options{Charts: tc.charts}, &tc.rep)
			if err != nil {
				t.Fatal(err)
			}
			if p.HasScore != tc.hasScore || p.Score != tc.want || p.ChartsReady != tc.wantReady {
				t.Errorf("score %v %d, ready %d; want %v %d, ready %d", p.HasScore, p.Score, p.ChartsReady, tc.hasScore, tc.want, tc.wantReady)
			}
		})
	}
}

func TestSnippets(t *testing.T) {
	dir := t.TempDir()
	var long strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&long, "line%d: %s\n", i, strings.Repeat("é", 200)) // 400 bytes of é: clipped
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("short.yaml", "a: 1\nb: 2\nc: 3\n")
	write("long.yaml", long.String())

	s := &snippetSource{loc: newFixLocator(newPathMapper(Options{WorkDir: dir}), nil), budget: snippetBudget}
	tests := []struct {
		name      string
		file      string
		line      int
		wantLines []int
		wantNote  string
	}{
		{"context clipped at the start", "short.yaml", 1, []int{1, 2, 3}, ""},
		{"no empty line after the final newline", "short.yaml", 3, []int{1, 2, 3}, ""},
		{"past the end", "short.yaml", 9, nil, "short.yaml has 3 lines; the file changed after the lint."},
		{"unreadable", "missing.yaml", 1, nil, "The source is not readable from where the report was made: missing.yaml"},
		{"no line", "short.yaml", 0, nil, ""},
		{"two lines either side", "long.yaml", 10, []int{8, 9, 10, 11, 12}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sn, note := s.snippet(tc.file, tc.line)
			if note != tc.wantNote {
				t.Errorf("note %q, want %q", note, tc.wantNote)
			}
			var got []int
			if sn != nil {
				for _, l := range sn.Lines {
					got = append(got, l.N)
					if l.Target != (l.N == tc.line) {
						t.Errorf("line %d: target %v", l.N, l.Target)
					}
					if len(l.Text) > snippetLineMax+len(" …") {
						t.Errorf("line %d not clipped: %d bytes", l.N, len(l.Text))
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantLines) {
				t.Errorf("lines %v, want %v", got, tc.wantLines)
			}
		})
	}

	t.Run("budget", func(t *testing.T) {
		s := &snippetSource{loc: newFixLocator(newPathMapper(Options{WorkDir: dir}), nil), budget: 3 * 1200}
		quoted := 0
		for line := 3; line <= 28; line += 5 {
			if sn, _ := s.snippet("long.yaml", line); sn != nil {
				quoted++
			}
		}
		// Each snippet is 5 clipped lines of about 250 bytes.
		if quoted != 2 || s.omitted != 4 {
			t.Errorf("quoted %d and left out %d snippets, want 2 and 4 within the budget", quoted, s.omitted)
		}
	})
}

func TestFixView(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "v.yaml"), []byte("a: 1\n  portName: api # api\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &snippetSource{loc: newFixLocator(newPathMapper(Options{WorkDir: dir}), nil), budget: snippetBudget}
	at := func(file string, line int, old, new string) finding.Finding {
		return finding.Finding{File: file, Line: line, Fix: &finding.Fix{Old: old, New: new}}
	}
	tests := []struct {
		name string
		f    finding.Finding
		want *htmlFix
	}{
		{"no fix", finding.Finding{File: "v.yaml", Line: 2}, nil},
		{"first occurrence on the line", at("v.yaml", 2, "api", "http-api"),
			&htmlFix{Where: "v.yaml:2", Old: "api", New: "http-api", Before: "  portName: api # api", After: "  portName: http-api # api"}},
		{"stale: the text moved", at("v.yaml", 1, "api", "http-api"),
			&htmlFix{Where: "v.yaml:1", Old: "api", New: "http-api", Stale: true}},
		{"past the end", at("v.yaml", 7, "api", "http-api"),
			&htmlFix{Where: "v.yaml:7", Old: "api", New: "http-api", Stale: true}},
		{"unreadable: the replacement only", at("gone.yaml", 2, "api", "http-api"),
			&htmlFix{Where: "gone.yaml:2", Old: "api", New: "http-api"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.fix(tc.f)
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("fix view %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	if got := clip("abc", 3); got != "abc" {
		t.Errorf("clip kept %q", got)
	}
	if got := clip("aé", 2); got != "a …" { // never cut inside a rune
		t.Errorf("clip = %q", got)
	}
}

// hostile is what a chart could carry to break out of the page.
const hostile = `</script><script>document.body.setAttribute("data-pwned","1")</script><img src=x onerror="document.body.setAttribute('data-pwned','2')"> '" <!--`

// hostileReport puts hostile strings in every field that reaches the page,
// and in the quoted source.
func hostileReport(t *testing.T) (*finding.Report, Options) {
	t.Helper()
	dir := t.TempDir()
	src := "a: 1\nb: " + hostile + "\nc: 3\n"
	if err := os.WriteFile(filepath.Join(dir, "values.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Message = hostile
		f.Value = hostile
		f.Field = hostile
		f.Remediation = hostile
		if i == 0 {
			f.Chart, f.Rule, f.File, f.Line = hostile, hostile, "values.yaml", 2
			f.Fix = &finding.Fix{Old: "b: ", New: hostile, Description: hostile}
		}
	}
	r.Rules = append(r.Rules, finding.Rule{ID: hostile, Title: hostile, Family: hostile, Severity: finding.Error})
	r.Errors[0].Message = hostile
	r.Errors[0].Chart = hostile + "-broken"
	r.Sort()
	o := sampleOptions()
	o.WorkDir = dir
	o.Charts = nil
	o.ToolVersion = hostile
	return r, o
}

func TestHTMLEscapesHostileStrings(t *testing.T) {
	r, o := hostileReport(t)
	out := render(t, "html", o, r)
	for _, bad := range []string{"<script>document", "<img", "onerror=\"", "</script><script>"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the page contains %q unescaped", bad)
		}
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	scripts := findAll(doc, func(n *html.Node) bool { return n.Data == "script" })
	if len(scripts) != 2 {
		t.Fatalf("%d script elements, want our 2 (summary JSON and filters)", len(scripts))
	}
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("<%s> has an event handler attribute %s=%q", n.Data, a.Key, a.Val)
			}
			if (a.Key == "href") && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "https://") {
				t.Errorf("<%s href=%q>: unexpected link", n.Data, a.Val)
			}
		}
	}
	// Strings survive the round trip intact: escaped, not mangled.
	for _, m := range findAll(doc, hasClass("p", "msg")) {
		if text(m) != hostile {
			t.Errorf("message text does not round-trip: %q", text(m))
		}
	}
	var chartAttr bool
	for _, s := range findAll(doc, hasClass("section", "chart")) {
		chartAttr = chartAttr || attr(s, "data-chart") == hostile
	}
	if !chartAttr {
		t.Error("no chart section carries the hostile chart name intact in data-chart")
	}
	hits := findAll(doc, hasClass("mark", "hit"))
	if len(hits) == 0 || text(hits[0]) != "2b: "+hostile { // line number, then the line
		t.Errorf("the quoted source line does not round-trip (%d marked lines)", len(hits))
	}

	// The inline JSON escapes '<', so nothing in it can end the element.
	var blob string
	for _, s := range scripts {
		if attr(s, "id") == "meshready-summary" {
			blob = text(s)
		}
	}
	if strings.ContainsAny(blob, "<>") || !strings.Contains(blob, `\u003c/script\u003e`) {
		t.Errorf("summary JSON is not escaped: %s", blob)
	}
	var sum struct {
		Version string `json:"version"`
		Charts  []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(blob), &sum); err != nil {
		t.Fatalf("summary JSON: %v", err)
	}
	if sum.Version != hostile || len(sum.Charts) == 0 {
		t.Errorf("summary JSON lost the strings: %+v", sum)
	}
}

func TestHTMLEmptyAndDeterministic(t *testing.T) {
	out := render(t, "html", Options{}, &finding.Report{})
	if !bytes.Contains(out, []byte("No charts to show.")) || !bytes.Contains(out, []byte(`<span class="score-n">n/a</span>`)) {
		t.Errorf("empty report page lacks its empty state:\n%s", out)
	}
	first := render(t, "html", sampleBaselineOptions(), sampleReport())
	for range 5 {
		if !bytes.Equal(render(t, "html", sampleBaselineOptions(), sampleReport()), first) {
			t.Fatal("html output changed between runs")
		}
	}
}

// ---- Browser tests: the page in headless Chromium ----

// chromiumPath finds Debian's chromium, or skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping the browser test in -short mode")
	}
	for _, p := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("skipping: chromium is not installed (Debian: apt-get install chromium); the HTML report browser test needs it")
	return ""
}

type browser struct {
	bin, profile string
}

func newBrowser(t *testing.T) browser {
	return browser{bin: chromiumPath(t), profile: t.TempDir()}
}

// run starts headless Chromium on the page with extra flags and returns stdout.
func (b browser) run(t *testing.T, page, hash string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + b.profile}, flags...)
	args = append(args, "file://"+filepath.ToSlash(abs)+hash)
	cmd := exec.CommandContext(ctx, b.bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", hash, err, tail(stderr.String(), 2000))
	}
	return out
}

// dom loads the page with a hash, lets its script run and parses the DOM.
func (b browser) dom(t *testing.T, page, hash string) *html.Node {
	t.Helper()
	out := b.run(t, page, hash, "--virtual-time-budget=5000", "--dump-dom")
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if body := findAll(doc, func(n *html.Node) bool { return n.Data == "body" }); len(body) != 1 || attr(body[0], "data-ready-ms") == "" {
		t.Fatalf("%s: the page's script did not finish (no data-ready-ms on <body>)", hash)
	}
	return doc
}

func (b browser) screenshot(t *testing.T, page, hash, png string) {
	t.Helper()
	b.run(t, page, hash, "--hide-scrollbars", "--window-size=1400,2000", "--virtual-time-budget=5000", "--screenshot="+png)
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", png, err)
	}
	t.Logf("screenshot: %s", png)
}

// outputDir is $TEST_OUTPUT_DIR, or bin/test-output (ignored by git).
func outputDir(t *testing.T, name string) string {
	t.Helper()
	base := os.Getenv("TEST_OUTPUT_DIR")
	if base == "" {
		base = filepath.Join(testutil.RepoRoot(t), "bin", "test-output")
	}
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// expected counts findings the way the page should filter them.
type expected struct {
	rep *finding.Report
	fam map[string]string
}

func newExpected(rep *finding.Report) expected {
	e := expected{rep: rep, fam: map[string]string{}}
	for _, r := range rep.Rules {
		e.fam[r.ID] = r.Family
	}
	return e
}

func (e expected) family(rule string) string {
	if f := e.fam[rule]; f != "" {
		return f
	}
	return otherFamily
}

func (e expected) count(match func(finding.Finding) bool) int {
	n := 0
	for _, f := range e.rep.Findings {
		if match(f) {
			n++
		}
	}
	return n
}

// cellText is what a matrix cell for these findings must say.
func (e expected) cellText(chart, family string) string {
	var parts []string
	for _, s := range []finding.Severity{finding.Error, finding.Warning, finding.Info} {
		n := e.count(func(f finding.Finding) bool {
			return f.Chart == chart && e.family(f.Rule) == family && f.Severity == s
		})
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToUpper(string(s)), n))
		}
	}
	if len(parts) == 0 {
		return "OK"
	}
	return strings.Join(parts, "")
}

// visibleRows counts the finding rows the filters left visible.
func visibleRows(doc *html.Node) int {
	n := 0
	for _, li := range findAll(doc, hasClass("li", "finding")) {
		if !hasAttr(li, "hidden") && attr(li, "data-status") != "fixed" {
			n++
		}
	}
	return n
}

func visibleCharts(doc *html.Node) []string {
	var out []string
	for _, s := range findAll(doc, hasClass("section", "chart")) {
		if !hasAttr(s, "hidden") {
			out = append(out, attr(s, "data-chart"))
		}
	}
	return out
}

// checkPage checks the chart count, every matrix cell and the filters of a
// lint report's page in the browser; it returns the unfiltered DOM.
func checkPage(t *testing.T, b browser, page string, rep *finding.Report, charts []string) *html.Node {
	t.Helper()
	e := newExpected(rep)
	doc := b.dom(t, page, "")

	sections := findAll(doc, hasClass("section", "chart"))
	if len(sections) != len(charts) {
		t.Errorf("%d chart sections, want %d (every chart linted)", len(sections), len(charts))
	}
	if got := visibleRows(doc); got != len(rep.Findings) {
		t.Errorf("unfiltered: %d rows visible, want all %d", got, len(rep.Findings))
	}

	// Matrix: one row per chart, each cell the counts of its chart × family.
	rows := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-chart") })
	if len(rows) != len(charts) {
		t.Errorf("matrix has %d rows, want %d", len(rows), len(charts))
	}
	cells, failedCharts := 0, map[string]bool{}
	for _, ce := range rep.Errors {
		failedCharts[ce.Chart] = true
	}
	var cellHref string
	for _, tr := range rows {
		chart := attr(tr, "data-chart")
		for _, td := range findAll(tr, hasClass("td", "cell")) {
			if failedCharts[chart] {
				if !strings.Contains(text(td), "FAILED TO RENDER") {
					t.Errorf("failed chart %s: cell %q", chart, text(td))
				}
				continue
			}
			cells++
			fam := attr(td, "data-family")
			if got, want := text(td), e.cellText(chart, fam); got != want {
				t.Errorf("cell %s × %s = %q, want %q", chart, fam, got, want)
			}
			if a := findAll(td, func(n *html.Node) bool { return n.Data == "a" }); len(a) == 1 && cellHref == "" {
				cellHref = attr(a[0], "href")
			}
		}
	}
	if cells == 0 || cellHref == "" {
		t.Fatal("the matrix has no cells with findings")
	}

	// A matrix cell's link filters to its chart × family.
	d := b.dom(t, page, cellHref)
	hash := parseHash(t, cellHref)
	want := e.count(func(f finding.Finding) bool { return f.Chart == hash["chart"] && e.family(f.Rule) == hash["family"] })
	if got := visibleRows(d); got != want || want == 0 {
		t.Errorf("%s: %d rows visible, want %d", cellHref, got, want)
	}
	if got := visibleCharts(d); len(got) != 1 || got[0] != hash["chart"] {
		t.Errorf("%s: charts shown %v, want only %s", cellHref, got, hash["chart"])
	}

	// Severity × chart, and a rule across charts, set from the URL hash.
	busiest, most := "", 0
	for _, c := range charts {
		if n := e.count(func(f finding.Finding) bool { return f.Chart == c && f.Severity == finding.Error }); n > most {
			busiest, most = c, n
		}
	}
	rule := rep.Findings[len(rep.Findings)/2].Rule
	for _, tc := range []struct {
		hash  string
		match func(finding.Finding) bool
	}{
		{"#severity=error&chart=" + busiest, func(f finding.Finding) bool { return f.Chart == busiest && f.Severity == finding.Error }},
		{"#severity=warning", func(f finding.Finding) bool { return f.Severity == finding.Warning }},
		{"#rule=" + rule, func(f finding.Finding) bool { return f.Rule == rule }},
	} {
		d := b.dom(t, page, tc.hash)
		want := e.count(tc.match)
		got := visibleRows(d)
		if got != want || want == 0 {
			t.Errorf("%s: %d rows visible, want %d", tc.hash, got, want)
		}
		status := findAll(d, func(n *html.Node) bool { return attr(n, "id") == "shown" })
		if len(status) != 1 || !strings.HasPrefix(text(status[0]), fmt.Sprintf("Showing %d of %d findings", want, len(rep.Findings))) {
			t.Errorf("%s: status line %q", tc.hash, text(status[0]))
		}
		for _, c := range visibleCharts(d) {
			if e.count(func(f finding.Finding) bool { return f.Chart == c && tc.match(f) }) == 0 {
				t.Errorf("%s: chart %s is shown with nothing to show", tc.hash, c)
			}
		}
	}
	return doc
}

func parseHash(t *testing.T, h string) map[string]string {
	t.Helper()
	q, err := url.ParseQuery(strings.TrimPrefix(h, "#"))
	if err != nil {
		t.Fatalf("%s: %v", h, err)
	}
	out := map[string]string{}
	for k := range q {
		out[k] = q.Get(k)
	}
	return out
}

// readyMS reads the time the page's script recorded on <body>.
func readyMS(t *testing.T, doc *html.Node) float64 {
	t.Helper()
	body := findAll(doc, func(n *html.Node) bool { return n.Data == "body" })
	ms, err := strconv.ParseFloat(attr(body[0], "data-ready-ms"), 64)
	if err != nil {
		t.Fatalf("data-ready-ms: %v", err)
	}
	return ms
}

func writePage(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHTMLInBrowserFixtures(t *testing.T) {
	b := newBrowser(t)
	root := testutil.RepoRoot(t)
	rep, o := lintTree(t, filepath.Join(root, "charts-fixtures"), root)
	if len(rep.Findings) == 0 {
		t.Fatal("the fixtures have no findings")
	}
	dir := outputDir(t, "report-html")
	page := writePage(t, dir, "fixtures.html", render(t, "html", o, rep))
	doc := checkPage(t, b, page, rep, o.Charts)
	t.Logf("fixtures: %d findings, %d charts, ready in %.1f ms", len(rep.Findings), len(o.Charts), readyMS(t, doc))
	b.screenshot(t, page, "#severity=error&chart=bad-ports", filepath.Join(dir, "fixtures.png"))
}

func TestHTMLInBrowserCasablanca(t *testing.T) {
	b := newBrowser(t)
	tree := testutil.OOMTree(t, "casablanca")
	if _, err := os.Stat(tree); err != nil {
		t.Skipf("skipping: %v", err)
	}
	rep, o := lintTree(t, tree, testutil.RepoRoot(t))
	dir := outputDir(t, "report-html")
	out := render(t, "html", o, rep)
	page := writePage(t, dir, "casablanca.html", out)
	doc := checkPage(t, b, page, rep, o.Charts)
	// Measure on a quiet load: no virtual time, nothing else in the page.
	quiet, err := html.Parse(bytes.NewReader(b.run(t, page, "", "--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	// The better of two loads: the machine may be busy with other builds.
	ms := min(readyMS(t, doc), readyMS(t, quiet))
	figures := fmt.Sprintf("casablanca: %d charts, %d findings, %d chart errors: page %d bytes (%.2f MB), interactive in %.1f ms (loads: %.1f, %.1f ms)",
		len(o.Charts), len(rep.Findings), len(rep.Errors), len(out), float64(len(out))/(1<<20), ms, readyMS(t, doc), readyMS(t, quiet))
	t.Log(figures)
	writePage(t, dir, "casablanca.txt", []byte(figures+"\n"))
	if len(out) >= 2<<20 {
		t.Errorf("the casablanca page is %d bytes, want under 2 MB", len(out))
	}
	if ms >= 1000 {
		t.Errorf("the casablanca page took %.1f ms to become interactive, want under 1000", ms)
	}
	b.screenshot(t, page, "", filepath.Join(dir, "casablanca.png"))
}

// In the browser, the sample's comparison mode filters new findings, and the
// hostile report's strings run nothing.
func TestHTMLInBrowserSampleAndHostile(t *testing.T) {
	b := newBrowser(t)
	dir := outputDir(t, "report-html")
	o := sampleBaselineOptions()
	page := writePage(t, dir, "sample.html", render(t, "html", o, sampleReport()))
	d := b.dom(t, page, "#status=new")
	if got := visibleRows(d); got != len(o.Baseline.New) {
		t.Errorf("#status=new: %d rows visible, want %d", got, len(o.Baseline.New))
	}
	d = b.dom(t, page, "#status=fixed")
	fixedShown := 0
	for _, li := range findAll(d, hasClass("li", "finding")) {
		if !hasAttr(li, "hidden") {
			if attr(li, "data-status") != "fixed" {
				t.Errorf("#status=fixed shows a %s finding", attr(li, "data-status"))
			}
			fixedShown++
		}
	}
	if fixedShown != len(o.Baseline.Fixed) {
		t.Errorf("#status=fixed: %d fixed rows visible, want %d", fixedShown, len(o.Baseline.Fixed))
	}
	b.screenshot(t, page, "#chart=so", filepath.Join(dir, "sample.png"))

	r, ho := hostileReport(t)
	hp := writePage(t, dir, "hostile.html", render(t, "html", ho, r))
	d = b.dom(t, hp, "")
	body := findAll(d, func(n *html.Node) bool { return n.Data == "body" })[0]
	if v := attr(body, "data-pwned"); v != "" {
		t.Errorf("an injected script ran (data-pwned=%s)", v)
	}
	if n := len(findAll(d, func(n *html.Node) bool { return n.Data == "img" })); n != 0 {
		t.Errorf("%d injected <img> elements in the DOM", n)
	}
}

// ---- DOM helpers ----

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasClass(tag, class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return n.Data == tag && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
