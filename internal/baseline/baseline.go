// Package baseline records the findings a tree has today, so a pre-merge
// gate fails only on findings a change introduces. A finding is known by a
// fingerprint of what it is about (rule, chart, resource, field, value),
// never by where it sits, so unrelated edits and shifted lines keep it known.
package baseline

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/safeio"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/report"
	"github.com/meshready/meshready/internal/resource"
)

// Version is the file format this package writes and reads.
const Version = 1

// MaxBytes bounds a baseline file.
const MaxBytes = 64 << 20

// Baseline is the JSON file: {"version":1,"findings":[...]}. The same
// fingerprint may appear several times (a multiset): each entry is one
// occurrence.
type Baseline struct {
	Version  int     `json:"version"`
	Findings []Entry `json:"findings"`
	// Errors are the charts that could not be linted when it was recorded
	// (e.g. one that needs a chart from the internet): known failures, so
	// the gate still judges every other chart by its findings.
	Errors []ErrorEntry `json:"errors,omitempty"`
}

// ErrorEntry is a chart recorded as failing, with why, for people reading
// the file; the chart name alone makes it known.
type ErrorEntry struct {
	Chart   string `json:"chart"`
	File    string `json:"file,omitempty"`
	Message string `json:"message,omitempty"`
}

// KnownFailure reports whether the baseline records chart as failing.
func (b *Baseline) KnownFailure(chart string) bool {
	for _, e := range b.Errors {
		if e.Chart == chart {
			return true
		}
	}
	return false
}

// Entry is one recorded finding: its fingerprint and the fields it was
// computed from, plus the file and message for people reading the file
// (and for reporting it as fixed). No line: lines move.
type Entry struct {
	Fingerprint string           `json:"fingerprint"`
	Rule        string           `json:"rule"`
	Severity    finding.Severity `json:"severity,omitempty"`
	Chart       string           `json:"chart"`
	Resource    resource.Ref     `json:"resource"`
	Field       string           `json:"field,omitempty"`
	Value       string           `json:"value,omitempty"`
	File        string           `json:"file,omitempty"`
	Message     string           `json:"message,omitempty"`
}

// Finding turns an entry back into a finding with the fields it kept.
func (e Entry) Finding() finding.Finding {
	return finding.Finding{
		Rule: e.Rule, Severity: e.Severity, Message: e.Message, Resource: e.Resource,
		Chart: e.Chart, File: e.File, Field: e.Field, Value: e.Value,
	}
}

func entryOf(f finding.Finding) Entry {
	return Entry{
		Fingerprint: Fingerprint(f), Rule: f.Rule, Severity: f.Severity, Chart: f.Chart,
		Resource: f.Resource, Field: f.Field, Value: f.Value, File: f.File, Message: f.Message,
	}
}

// Fingerprint identifies a finding across edits: rule, chart, the
// resource's API group (not its version, so apps/v1beta2 -> apps/v1 keeps
// it), kind, namespace and name, the field path and the value. Each part is
// length-prefixed so no two different tuples hash alike.
func Fingerprint(f finding.Finding) string {
	id := f.Resource.ID()
	h := sha256.New()
	for _, s := range []string{
		"meshready-baseline/v1", f.Rule, f.Chart,
		id.Group, id.Kind, id.Namespace, id.Name,
		f.Field, f.Value,
	} {
		io.WriteString(h, strconv.Itoa(len(s)))
		io.WriteString(h, ":")
		io.WriteString(h, s)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// FromReport records every finding of a run.
func FromReport(r *finding.Report) *Baseline {
	b := &Baseline{Version: Version, Findings: []Entry{}}
	for _, f := range r.Findings {
		b.Findings = append(b.Findings, entryOf(f))
	}
	for _, e := range r.Errors {
		if !b.KnownFailure(e.Chart) {
			b.Errors = append(b.Errors, ErrorEntry{Chart: e.Chart, File: e.File, Message: e.Message})
		}
	}
	b.sort()
	return b
}

// sort orders entries by what they are about, so the file diffs well and
// does not change when only lines move.
func (b *Baseline) sort() {
	slices.SortStableFunc(b.Findings, func(x, y Entry) int {
		return cmp.Or(
			cmp.Compare(x.Chart, y.Chart),
			cmp.Compare(x.Rule, y.Rule),
			cmp.Compare(x.Resource.Kind, y.Resource.Kind),
			cmp.Compare(x.Resource.Namespace, y.Resource.Namespace),
			cmp.Compare(x.Resource.Name, y.Resource.Name),
			cmp.Compare(x.Field, y.Field),
			cmp.Compare(x.Value, y.Value),
			cmp.Compare(x.Fingerprint, y.Fingerprint),
			cmp.Compare(x.File, y.File),
		)
	})
	slices.SortStableFunc(b.Errors, func(x, y ErrorEntry) int { return cmp.Compare(x.Chart, y.Chart) })
}

// Write encodes the baseline as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	out := *b
	out.Version = Version
	if out.Findings == nil {
		out.Findings = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteFile replaces path atomically: a temporary file in the same folder,
// renamed over it, so a failed run never leaves half a baseline.
func (b *Baseline) WriteFile(path string) error {
	if err := safeio.WriteFile(path, b.Write); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}

// Load reads a baseline strictly: unknown fields, another version, trailing
// data or an entry whose fingerprint does not match its fields are errors
// naming the file. allowOutside (--allow-outside-root) lets the file be a
// symlink leaving the repository.
func Load(path string, allowOutside bool) (*Baseline, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("baseline %s: %s", path, fmt.Sprintf(format, a...))
	}
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fail("no such file (record one with `meshready baseline ROOT > %s`)", path)
	}
	// The baseline is part of the repository: under the input policy it is a
	// regular file inside the repository (its folder outside one), so a
	// symlink to a file of the worker is refused before it is read.
	root := safeio.RepoRoot(filepath.Dir(path))
	if root == "" {
		root = filepath.Dir(path)
	}
	data, err := safeio.Input{What: "baseline", Root: root, AllowOutside: allowOutside, OptIn: "--allow-outside-root", Max: MaxBytes}.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail("the file is empty (record one with `meshready baseline ROOT > %s`)", path)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fail("%s", describeJSONError(data, err))
	}
	if dec.More() {
		return nil, fail("unexpected data after the JSON object at %s", position(data, dec.InputOffset()))
	}
	if b.Version != Version {
		return nil, fail("version %d is not supported (this meshready reads and writes version %d)", b.Version, Version)
	}
	if b.Findings == nil {
		return nil, fail(`no "findings" list`)
	}
	for i, e := range b.Errors {
		if e.Chart == "" {
			return nil, fail("error %d names no chart", i+1)
		}
	}
	for i, e := range b.Findings {
		if e.Rule == "" {
			return nil, fail("finding %d has no rule", i+1)
		}
		if want := Fingerprint(e.Finding()); e.Fingerprint != want {
			return nil, fail("finding %d (rule %s, chart %s, %s) has fingerprint %q, but its fields give %q: the file was edited by hand or written by another meshready; record it again",
				i+1, e.Rule, e.Chart, e.Resource, e.Fingerprint, want)
		}
	}
	return &b, nil
}

// describeJSONError adds the line and column to a decoding error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at %s: %v", position(data, se.Offset-1), se) // Offset is just past the bad byte
	case errors.As(err, &te):
		return fmt.Sprintf("at %s: %s must be %s, not %s", position(data, te.Offset), cmp.Or(te.Field, "the document"), te.Type, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early (truncated file?)"
	}
	return err.Error()
}

func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// Only keeps the entries keep accepts: a gate that lints some charts
// compares against their entries only, so the others do not look fixed.
func (b *Baseline) Only(keep func(Entry) bool) *Baseline {
	out := &Baseline{Version: Version, Findings: []Entry{}, Errors: b.Errors}
	for _, e := range b.Findings {
		if keep(e) {
			out.Findings = append(out.Findings, e)
		}
	}
	return out
}

// Compare matches a run against the baseline as multisets of fingerprints:
// a fingerprint recorded twice covers two findings. New are the indexes of
// findings beyond what the baseline covers; Fixed are entries the run no
// longer produces. Entries of charts the run could not lint (r.Errors) are
// never reported fixed: nothing is known about them.
func Compare(b *Baseline, r *finding.Report) *report.BaselineDiff {
	left := map[string]int{}
	for _, e := range b.Findings {
		left[e.Fingerprint]++
	}
	d := &report.BaselineDiff{New: map[int]bool{}}
	for i, f := range r.Findings {
		fp := Fingerprint(f)
		if left[fp] > 0 {
			left[fp]--
			continue
		}
		d.New[i] = true
	}
	failed := failedCharts(r)
	for _, e := range b.Findings {
		if left[e.Fingerprint] > 0 && !failed[e.Chart] {
			left[e.Fingerprint]--
			d.Fixed = append(d.Fixed, e.Finding())
		}
	}
	return d
}

// Prune is what --baseline-update writes: the entries that still occur,
// refreshed from the run (file, message), and every entry the run could not
// judge, kept as it was: those of charts outside scope and of charts that
// failed to render. It never adds a finding: recording new ones takes
// `meshready baseline`.
func Prune(b *Baseline, r *finding.Report, inScope func(chart string) bool) *Baseline {
	failed := failedCharts(r)
	judged := func(chart string) bool { return inScope(chart) && !failed[chart] }
	budget := map[string]int{}
	out := &Baseline{Version: Version, Findings: []Entry{}}
	for _, e := range b.Findings {
		if judged(e.Chart) {
			budget[e.Fingerprint]++
		} else {
			out.Findings = append(out.Findings, e)
		}
	}
	for _, f := range r.Findings {
		if !judged(f.Chart) {
			continue
		}
		if fp := Fingerprint(f); budget[fp] > 0 {
			budget[fp]--
			out.Findings = append(out.Findings, entryOf(f))
		}
	}
	// a recorded failure stays known while the chart fails or is not linted
	for _, e := range b.Errors {
		if !inScope(e.Chart) || failed[e.Chart] {
			out.Errors = append(out.Errors, e)
		}
	}
	out.sort()
	return out
}

// Known splits a run's chart errors into those the baseline records and
// the others.
func (b *Baseline) Known(r *finding.Report) (known, unknown []finding.ChartError) {
	for _, e := range r.Errors {
		if b.KnownFailure(e.Chart) {
			known = append(known, e)
		} else {
			unknown = append(unknown, e)
		}
	}
	return known, unknown
}

func failedCharts(r *finding.Report) map[string]bool {
	m := map[string]bool{}
	for _, e := range r.Errors {
		m[e.Chart] = true
	}
	return m
}
