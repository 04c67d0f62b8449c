package sourcemap

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshready/meshready/internal/testutil"
)

// valuesRefRE is the definition valuesRefs implements by hand.
var valuesRefRE = regexp.MustCompile(`\$?\.Values\.([A-Za-z0-9_][A-Za-z0-9_.\-]*)`)

func regexRefs(line string) []string {
	var refs []string
	for _, m := range valuesRefRE.FindAllStringSubmatch(line, -1) {
		refs = append(refs, m[1])
	}
	return refs
}

func sameRefs(t *testing.T, line string) {
	t.Helper()
	if diff := cmp.Diff(regexRefs(line), valuesRefs(line), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("valuesRefs(%q) differs from the regular expression (-regexp +scan):\n%s", line, diff)
	}
}

func TestValuesRefs(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{`name: {{ .Values.service.name }}`, []string{"service.name"}},
		{`{{ $.Values.a-b_c.d }} {{ .Values.x }}`, []string{"a-b_c.d", "x"}},
		{`{{ .Values..Values.x }}`, []string{"x"}},
		{`{{ .Values.-x }} {{ .Values. }}`, nil},
		{`{{ .Values.a.Values.b }}`, []string{"a.Values.b"}},
		{`{{ index .Values "a" }}`, nil},
		{`.Values.trailing.`, []string{"trailing."}},
		{`.Values.é`, nil},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, valuesRefs(c.line), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("valuesRefs(%q) (-want +got):\n%s", c.line, diff)
		}
		sameRefs(t, c.line)
	}
}

// TestValuesRefsOOM compares the scan with the regular expression on every
// template line of the real OOM trees and of our fixtures.
func TestValuesRefsOOM(t *testing.T) {
	roots := []string{filepath.Join(testutil.RepoRoot(t), "charts-fixtures")}
	for _, tree := range []string{"casablanca", "jakarta", "master"} {
		roots = append(roots, testutil.OOMTree(t, tree))
	}
	lines := 0
	testutil.Templates(t, roots, func(_, text string) {
		for _, l := range strings.Split(text, "\n") {
			if strings.Contains(l, ".Values.") {
				lines++
				sameRefs(t, l)
			}
		}
	})
	if lines < 10000 {
		t.Errorf("only %d template lines reference values; the OOM trees hold far more", lines)
	}
	t.Logf("%d template lines compared", lines)
}

func FuzzValuesRefs(f *testing.F) {
	for _, s := range []string{"{{ .Values.a.b }}", ".Values..Values.x", ".Values.-", "$.Values.a-b .Values.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) { sameRefs(t, line) })
}
