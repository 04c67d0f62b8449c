package krmfn

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"
)

// InjectKey is Istio's per-pod injection switch.
const InjectKey = mesh.InjectKey

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

// inject sets sidecar.istio.io/inject: "true" on every pod template, as a
// label (style: label) or an annotation (style: annotation), as the model
// plans it (mesh.PlanInjection): an explicit opt-out stays unless force is
// set; hostNetwork pods, whose sidecar would capture the node's traffic,
// and pods with annotations the injector rejects are skipped.
func (r *run) inject() {
	opts := mesh.InjectOptions{Where: "labels", Force: r.spec.Injection.Force}
	if r.spec.Injection.Style == "annotation" {
		opts.Where = "annotations"
	}
	for _, it := range r.items {
		if it.template == nil {
			continue
		}
		tp := templatePath(it.kind)
		ops, skip := mesh.PlanInjection(r.version, it.index, it.kind, it.object(), opts)
		switch {
		case skip == nil:
		case skip.Cause == mesh.SkipHostNetwork:
			r.result(it, framework.Warning, joinPath(tp, "spec.hostNetwork"),
				"not injected: a hostNetwork pod cannot run the Istio sidecar (it would intercept the node's traffic)")
		case skip.Cause == mesh.SkipRejected:
			r.result(it, framework.Error, joinPath(tp, "metadata.annotations[\""+skip.Key+"\"]"),
				fmt.Sprintf("not injected: Istio's injector rejects %s %q (%s), so the pod would never be created; fix the annotation", skip.Key, skip.Value, skip.Detail))
		case skip.Cause == mesh.SkipOptOut:
			r.result(it, framework.Info, joinPath(tp, "metadata."+skip.Where+`["`+skip.Key+`"]`),
				"left the explicit opt-out "+skip.Key+`: "`+skip.Value+`" as it is (set injection.force to override)`)
		}
		for _, op := range ops {
			r.apply(nil, op)
		}
	}
	if r.spec.Injection.Style == "annotation" {
		// Istio's webhooks read the annotation only to opt out: say which
		// pods stay without a sidecar unless their namespace is labelled.
		model := r.model()
		for _, it := range r.items {
			if pod := model.Pods[it.index]; pod != nil && !pod.Injected && !pod.OptOut && str(it.podSpec(), "hostNetwork") != "true" {
				r.result(it, framework.Warning, joinPath(templatePath(it.kind), `metadata.annotations["`+InjectKey+`"]`),
					"not injected by the annotation alone: "+pod.Reason+"; label the namespace istio-injection=enabled or use injection.style: label")
			}
		}
	}
}
