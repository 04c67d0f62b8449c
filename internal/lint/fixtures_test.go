package lint_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshready/meshready/internal/lint/linttest"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// TestFixtures lints charts-fixtures end to end and asserts the exact rule,
// file, line, field and value of every expected finding
// (testdata/fixtures/expected.tsv), and nothing else.
func TestFixtures(t *testing.T) {
	root := testutil.RepoRoot(t)
	rep := linttest.Run(t, linttest.New(t, root), filepath.Join(root, "charts-fixtures"))
	var got []string
	for _, f := range rep.Findings {
		got = append(got, strings.Join([]string{f.Rule, f.File, fmt.Sprint(f.Line), canonical(f.Field), f.Value}, "\t"))
	}
	sort.Strings(got)
	b, err := os.ReadFile(filepath.Join(root, "testdata", "fixtures", "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		parts := strings.Split(l, "\t")
		if len(parts) == 5 {
			parts[3] = canonical(parts[3])
		}
		want = append(want, strings.Join(parts, "\t"))
	}
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings on charts-fixtures differ from testdata/fixtures/expected.tsv (-want +got):\n%s", d)
	}
	if rep.Summary.Charts != 8 {
		t.Errorf("linted %d charts, want 8", rep.Summary.Charts)
	}
}

func canonical(p string) string {
	s, err := resource.ParsePath(p)
	if err != nil {
		return p
	}
	return resource.FormatPath(s)
}

// TestFixSuggestions: port-name findings whose name is written literally
// carry the rename the fixer and the KRM function would make.
func TestFixSuggestions(t *testing.T) {
	root := testutil.RepoRoot(t)
	rep := linttest.Run(t, linttest.New(t, root), filepath.Join(root, "charts-fixtures", "bad-ports"))
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.Fix != nil {
			if f.Fix.File != f.File || f.Fix.Line != f.Line || f.Fix.Old != f.Value {
				t.Errorf("fix does not replace the finding's value at its line: %+v / %+v", f, *f.Fix)
			}
			got[f.Rule+" "+f.Value] = f.Fix.New
		}
	}
	want := map[string]string{
		"port-protocol-name api": "http-api",
		// Service port 80: IANA's http (wellknown.yaml), the only evidence
		"port-protocol-name console":            "http-console",
		"port-protocol-mismatch http-transport": "tcp-transport",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("fix suggestions (-want +got):\n%s", d)
	}
}
