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
	// What the classic sidecar would break is read before injection
	// (mesh.SidecarRemedy).
	before := r.model()
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
		if skip == nil && !r.remedy(it, before.Pods[it.index]) {
			continue
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

// remedy applies what the pod needs so that the sidecar does not break it,
// as the model plans it (mesh.PlanRemedy): the native-sidecar annotation,
// or the proxy's UID on the init containers that need the network. It
// reports false, with a warning, when the pod must not be injected.
func (r *run) remedy(it *item, facts *mesh.PodFacts) bool {
	if facts == nil {
		return true
	}
	tp := templatePath(it.kind)
	rem, ops := mesh.PlanRemedy(it.index, it.kind, facts, r.settings())
	if rem.Refuse != "" {
		r.result(it, framework.Warning, joinPath(tp, `metadata.annotations["`+mesh.NativeSidecarKey+`"]`), "no sidecar added: "+rem.Refuse)
		return false
	}
	for _, op := range ops {
		r.apply(nil, op)
	}
	if len(ops) > 0 {
		field := `metadata.annotations["` + ops[0].Key + `"]`
		if ops[0].Kind == mesh.OpInitRunAsUser {
			field = fmt.Sprintf("spec.initContainers[%d].securityContext.runAsUser", ops[0].Container)
		}
		r.result(it, framework.Info, joinPath(tp, field), rem.Why)
	}
	return true
}

// settings are the mesh the function's output is for.
func (r *run) settings() mesh.Settings {
	k, _ := mesh.ParseKubernetesVersion(r.spec.Istio.KubernetesVersion)
	return mesh.Settings{Profile: mesh.Profile{Version: r.version}, Namespace: r.spec.Namespace, ClusterDomain: r.spec.ClusterDomain, KubernetesMinor: k}
}
