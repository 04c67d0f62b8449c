package render

import (
	"fmt"
	"strings"

	"github.com/mitchellh/copystructure"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// processDependencies has exactly the effect of
// chartutil.ProcessDependenciesWithMerge(c, vals) on c and its dependency
// tree (enabled dependencies, alias copies, Metadata.Dependencies, Values
// after import-values), without its quadratic cost.
//
// Helm's processDependencyEnabled coalesces, at every chart of the tree, the
// full coalesced values of the whole tree again (a reflection-based deep copy
// each time). Below the top chart, though, a chart's tags and conditions are
// read at "tags" and under the absolute path of the chart ("so.so-bpmn-infra."
// + condition), and coalescing a chart at the root of the values only touches
// the root keys named by its values (key by key) and by its dependencies
// (those also read and write "global"). So the recursion carries only:
// "global", "tags", the root keys named after any chart or dependency
// (name or alias) in the subtree, and the branch of the values along the
// chart's path; every other key cannot influence what Helm reads below.
// Warnings Helm logs are dropped; errors are Helm's own.
//
// Coalescing itself is Helm's (coalesce.go, ported below) with one change:
// its deep copies, reflection-based (copystructure) in Helm, take a direct
// path for the plain YAML types, which is most of the remaining cost.
//
// The functions below are ported from helm.sh/helm/v3@v3.22.0
// pkg/chartutil/dependencies.go and coalesce.go (Apache-2.0, Copyright The
// Helm Authors); each names the function it ports.
func processDependencies(c *chart.Chart, vals map[string]any) error {
	if err := processDependencyEnabled(c, vals, ""); err != nil {
		return err
	}
	return processDependencyImportValues(c)
}

// processDependencyConditions is Helm v3.22.0 chartutil/dependencies.go
// processDependencyConditions, without its log output.
func processDependencyConditions(reqs []*chart.Dependency, cvals chartutil.Values, cpath string) {
	for _, r := range reqs {
		for _, c := range strings.Split(strings.TrimSpace(r.Condition), ",") {
			if len(c) == 0 {
				continue
			}
			if vv, err := cvals.PathValue(cpath + c); err == nil {
				if bv, ok := vv.(bool); ok {
					r.Enabled = bv
					break
				}
			}
		}
	}
}

// processDependencyTags is Helm v3.22.0 chartutil/dependencies.go
// processDependencyTags, without its log output.
func processDependencyTags(reqs []*chart.Dependency, cvals chartutil.Values) {
	if reqs == nil {
		return
	}
	vt, err := cvals.Table("tags")
	if err != nil {
		return
	}
	for _, r := range reqs {
		var hasTrue, hasFalse bool
		for _, k := range r.Tags {
			if b, ok := vt[k]; ok {
				if bv, ok := b.(bool); ok {
					if bv {
						hasTrue = true
					} else {
						hasFalse = true
					}
				}
			}
		}
		if !hasTrue && hasFalse {
			r.Enabled = false
		} else if hasTrue || !hasTrue && !hasFalse {
			r.Enabled = true
		}
	}
}

// getAliasDependency is Helm v3.22.0 chartutil/dependencies.go
// getAliasDependency.
func getAliasDependency(charts []*chart.Chart, dep *chart.Dependency) *chart.Chart {
	for _, c := range charts {
		if c == nil {
			continue
		}
		if c.Name() != dep.Name {
			continue
		}
		if !chartutil.IsCompatibleRange(dep.Version, c.Metadata.Version) {
			continue
		}
		out := *c
		md := *c.Metadata
		out.Metadata = &md
		if dep.Alias != "" {
			md.Name = dep.Alias
		}
		return &out
	}
	return nil
}

// processDependencyEnabled is Helm v3.22.0 chartutil/dependencies.go
// processDependencyEnabled; the one change is that each dependency's
// recursion receives pruneValues(cvals, ...) instead of cvals.
func processDependencyEnabled(c *chart.Chart, v map[string]any, path string) error {
	if c.Metadata.Dependencies == nil {
		return nil
	}

	var chartDependencies []*chart.Chart
	// Charts in charts/ that Chart.yaml does not list are kept as they are.
Loop:
	for _, existing := range c.Dependencies() {
		for _, req := range c.Metadata.Dependencies {
			if existing.Name() == req.Name && chartutil.IsCompatibleRange(req.Version, existing.Metadata.Version) {
				continue Loop
			}
		}
		chartDependencies = append(chartDependencies, existing)
	}

	for _, req := range c.Metadata.Dependencies {
		if req == nil {
			continue
		}
		if chartDependency := getAliasDependency(c.Dependencies(), req); chartDependency != nil {
			chartDependencies = append(chartDependencies, chartDependency)
		}
		if req.Alias != "" {
			req.Name = req.Alias
		}
	}
	c.SetDependencies(chartDependencies...)

	for _, lr := range c.Metadata.Dependencies {
		lr.Enabled = true
	}
	cvals, err := coalesceValuesOf(c, v, false)
	if err != nil {
		return err
	}
	processDependencyTags(c.Metadata.Dependencies, cvals)
	processDependencyConditions(c.Metadata.Dependencies, cvals, path)
	rm := map[string]struct{}{}
	for _, r := range c.Metadata.Dependencies {
		if !r.Enabled {
			rm[r.Name] = struct{}{}
		}
	}
	cd := []*chart.Chart{}
	for _, n := range c.Dependencies() {
		if _, ok := rm[n.Metadata.Name]; !ok {
			cd = append(cd, n)
		}
	}
	cdMetadata := []*chart.Dependency{}
	for _, n := range c.Metadata.Dependencies {
		if _, ok := rm[n.Name]; !ok {
			cdMetadata = append(cdMetadata, n)
		}
	}

	for _, t := range cd {
		subpath := path + t.Metadata.Name + "."
		if err := processDependencyEnabled(t, pruneValues(cvals, t, subpath), subpath); err != nil {
			return err
		}
	}
	c.Metadata.Dependencies = nil
	c.Metadata.Dependencies = append(c.Metadata.Dependencies, cdMetadata...)
	c.SetDependencies(cd...)
	return nil
}

// pruneValues returns the part of cvals that processDependencyEnabled(t,
// cvals, subpath) can observe, sharing (not copying) what it keeps:
//
//   - "tags", read by processDependencyTags at every level;
//   - the branch along subpath: processDependencyConditions reads
//     subpath+condition, and CoalesceValues merges a chart's values into the
//     root key by key, so sibling keys along the path never matter;
//   - "global" and every root key named after a chart or dependency (name or
//     alias) in t's subtree: CoalesceValues coalesces each dependency of the
//     chart at the root key of its name, copying "global" into it, and, as
//     coalesceGlobals shares nested global tables, may write back into
//     "global" from there. If the path's first key is one of these, its
//     whole table is kept.
//
// Keys absent from cvals stay absent and nil tables stay nil, as both change
// what coalescing does.
func pruneValues(cvals map[string]any, t *chart.Chart, subpath string) map[string]any {
	keep := map[string]bool{chartutil.GlobalKey: true, "tags": true}
	subtreeNames(t, keep, map[*chart.Chart]bool{})
	out := make(map[string]any, len(keep)+1)
	for k := range keep {
		if v, ok := cvals[k]; ok {
			out[k] = v
		}
	}
	elems := strings.Split(strings.TrimSuffix(subpath, "."), ".")
	if v, ok := cvals[elems[0]]; ok && !keep[elems[0]] {
		out[elems[0]] = pruneBranch(v, elems[1:])
	}
	return out
}

// pruneBranch keeps, of the table v, only the branch along path.
func pruneBranch(v any, path []string) any {
	m, ok := v.(map[string]any)
	if !ok || m == nil || len(path) == 0 {
		return v
	}
	out := map[string]any{}
	if sub, ok := m[path[0]]; ok {
		out[path[0]] = pruneBranch(sub, path[1:])
	}
	return out
}

// subtreeNames adds the names of every chart below t and the name and alias
// of every dependency t and those charts declare.
func subtreeNames(t *chart.Chart, names map[string]bool, seen map[*chart.Chart]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	if t.Metadata != nil {
		for _, r := range t.Metadata.Dependencies {
			if r != nil {
				names[r.Name] = true
				if r.Alias != "" {
					names[r.Alias] = true
				}
			}
		}
	}
	for _, d := range t.Dependencies() {
		if d == nil {
			continue
		}
		names[d.Name()] = true
		subtreeNames(d, names, seen)
	}
}

// processDependencyImportValues is Helm v3.22.0 chartutil/dependencies.go
// processDependencyImportValues with merge=true.
func processDependencyImportValues(c *chart.Chart) error {
	for _, d := range c.Dependencies() {
		if err := processDependencyImportValues(d); err != nil {
			return err
		}
	}
	return processImportValues(c)
}

// processImportValues is Helm v3.22.0 chartutil/dependencies.go
// processImportValues with merge=true, without its log output, and with
// the faster deep copy (here and in MergeValues).
func processImportValues(c *chart.Chart) error {
	if c.Metadata.Dependencies == nil {
		return nil
	}
	cvals, err := coalesceValuesOf(c, nil, true)
	if err != nil {
		return err
	}
	b := make(map[string]any)
	for _, r := range c.Metadata.Dependencies {
		var outiv []any
		for _, riv := range r.ImportValues {
			switch iv := riv.(type) {
			case map[string]any:
				child := fmt.Sprintf("%v", iv["child"])
				parent := fmt.Sprintf("%v", iv["parent"])
				outiv = append(outiv, map[string]string{"child": child, "parent": parent})
				vv, err := cvals.Table(r.Name + "." + child)
				if err != nil {
					continue
				}
				b = chartutil.MergeTables(b, pathToMap(parent, vv.AsMap()))
			case string:
				child := "exports." + iv
				outiv = append(outiv, map[string]string{"child": child, "parent": "."})
				vm, err := cvals.Table(r.Name + "." + child)
				if err != nil {
					continue
				}
				b = chartutil.MergeTables(b, vm.AsMap())
			}
		}
		r.ImportValues = outiv
	}
	// Helm deep-copies cvals here: b may share tables with it.
	c.Values = chartutil.MergeTables(copyValueMap(cvals), b)
	return nil
}

// pathToMap is Helm v3.22.0 chartutil/dependencies.go pathToMap (with set).
func pathToMap(path string, data map[string]any) map[string]any {
	if path == "." {
		return data
	}
	elems := strings.Split(path, ".")
	cur := data
	for i := len(elems) - 1; i >= 0; i-- {
		cur = map[string]any{elems[i]: cur}
	}
	return cur
}

// copyValueMap deep-copies a values tree as copystructure.Copy does (no
// table is shared afterwards, nil tables and lists stay nil, types are
// kept), without reflection for the plain YAML types. Like Helm's
// deepCopyMap, it returns m itself when something cannot be copied.
func copyValueMap(m map[string]any) map[string]any {
	out, err := deepCopyMap(m)
	if err != nil {
		return m
	}
	return out
}

func deepCopyMap(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		c, err := copyAny(v)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

func copyAny(v any) (any, error) {
	switch t := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return v, nil
	case map[string]any:
		return deepCopyMap(t)
	case chartutil.Values:
		m, err := deepCopyMap(t)
		return chartutil.Values(m), err
	case []any:
		if t == nil {
			return t, nil
		}
		s := make([]any, len(t), cap(t))
		for i, e := range t {
			c, err := copyAny(e)
			if err != nil {
				return nil, err
			}
			s[i] = c
		}
		return s, nil
	}
	return copystructure.Copy(v)
}

// coalesceValuesOf is Helm v3.22.0 chartutil/coalesce.go CoalesceValues
// (merge false) and MergeValues (merge true), with copyValues' deep copy
// done by deepCopyMap.
func coalesceValuesOf(chrt *chart.Chart, vals map[string]any, merge bool) (chartutil.Values, error) {
	valsCopy, err := deepCopyMap(vals)
	if err != nil {
		return vals, err
	}
	if valsCopy == nil {
		valsCopy = make(map[string]any)
	}
	return coalesce(chrt, valsCopy, merge)
}

// toRenderValues is Helm v3.22.0 chartutil/values.go
// ToRenderValuesWithSchemaValidation (schema validated) with its
// CoalesceValues done by coalesceValuesOf: Helm deep-copies the user
// values by reflection first, a tenth of a small chart's render.
func toRenderValues(chrt *chart.Chart, chrtVals map[string]any, options chartutil.ReleaseOptions, caps *chartutil.Capabilities) (chartutil.Values, error) {
	if caps == nil {
		caps = chartutil.DefaultCapabilities
	}
	top := map[string]any{
		"Chart":        chrt.Metadata,
		"Capabilities": caps,
		"Release": map[string]any{
			"Name":      options.Name,
			"Namespace": options.Namespace,
			"IsUpgrade": options.IsUpgrade,
			"IsInstall": options.IsInstall,
			"Revision":  options.Revision,
			"Service":   "Helm",
		},
	}
	vals, err := coalesceValuesOf(chrt, chrtVals, false)
	if err != nil {
		return top, err
	}
	if err := chartutil.ValidateAgainstSchema(chrt, vals); err != nil {
		return top, fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s", err.Error())
	}
	top["Values"] = vals
	return top, nil
}

// coalesce is Helm v3.22.0 chartutil/coalesce.go coalesce, without the log
// prefix it only used for warnings.
func coalesce(ch *chart.Chart, dest map[string]any, merge bool) (map[string]any, error) {
	coalesceChartValues(ch, dest, merge)
	return coalesceDeps(ch, dest, merge)
}

// coalesceDeps is Helm v3.22.0 chartutil/coalesce.go coalesceDeps.
func coalesceDeps(chrt *chart.Chart, dest map[string]any, merge bool) (map[string]any, error) {
	for _, subchart := range chrt.Dependencies() {
		if c, ok := dest[subchart.Name()]; !ok {
			dest[subchart.Name()] = make(map[string]any)
		} else if !istable(c) {
			return dest, fmt.Errorf("type mismatch on %s: %t", subchart.Name(), c)
		}
		if dv, ok := dest[subchart.Name()]; ok {
			dvmap := dv.(map[string]any)
			coalesceGlobals(dvmap, dest)
			var err error
			dest[subchart.Name()], err = coalesce(subchart, dvmap, merge)
			if err != nil {
				return dest, err
			}
		}
	}
	return dest, nil
}

// coalesceGlobals is Helm v3.22.0 chartutil/coalesce.go coalesceGlobals,
// without its log output. It keeps Helm's sharing: the tables it copies
// into dest are shallow copies, so nested global tables stay shared with
// src (and merges write through them), exactly as in Helm.
func coalesceGlobals(dest, src map[string]any) {
	var dg, sg map[string]any

	if destglob, ok := dest[chartutil.GlobalKey]; !ok {
		dg = make(map[string]any)
	} else if dg, ok = destglob.(map[string]any); !ok {
		return
	}

	if srcglob, ok := src[chartutil.GlobalKey]; !ok {
		sg = make(map[string]any)
	} else if sg, ok = srcglob.(map[string]any); !ok {
		return
	}

	for key, val := range sg {
		if istable(val) {
			vv := shallowCopyMap(val.(map[string]any))
			if destv, ok := dg[key]; !ok {
				dg[key] = vv
			} else {
				if destvmap, ok := destv.(map[string]any); ok {
					chartutil.MergeTables(vv, destvmap)
					dg[key] = vv
				}
			}
		} else if dv, ok := dg[key]; ok && istable(dv) {
			// Helm skips (and logs) a table overwritten by a non-table.
		} else {
			dg[key] = val
		}
	}
	dest[chartutil.GlobalKey] = dg
}

// shallowCopyMap is Helm v3.22.0 chartutil/coalesce.go copyMap.
func shallowCopyMap(src map[string]any) map[string]any {
	m := make(map[string]any, len(src))
	for k, v := range src {
		m[k] = v
	}
	return m
}

// coalesceChartValues is Helm v3.22.0 chartutil/coalesce.go coalesceValues,
// without its log output, copying c.Values with deepCopyMap.
func coalesceChartValues(c *chart.Chart, v map[string]any, merge bool) {
	vc, err := deepCopyMap(c.Values)
	if err != nil {
		vc = c.Values
	}
	for key, val := range vc {
		if value, ok := v[key]; ok {
			if value == nil && !merge {
				delete(v, key)
			} else if dest, ok := value.(map[string]any); ok {
				if src, ok := val.(map[string]any); ok {
					// tables of a subchart are always merged, keeping nulls
					if childChartMergeTrue(c, key, merge) {
						chartutil.MergeTables(dest, src)
					} else {
						chartutil.CoalesceTables(dest, src)
					}
				}
			}
		} else {
			v[key] = val
		}
	}
}

// childChartMergeTrue is Helm v3.22.0 chartutil/coalesce.go
// childChartMergeTrue.
func childChartMergeTrue(chrt *chart.Chart, key string, merge bool) bool {
	for _, subchart := range chrt.Dependencies() {
		if subchart.Name() == key {
			return true
		}
	}
	return merge
}

// istable is Helm v3.22.0 chartutil/values.go istable.
func istable(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
