package helm36

import "text/template"

// sprig322 turns the function map of the Sprig this module builds with
// (github.com/Masterminds/sprig/v3 v3.3.0, go.mod) into the one Helm v3.6.3
// was built with (sprig v3.2.2, helm v3.6.3 go.mod), by the differences
// between the two releases' functions.go and dict.go:
//
//   - merge, mustMerge, mergeOverwrite, mustMergeOverwrite: sprig v3.2.2
//     dict.go over github.com/imdario/mergo v0.3.11 (mergo.go here), where
//     v3.3.0 uses dario.cat/mergo v1.0.1 (OOM common.subChartDot: "reflect:
//     call of reflect.Value.Field on map Value");
//   - sha512sum: added in v3.3.0, undefined in v3.2.2 (a template naming it
//     fails to parse, as under Helm 3.6.3).
//
// deepCopy and mustDeepCopy need nothing: both releases call
// copystructure.Copy, and copystructure v1.2.0 (ours) differs from v1.1.1
// (Helm 3.6.3's) only by the ShallowCopiers option, empty unless set.
func sprig322(f template.FuncMap) {
	delete(f, "sha512sum")
	f["merge"] = merge322
	f["mustMerge"] = mustMerge322
	f["mergeOverwrite"] = mergeOverwrite322
	f["mustMergeOverwrite"] = mustMergeOverwrite322
}

// The four functions below are sprig v3.2.2 dict.go's merge, mustMerge,
// mergeOverwrite and mustMergeOverwrite (Copyright (C) 2013-2020 Masterminds,
// MIT licence), calling the vendored mergo v0.3.11.

func merge322(dst map[string]interface{}, srcs ...map[string]interface{}) interface{} {
	for _, src := range srcs {
		if err := mergoMerge(&dst, src); err != nil {
			// Swallow errors inside of a template.
			return ""
		}
	}
	return dst
}

func mustMerge322(dst map[string]interface{}, srcs ...map[string]interface{}) (interface{}, error) {
	for _, src := range srcs {
		if err := mergoMerge(&dst, src); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func mergeOverwrite322(dst map[string]interface{}, srcs ...map[string]interface{}) interface{} {
	for _, src := range srcs {
		if err := mergoMergeWithOverwrite(&dst, src); err != nil {
			// Swallow errors inside of a template.
			return ""
		}
	}
	return dst
}

func mustMergeOverwrite322(dst map[string]interface{}, srcs ...map[string]interface{}) (interface{}, error) {
	for _, src := range srcs {
		if err := mergoMergeWithOverwrite(&dst, src); err != nil {
			return nil, err
		}
	}
	return dst, nil
}
