package render

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshready/meshready/internal/testutil"
)

func TestCheaperRewrites(t *testing.T) {
	cases := []struct {
		name, in, want string // want "" means nothing to rewrite
	}{
		{"plain template", `name: {{ .Values.name }}`, ""},
		{"derivePassword", `{{ derivePassword 1 "long" .a .b .c }}`, `{{ print 1 "long" .a .b .c }}`},
		{"certificate", `{{ $ca := genCA "ca" 365 }}`, `{{ $ca := ` + certStandIn + ` "ca" 365 }}`},
		{"longer name kept whole", `{{ genCAWithKey "x" 1 $k }}`, `{{ ` + certStandIn + ` "x" 1 $k }}`},
		{"substring of a word", `{{ .Values.regenCA }}`, ""},
		{"subChartDot", `{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" $c "Values" $v) | toJson }}`,
			`{{ mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" $c "Values" $v) | toJson }}`},
		{"other deepCopy kept", `{{ mergeOverwrite (deepCopy $initRoot) (dict "global" .g) }}`, ""},
		{"AsSecrets", `{{ tpl (.Files.Glob "resources/auth/*").AsSecrets . | indent 2 }}`, `{{ tpl (include "meshready.lintStandIn.asSecrets" (.Files.Glob "resources/auth/*")) . | indent 2 }}`},
		{"AsSecrets of a variable's files", `{{ ($g.Files.Glob $p).AsSecrets | indent 2 }}`, `{{ (include "meshready.lintStandIn.asSecrets" ($g.Files.Glob $p)) | indent 2 }}`},
		{"AsConfig kept", `{{ tpl (.Files.Glob "resources/config/*").AsConfig . | indent 2 }}`, ""},
		{"AsSecretsOther kept", `{{ (.Files.Glob "x").AsSecretsOther }}`, ""},
		{"both", `{{ derivePassword 1 "x" "y" "z" "w" }}{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" 1) }}`,
			`{{ print 1 "x" "y" "z" "w" }}{{ mergeOverwrite (omit $dot "Values" "Chart") (dict "Chart" 1) }}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(cheaper([]byte(c.in))); got != c.want {
				t.Errorf("cheaper(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestSubChartDotIdiomRendersSame renders OOM's common.subChartDot, copied
// verbatim, in lint mode and through Helm's exact path: the rewrite that
// drops its deep copy must change no object, files included.
func TestSubChartDotIdiomRendersSame(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Chart.yaml":            "apiVersion: v2\nname: dot\nversion: 1.0.0\n",
		"values.yaml":           "global:\n  a: 1\nsub:\n  nameOverride: other\n  port: 8080\n  nested: {x: [1, 2]}\n",
		"resources/config.json": `{"k": "v"}`,
		"templates/_utils.tpl": `{{- define "common.subChartDot" }}
{{- $initRoot := .initRoot }}
{{- $dot := .dot }}
{{ mergeOverwrite (deepCopy (omit $dot "Values" "Chart")) (dict "Chart" (set (set (fromJson (toJson $dot.Chart)) "Name" $initRoot.nameOverride) "Version" $dot.Chart.Version) "Values" (mergeOverwrite (deepCopy $initRoot) (dict "global" $dot.Values.global))) | toJson }}
{{- end -}}
`,
		"templates/cm.yaml": `{{- $sub := fromJson (include "common.subChartDot" (dict "dot" . "initRoot" .Values.sub)) }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $sub.Chart.Name }}
data:
  dot: {{ $sub | toJson | quote }}
  values: {{ .Values | toJson | quote }}
  files: {{ .Files.Get "resources/config.json" | quote }}
`,
	}
	testutil.WriteFiles(t, dir, files)
	exact, fast := renderBoth(t, dir)
	if len(exact) != 1 {
		t.Fatalf("exact render gave %d objects, want 1", len(exact))
	}
	if dot, _ := exact[0]["data"].(map[string]any)["dot"].(string); !strings.Contains(dot, `"Files"`) || !strings.Contains(dot, `"Name":"other"`) {
		t.Fatalf("the test chart does not exercise the idiom: dot = %s", dot)
	}
	if diff := cmp.Diff(exact, fast); diff != "" {
		t.Errorf("lint mode renders differently (-exact +lint):\n%s", diff)
	}
}

func TestStandInPrefixes(t *testing.T) {
	for name := range standIns {
		if !hasStandIn([]byte("{{ " + name + " }}")) {
			t.Errorf("no prefix in standInPrefixes starts %s: templates calling it would keep the real function", name)
		}
	}
}

func TestParsedLater(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"top/templates/_h.tpl", "top/charts/a/templates/_h.tpl", true}, // shallower: parsed after
		{"top/charts/a/templates/_h.tpl", "top/templates/_h.tpl", false},
		{"top/charts/a/templates/_h.tpl", "top/charts/b/templates/_h.tpl", true}, // same depth: reverse lexical order
		{"top/charts/b/templates/_h.tpl", "top/charts/a/templates/_h.tpl", false},
		{"x/_a.tpl", "x/_a.tpl", false},
	}
	for _, c := range cases {
		if got := parsedLater(c.a, c.b); got != c.want {
			t.Errorf("parsedLater(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestSharedHelpersRenderSame: identical helper files in several subcharts
// are parsed once in lint mode, and the names they define still resolve to
// the copy Helm parses last, even when another file defines the same name
// between two copies.
func TestSharedHelpersRenderSame(t *testing.T) {
	helper := `{{- define "h.name" -}}from-helper{{- end -}}
{{- define "h.only" -}}only-{{ .Chart.Name }}{{- end -}}
`
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n" +
			"  name: {{ include \"h.name\" . }}\n  only: {{ include \"h.only\" . }}\n" +
			"  tpl: {{ tpl \"{{ include \\\"h.name\\\" . }}\" . }}\n"
	}
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"Chart.yaml":                             "apiVersion: v2\nname: top\nversion: 1.0.0\n",
		"templates/cm.yaml":                      cm("top"),
		"charts/a/Chart.yaml":                    "apiVersion: v2\nname: a\nversion: 1.0.0\n",
		"charts/a/templates/_h.tpl":              helper,
		"charts/a/templates/_empty.tpl":          "",
		"charts/a/templates/cm.yaml":             cm("a"),
		"charts/b/Chart.yaml":                    "apiVersion: v2\nname: b\nversion: 1.0.0\n",
		"charts/b/templates/_x.tpl":              `{{- define "h.name" -}}from-b{{- end -}}`,
		"charts/b/charts/c/Chart.yaml":           "apiVersion: v2\nname: c\nversion: 1.0.0\n",
		"charts/b/charts/c/templates/_h.tpl":     helper,
		"charts/b/charts/c/templates/_empty.tpl": "",
	})
	exact, lint := renderBoth(t, dir)
	if len(exact) != 2 {
		t.Fatalf("exact render gave %d objects, want 2", len(exact))
	}
	// Helm parses c's copy, then b's file, then a's copy: a's copy wins.
	for _, o := range exact {
		if got := o["data"].(map[string]any)["name"]; got != "from-helper" {
			t.Fatalf("the test chart does not exercise the parse order: name = %v", got)
		}
	}
	if diff := cmp.Diff(exact, lint); diff != "" {
		t.Errorf("lint mode renders differently (-exact +lint):\n%s", diff)
	}
}

// renderBoth renders dir through Helm's exact path and in lint mode, with
// the deploy-time values given (so lint mode uses no stand-in for them).
func renderBoth(t *testing.T, dir string) (exact, lint []map[string]any) {
	t.Helper()
	render := func(lintMode bool) []map[string]any {
		o := DefaultOptions()
		o.LintMode = lintMode
		o.Set = []string{"global.masterPassword=x"}
		res, err := NewHelm(o).Render(context.Background(), dir)
		if err != nil {
			t.Fatalf("lint mode %v: %v", lintMode, err)
		}
		var objs []map[string]any
		for _, r := range res.Resources {
			objs = append(objs, r.Object)
		}
		return objs
	}
	return render(false), render(true)
}

// TestAsSecretsStandIn renders OOM's Secret-from-files phrase both ways: lint
// mode keeps every object and field and the Secret's data keys, only the
// values (read by no rule) are stand-ins,
// and the ConfigMap built from files the same way is left exact.
func TestAsSecretsStandIn(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"Chart.yaml":                      "apiVersion: v2\nname: sec\nversion: 1.0.0\n",
		"resources/config/auth/keystore":  "\x00\x01binary{{ not a template }}\xff",
		"resources/config/auth/realm.txt": "user: {{ .Release.Name }}\n",
		"resources/config/app.properties": "tracing.propagation=b3\nname={{ .Chart.Name }}\n",
		"templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Chart.Name }}-auth
type: Opaque
data:
{{ tpl (.Files.Glob "resources/config/auth/*").AsSecrets . | indent 2 }}
`,
		"templates/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Chart.Name }}-config
data:
{{ tpl (.Files.Glob "resources/config/*").AsConfig . | indent 2 }}
`,
	})
	exact, lint := renderBoth(t, dir)
	if len(exact) != 2 || len(lint) != 2 {
		t.Fatalf("rendered %d objects exactly and %d in lint mode, want 2 each", len(exact), len(lint))
	}
	secret := func(objs []map[string]any) map[string]any {
		for _, o := range objs {
			if o["kind"] == "Secret" {
				return o
			}
		}
		t.Fatal("no Secret rendered")
		return nil
	}
	if data, _ := secret(exact)["data"].(map[string]any); len(data) != 2 {
		t.Fatalf("the test chart does not exercise AsSecrets: exact data = %v", secret(exact)["data"])
	}
	var exactKeys, lintKeys []string
	for k := range secret(exact)["data"].(map[string]any) {
		exactKeys = append(exactKeys, k)
	}
	lintData, _ := secret(lint)["data"].(map[string]any)
	for k, v := range lintData {
		lintKeys = append(lintKeys, k)
		if v != "bWVzaHJlYWR5LWxpbnQtc3RhbmQtaW4=" {
			t.Errorf("lint mode Secret data %s = %v, want the stand-in", k, v)
		}
	}
	sort.Strings(exactKeys)
	sort.Strings(lintKeys)
	if diff := cmp.Diff(exactKeys, lintKeys); diff != "" {
		t.Errorf("lint mode Secret data keys differ (-exact +lint):\n%s", diff)
	}
	delete(secret(exact), "data")
	delete(secret(lint), "data")
	for _, objs := range [][]map[string]any{exact, lint} { // lint mode does not sort like Helm
		sort.Slice(objs, func(i, j int) bool { return objs[i]["kind"].(string) < objs[j]["kind"].(string) })
	}
	if diff := cmp.Diff(exact, lint); diff != "" {
		t.Errorf("lint mode differs beyond the Secret's data (-exact +lint):\n%s", diff)
	}
}

// TestStandInsKeepBranches renders templates that branch on what a stand-in
// replaces (a certificate's fields, a key, a password, the Secret data of an
// empty or a full glob) through Helm's exact path and in lint mode: every
// branch must go the same way, so the same objects render. Before stand-ins
// kept Helm's types (genCA became a dict without Cert, AsSecrets of an empty
// glob "" where Helm gives "{}"), lint rendered fewer objects, or a chart
// Helm rejects.
func TestStandInsKeepBranches(t *testing.T) {
	cm := func(name string) string {
		return "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	}
	cases := []struct{ name, tmpl string }{
		{"certificate fields", `{{ $ca := genCA "onap" 365 }}{{ if $ca.Cert }}` + cm("ca-cert") + `{{ end }}{{ if $ca.Key }}` + cm("ca-key") + `{{ end }}`},
		{"signed certificate", `{{ $ca := genCA "onap" 365 }}{{ $c := genSignedCert "x" (list "10.0.0.1") (list "x.onap") 365 $ca }}{{ if and $c.Cert (hasPrefix "-----BEGIN CERTIFICATE-----" $c.Cert) }}` + cm("signed") + `{{ end }}`},
		{"self-signed certificate", `{{ $c := genSelfSignedCert "x" nil nil 365 }}{{ with $c.Key }}` + cm("self") + `{{ end }}`},
		{"private key", `{{ if hasPrefix "-----BEGIN RSA PRIVATE KEY-----" (genPrivateKey "rsa") }}` + cm("key") + `{{ end }}`},
		{"password", `{{ if derivePassword 1 "long" "secret" "user" "example.com" }}` + cm("pw") + `{{ end }}`},
		{"empty glob", `{{ if eq "{}" (.Files.Glob "none/*").AsSecrets }}` + cm("empty-glob") + `{{ end }}`},
		{"full glob", `{{ if contains "a.txt:" (.Files.Glob "files/*").AsSecrets }}` + cm("full-glob") + `{{ end }}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			testutil.WriteFiles(t, dir, map[string]string{
				"Chart.yaml":       "apiVersion: v2\nname: branch\nversion: 1.0.0\n",
				"files/a.txt":      "a",
				"templates/t.yaml": c.tmpl,
			})
			exact, lint := renderBoth(t, dir)
			if len(exact) == 0 {
				t.Fatalf("the test template renders nothing under Helm: it tests no branch")
			}
			names := func(objs []map[string]any) []string {
				var out []string
				for _, o := range objs {
					out = append(out, o["kind"].(string)+"/"+o["metadata"].(map[string]any)["name"].(string))
				}
				sort.Strings(out)
				return out
			}
			if diff := cmp.Diff(names(exact), names(lint)); diff != "" {
				t.Errorf("lint mode renders other objects (-exact +lint):\n%s", diff)
			}
		})
	}
}

// TestLintRejectsWhatHelmRejects: Helm fails a Secret whose data is the
// AsSecrets of an empty glob placed under a key ("{}" there is not YAML
// Helm accepts); lint mode must fail it too (honolulu's platform).
func TestLintRejectsWhatHelmRejects(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{
		"Chart.yaml":       "apiVersion: v2\nname: bad\nversion: 1.0.0\n",
		"templates/s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k:\n  {{ (.Files.Glob \"none/*\").AsSecrets }}\n",
	})
	for _, lintMode := range []bool{false, true} {
		o := DefaultOptions()
		o.LintMode = lintMode
		if _, err := NewHelm(o).Render(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "yaml") {
			t.Errorf("lint mode %v: err = %v, want Helm's YAML error", lintMode, err)
		}
	}
}
