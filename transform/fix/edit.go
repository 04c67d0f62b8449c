package fix

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/meshready/meshready/internal/chartsource"
)

// Edit is one byte-level change to a source file: Del bytes at Off are
// replaced by Ins. Offsets are into the file as it was read at the start of
// the run, so edits planned independently combine without re-reading.
type Edit struct {
	File string
	Off  int
	Del  int
	Ins  string
}

func (e Edit) String() string {
	return fmt.Sprintf("%s@%d-%d+%q", e.File, e.Off, e.Del, e.Ins)
}

// applyEdits applies edits to one file's content. Identical edits count
// once; overlapping different edits are a conflict.
//
// Insertions at the same place (say, istioSidecar and podAnnotations after
// the same values paragraph) all go in, in a fixed order. A file written
// with CRLF line ends gets CRLF in the inserted lines too.
func applyEdits(content []byte, edits []Edit) ([]byte, error) {
	es := dedupe(edits)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Off != es[j].Off {
			return es[i].Off < es[j].Off
		}
		if es[i].Del != es[j].Del {
			return es[i].Del < es[j].Del
		}
		return es[i].Ins < es[j].Ins
	})
	crlf := strings.Contains(string(content), "\r\n")
	var b strings.Builder
	pos := 0
	for i, e := range es {
		if e.Off < pos || e.Off+e.Del > len(content) || i > 0 && e.Off == es[i-1].Off && es[i-1].Del > 0 {
			return nil, fmt.Errorf("%s: edits overlap at byte %d (%q and %q)", e.File, e.Off, es[max(0, i-1)].Ins, e.Ins)
		}
		b.Write(content[pos:e.Off])
		ins := e.Ins
		if crlf {
			ins = strings.ReplaceAll(strings.ReplaceAll(ins, "\r\n", "\n"), "\n", "\r\n")
		}
		b.WriteString(ins)
		pos = e.Off + e.Del
	}
	b.Write(content[pos:])
	return []byte(b.String()), nil
}

func dedupe(edits []Edit) []Edit {
	seen := map[Edit]bool{}
	var out []Edit
	for _, e := range edits {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// conflicts reports whether the edit overlaps one of the others without
// being identical to it.
func conflicts(e Edit, others []Edit) bool {
	for _, o := range others {
		if o.File != e.File || o == e {
			continue
		}
		if e.Del == 0 && o.Del == 0 {
			continue // insertions at one place all go in
		}
		if e.Off < o.Off+o.Del && o.Off < e.Off+e.Del || e.Del == 0 && e.Off > o.Off && e.Off < o.Off+o.Del || o.Del == 0 && o.Off > e.Off && o.Off < e.Off+e.Del {
			return true
		}
	}
	return false
}

// files reads sources through an in-memory overlay: planning, sentinel
// renders and the self-check all see the edited state without touching
// the disk. Originals are kept for the diff and for rollback.
type files struct {
	mu      sync.Mutex
	orig    map[string][]byte
	overlay map[string][]byte
	// src reads the originals: the run's cache, shared with the linter.
	src *chartsource.Cache
}

func newFiles(src *chartsource.Cache) *files {
	return &files{orig: map[string][]byte{}, overlay: map[string][]byte{}, src: src}
}

// MaxFileBytes bounds a source file the fixer reads.
const MaxFileBytes = chartsource.MaxSourceBytes

// read returns the current content of an absolute path.
func (f *files) read(p string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.overlay[p]; ok {
		return b, nil
	}
	return f.readOrigLocked(p)
}

func (f *files) readOrigLocked(p string) ([]byte, error) {
	if b, ok := f.orig[p]; ok {
		return b, nil
	}
	b, err := f.src.Read(p)
	if err != nil {
		return nil, err
	}
	f.orig[p] = b
	return b, nil
}

// original returns the content on disk when the run started.
func (f *files) original(p string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.readOrigLocked(p)
}

// overlaid returns the overlay's content for p, if any.
func (f *files) overlaid(p string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.overlay[p]
	return b, ok
}

// apply folds edits (planned against the current content) into the overlay.
func (f *files) apply(edits []Edit) error {
	byFile := map[string][]Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	names := make([]string, 0, len(byFile))
	for n := range byFile {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cur, err := f.read(n)
		if err != nil {
			return err
		}
		out, err := applyEdits(cur, byFile[n])
		if err != nil {
			return err
		}
		f.mu.Lock()
		f.overlay[n] = out
		f.mu.Unlock()
	}
	return nil
}

// changed lists the files whose overlay differs from the original, sorted.
func (f *files) changed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for p, b := range f.overlay {
		if string(b) != string(f.orig[p]) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// within reports whether p lies inside one of the roots.
func within(p string, roots []string) bool {
	for _, r := range roots {
		rel, err := filepath.Rel(r, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return true
		}
	}
	return false
}
