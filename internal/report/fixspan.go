package report

import (
	"strings"
	"unicode/utf16"

	"github.com/meshready/meshready/internal/chartsource"
	"github.com/meshready/meshready/internal/finding"
)

// fixSpan is where a Fix applies: a 1-based line and, when exact, the
// 0-based [start, end) columns of Fix.Old on it, counted in UTF-16 code
// units (what SARIF's default column kind and Gerrit's Java strings count).
type fixSpan struct {
	file  string // as in the finding: relative to the working directory or absolute
	line  int
	start int
	end   int
	exact bool // false: the whole line (the file could not be read)
}

// fixLocator finds Fix.Old on its line, reading each file through the
// run's source cache (Options.Sources: the files lint mapped findings to
// are not read again).
type fixLocator struct {
	paths pathMapper
	src   *chartsource.Cache
}

// newFixLocator reads through src (nil: a cache of its own).
func newFixLocator(p pathMapper, src *chartsource.Cache) *fixLocator {
	if src == nil {
		src = chartsource.NewCache()
	}
	return &fixLocator{paths: p, src: src}
}

// locate returns where f's fix applies. ok is false when there is no fix, or
// when the file is readable but Old is not on that line any more: a stale fix
// applied anywhere would corrupt the file, so it is better left out.
func (l *fixLocator) locate(f finding.Finding) (fixSpan, bool) {
	fx := f.Fix
	if fx == nil {
		return fixSpan{}, false
	}
	s := fixSpan{file: fx.File, line: fx.Line}
	if s.file == "" {
		s.file = f.File
	}
	if s.line == 0 {
		s.line = f.Line
	}
	if s.file == "" || s.line < 1 {
		return fixSpan{}, false
	}
	lines, readable := l.lines(s.file)
	if !readable {
		return s, true // whole line: the best a reader without the file can do
	}
	if s.line > len(lines) || fx.Old == "" {
		return fixSpan{}, false
	}
	text := lines[s.line-1]
	i := strings.Index(text, fx.Old)
	if i < 0 {
		return fixSpan{}, false
	}
	s.start = utf16Len(text[:i])
	s.end = s.start + utf16Len(fx.Old)
	s.exact = true
	return s, true
}

func (l *fixLocator) lines(file string) ([]string, bool) {
	lines := l.src.Lines(l.paths.Abs(file))
	return lines, lines != nil
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
