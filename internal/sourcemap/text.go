package sourcemap

import (
	"os"
	"path/filepath"
	"strings"
)

// fromText finds a line holding a rendered text with spaces in it (a
// configuration line of a ConfigMap): in the template's document, then
// the rest of the template, then the owner chart's other files (those a
// template reads with .Files.Get).
func fromText(m *Mapper, q *query) (Location, bool) {
	if q.value == "" || !strings.ContainsAny(q.value, " ;\t") {
		return Location{}, false
	}
	text := strings.TrimSpace(q.value)
	for _, rg := range [][2]int{q.reg, {0, len(q.ls)}} {
		for i := rg[0]; i < rg[1]; i++ {
			if strings.Contains(q.ls[i].Text, text) {
				return Location{File: q.tpl, Line: i + 1}, true
			}
		}
	}
	dir := q.owner().Dir
	var found Location
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || found.File != "" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "charts" || d.Name() == "templates" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		for i, l := range m.cache.Lines(p) {
			if strings.Contains(l, text) {
				found = Location{File: p, Line: i + 1}
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found, found.File != ""
}
