package charttree

import "helm.sh/helm/v3/pkg/chart"

// Clone copies a chart deeply enough that Helm's dependency processing
// (which renames aliased dependencies, flags them enabled and rewrites
// values) cannot touch the cached original. Template and file bytes are
// shared: nothing writes to them.
func Clone(c *chart.Chart) *chart.Chart {
	n := *c
	md := *c.Metadata
	md.Dependencies = make([]*chart.Dependency, len(c.Metadata.Dependencies))
	for i, d := range c.Metadata.Dependencies {
		if d != nil {
			dd := *d
			md.Dependencies[i] = &dd
		}
	}
	n.Metadata = &md
	n.Values = CopyValues(c.Values)
	n.SetDependencies()
	for _, d := range c.Dependencies() {
		n.AddDependency(Clone(d))
	}
	return &n
}

// CopyValues deep-copies a values tree of maps and lists.
func CopyValues(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return CopyValues(t)
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = copyValue(e)
		}
		return s
	}
	return v
}
