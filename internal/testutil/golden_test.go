package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps failures instead of stopping.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(f string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(f, args...))
}
func (r *recorder) Fatalf(f string, args ...any) { r.Errorf(f, args...) }
func (r *recorder) Fatal(args ...any)            { r.Errorf("%s", fmt.Sprint(args...)) }

func TestGolden(t *testing.T) {
	if Update() {
		t.Skip("-update rewrites golden files instead of comparing them: this test checks the comparison")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.golden")
	if err := os.WriteFile(p, []byte("one\ntwo 12ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noTime := func(s string) string { return strings.ReplaceAll(s, "12ms", "") }
	for _, c := range []struct {
		name      string
		path, got string
		normalize func(string) string
		fail      string // part of the failure, "" for none
	}{
		{"same", p, "one\ntwo 12ms\n", nil, ""},
		{"different", p, "one\nthree\n", nil, `"three"`},
		{"missing", filepath.Join(dir, "none.golden"), "x", nil, "make golden"},
		{"normalized", p, "one\ntwo \n", noTime, ""},
		{"different normalized", p, "one\n", noTime, "a.golden is stale"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			GoldenNormalized(r, c.path, []byte(c.got), c.normalize)
			all := strings.Join(r.failures, "\n")
			if c.fail == "" && all != "" || c.fail != "" && !strings.Contains(all, c.fail) {
				t.Errorf("failures %q, want one containing %q", all, c.fail)
			}
		})
	}
	*update = true
	defer func() { *update = false }()
	q := filepath.Join(dir, "new", "b.golden")
	GoldenNormalized(t, q, []byte("written"), nil)
	if b, err := os.ReadFile(q); err != nil || string(b) != "written" {
		t.Errorf("-update wrote %q, %v", b, err)
	}
}

func TestWantErr(t *testing.T) {
	boom := fmt.Errorf("list:2: ../x.yaml leaves the repository")
	for _, c := range []struct {
		name   string
		err    error
		want   string
		wanted bool
		fail   string // part of the failure, "" for none
	}{
		{"no error, none wanted", nil, "", false, ""},
		{"the error wanted", boom, "leaves the repository", true, ""},
		{"an error, none wanted", boom, "", false, "leaves the repository"},
		{"no error, one wanted", nil, "outside", true, `error <nil>, want one containing "outside"`},
		{"another error", boom, "outside", true, `want one containing "outside"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			wanted := WantErr(r, c.err, c.want)
			got := strings.Join(r.failures, "\n")
			if wanted != c.wanted || c.fail == "" && got != "" || c.fail != "" && !strings.Contains(got, c.fail) {
				t.Errorf("WantErr = %v with failures %q; want %v and a failure containing %q", wanted, got, c.wanted, c.fail)
			}
		})
	}
}
