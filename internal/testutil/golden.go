package testutil

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the repository's one -update flag: `make golden` (go test with
// -update over every package that imports this one) rewrites each golden
// file from the tests' output; review the diff before committing.
var update = flag.Bool("update", false, "rewrite golden files from the tests' output (then review the diff)")

// Update reports whether -update was given, for golden checkers that are
// not Golden (kyaml's frameworktestutil).
func Update() bool { return *update }

// Golden compares got with the golden file at path (relative to the test's
// package folder, or absolute). Under -update it writes got there instead,
// making the folder. A missing or different file fails the test with a
// line diff and the command that rewrites it.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	GoldenNormalized(t, path, got, nil)
}

// GoldenNormalized is Golden comparing normalize(want) with normalize(got),
// for output with parts that change from run to run (timings); -update
// writes got as it is.
func GoldenNormalized(t testing.TB, path string, got []byte, normalize func(string) string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make golden` to create it)", err)
	}
	w, g := string(want), string(got)
	if normalize != nil {
		w, g = normalize(w), normalize(g)
	}
	if w != g {
		t.Errorf("%s is stale (run `make golden` if the change is intended, and review the diff); -want +got:\n%s",
			path, cmp.Diff(strings.Split(w, "\n"), strings.Split(g, "\n")))
	}
}

// GoldenSection is GoldenNormalized for the generated section of a Markdown
// file between the lines "<!-- name:begin -->" and "<!-- name:end -->":
// body is what the section should hold, the rest of the file stays as it is.
func GoldenSection(t testing.TB, path, name, body string, normalize func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q ... %q markers", path, begin, end)
	}
	GoldenNormalized(t, path, []byte(s[:i+len(begin)]+body+s[j:]), normalize)
}
