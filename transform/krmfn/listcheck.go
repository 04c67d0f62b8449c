package krmfn

import (
	"fmt"
	"regexp"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// MaxConfigBytes bounds a functionConfig file (--config).
const MaxConfigBytes = 1 << 20

// scalarItemsRE finds a top-level "items:" holding a scalar on its own line
// ("items: 42", "items: null", "items: ~"); "items: []" and a block list
// do not match.
var scalarItemsRE = regexp.MustCompile(`(?m)^items:[ \t]*([^\s\[#][^\n]*)$`)

// badItems refuses a ResourceList whose items are not a list: kyaml reads
// "items: 42" or "items: null" as no items, so the function would answer
// an empty, successful list for input that is not one.
func badItems(name string, data []byte, wrapKind string) *framework.Result {
	if wrapKind != kio.ResourceListKind {
		return nil
	}
	m := scalarItemsRE.FindSubmatch(data)
	if m == nil {
		return nil
	}
	v := string(m[1])
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return &framework.Result{Severity: framework.Error, File: &framework.File{Path: name},
		Message: fmt.Sprintf("%s: the ResourceList's items is %q, not a list of objects", name, v)}
}
