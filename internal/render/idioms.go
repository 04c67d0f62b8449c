package render

import (
	"bytes"

	"helm.sh/helm/v3/pkg/chart"
)

// RewriteIdioms rewrites the templates of c and its dependencies with the
// idioms (lintmode.go): exact phrases replaced by cheaper ones with the
// same result, and nothing else (no stand-in: every function still runs,
// so the render is the one Helm gives). For a caller that assembles and
// renders charts itself many times (the fixer, through RenderChart): OOM's
// common.subChartDot deep copy was the largest part of its CPU.
// Template slices shared with a cached chart are copied, never written.
func RewriteIdioms(c *chart.Chart) {
	copied := false
	for i, f := range c.Templates {
		data := idiomText(f.Data)
		if data == nil {
			continue
		}
		if !copied {
			c.Templates = append([]*chart.File(nil), c.Templates...)
			copied = true
		}
		c.Templates[i] = &chart.File{Name: f.Name, Data: data}
	}
	for _, d := range c.Dependencies() {
		RewriteIdioms(d)
	}
}

// idiomText is data with the idioms rewritten, or nil when it has none
// (lint mode's cheaper and RewriteIdioms).
func idiomText(data []byte) []byte {
	var out []byte
	for _, id := range idioms {
		if src := orData(out, data); bytes.Contains(src, id.from) {
			out = bytes.ReplaceAll(src, id.from, id.to)
		}
	}
	return out
}
