package krmfn

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/meshready/meshready/internal/resource"
)

// InjectKey is Istio's per-pod injection switch.
const InjectKey = "sidecar.istio.io/inject"

// templatePath is the field path of an item's pod template ("" for a Pod).
func templatePath(kind string) string {
	return strings.Join(resource.PodTemplatePath(kind), ".")
}

func joinPath(prefix, rest string) string {
	if prefix == "" {
		return rest
	}
	return prefix + "." + rest
}

// isOff matches the values Istio reads as "do not inject".
func isOff(v string) bool {
	switch strings.ToLower(v) {
	case "false", "n", "no", "off":
		return true
	}
	return false
}

// inject sets sidecar.istio.io/inject: "true" on every pod template, as a
// label (style: label) or an annotation (style: annotation). An explicit
// opt-out stays unless force is set; hostNetwork pods are skipped, since a
// sidecar there would capture the node's traffic.
func (r *run) inject() {
	primary, other := "labels", "annotations"
	if r.spec.Injection.Style == "annotation" {
		primary, other = other, primary
	}
	for _, it := range r.items {
		if it.template == nil {
			continue
		}
		tp := templatePath(it.kind)
		if str(it.podSpec(), "hostNetwork") == "true" {
			r.result(it, framework.Warning, joinPath(tp, "spec.hostNetwork"),
				"not injected: a hostNetwork pod cannot run the Istio sidecar (it would intercept the node's traffic)")
			continue
		}
		md := ensureMap(it.template, "metadata")
		var off []string
		for _, where := range []string{"labels", "annotations"} {
			if v := get(get(md, where), InjectKey); v != nil && isOff(v.Value) {
				off = append(off, where)
			}
		}
		if len(off) > 0 && !r.spec.Injection.Force {
			r.result(it, framework.Info, joinPath(tp, "metadata."+off[0]+`["`+InjectKey+`"]`),
				"left the explicit opt-out "+InjectKey+`: "`+get(get(md, off[0]), InjectKey).Value+`" as it is (set injection.force to override)`)
			continue
		}
		setString(ensureMap(md, primary), InjectKey, "true")
		for _, where := range off {
			if where == other {
				setString(get(md, other), InjectKey, "true")
			}
		}
	}
}
