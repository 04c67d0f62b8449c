package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecoverJournal: for each state a killed write can leave a file in,
// Recover restores, keeps or names it, removes the temporaries and the
// journal, and says what it did.
func TestRecoverJournal(t *testing.T) {
	for _, c := range []struct {
		name    string
		onDisk  string // the file's content when the next run starts
		want    string // its content after Recover
		message string
	}{
		{"renamed before the kill", "new", "old", "killed after 1 of 1 renames"},
		{"not renamed yet", "old", "old", "killed after 0 of 1 renames"},
		{"edited since", "edited", "edited", "left alone, as they hold neither the old nor the new content: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "values.yaml")
			tmp := filepath.Join(dir, ".values.yaml.meshready-123")
			os.WriteFile(tmp, []byte("new"), 0o644)
			if err := writeJournal(dir, []FileChange{{Path: p, Old: []byte("old"), New: []byte("new")}}, []string{tmp}); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p, []byte(c.onDisk), 0o644)
			var said []string
			Recovered = func(m string) { said = append(said, m) }
			t.Cleanup(func() { Recovered = nil })
			if err := Recover(dir); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(p); string(b) != c.want {
				t.Errorf("file holds %q, want %q", b, c.want)
			}
			for _, gone := range []string{tmp, filepath.Join(dir, JournalName)} {
				if _, err := os.Lstat(gone); err == nil {
					t.Errorf("%s left behind", filepath.Base(gone))
				}
			}
			if len(said) != 1 || !strings.Contains(said[0], c.message) {
				t.Errorf("said %q, want one line containing %q", said, c.message)
			}
			said = nil
			if err := Recover(dir); err != nil || len(said) != 0 {
				t.Errorf("a second Recover: %v, said %q", err, said)
			}
		})
	}
}
