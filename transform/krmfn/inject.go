package krmfn

import (
	"fmt"
	"maps"
	"slices"
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

// isOff matches the values the target Istio's injector reads as "do not
// inject" (internal/mesh Profile.ReadInject).
func (r *run) isOff(v string) bool {
	return mesh.Profile{Version: r.version}.ReadInject(v) == mesh.InjectNo
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
	// What the classic sidecar would break is read before injection
	// (mesh.SidecarRemedy).
	before := r.model()
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
		if bad := mesh.RejectedAnnotations(r.version, stringMap(path(it.template, "metadata", "annotations"))); len(bad) > 0 {
			r.result(it, framework.Error, joinPath(tp, "metadata.annotations[\""+bad[0].Key+"\"]"),
				fmt.Sprintf("not injected: Istio's injector rejects %s %q (%s), so the pod would never be created; fix the annotation", bad[0].Key, bad[0].Value, bad[0].Cause))
			continue
		}
		md := get(it.template, "metadata")
		var off []string
		for _, where := range []string{"labels", "annotations"} {
			if v := get(get(md, where), InjectKey); v != nil && r.isOff(v.Value) {
				off = append(off, where)
			}
		}
		if len(off) > 0 && !r.spec.Injection.Force {
			r.result(it, framework.Info, joinPath(tp, "metadata."+off[0]+`["`+InjectKey+`"]`),
				"left the explicit opt-out "+InjectKey+`: "`+get(get(md, off[0]), InjectKey).Value+`" as it is (set injection.force to override)`)
			continue
		}
		if !r.remedy(it, before.Pods[it.index]) {
			continue
		}
		md = ensureMap(it.template, "metadata")
		setString(ensureMap(md, primary), InjectKey, "true")
		for _, where := range off {
			if where == other {
				setString(get(md, other), InjectKey, "true")
			}
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

// remedy applies what the pod needs so that the sidecar does not break it
// (mesh.SidecarRemedy): the native-sidecar annotation, or the proxy's UID on
// the init containers that need the network. It reports false, with a
// warning, when the pod must not be injected.
func (r *run) remedy(it *item, facts *mesh.PodFacts) bool {
	if facts == nil {
		return true
	}
	tp := templatePath(it.kind)
	rem := mesh.SidecarRemedy(it.kind, facts, r.settings())
	switch {
	case rem.Refuse != "":
		r.result(it, framework.Warning, joinPath(tp, `metadata.annotations["`+mesh.NativeSidecarKey+`"]`), "no sidecar added: "+rem.Refuse)
		return false
	case len(rem.Annotations) > 0:
		ann := ensureMap(ensureMap(it.template, "metadata"), "annotations")
		for _, k := range slices.Sorted(maps.Keys(rem.Annotations)) {
			setString(ann, k, rem.Annotations[k])
		}
		r.result(it, framework.Info, joinPath(tp, `metadata.annotations["`+mesh.NativeSidecarKey+`"]`), rem.Why)
	case len(rem.RunAsProxy) > 0:
		inits := seq(it.podSpec(), "initContainers")
		for _, n := range rem.RunAsProxy {
			if n.Index < len(inits) {
				setInt(ensureMap(inits[n.Index], "securityContext"), "runAsUser", mesh.ProxyUID)
			}
		}
		r.result(it, framework.Info, joinPath(tp, fmt.Sprintf("spec.initContainers[%d].securityContext.runAsUser", rem.RunAsProxy[0].Index)), rem.Why)
	}
	return true
}

// settings are the mesh the function's output is for.
func (r *run) settings() mesh.Settings {
	k, _ := mesh.ParseKubernetesVersion(r.spec.Istio.KubernetesVersion)
	return mesh.Settings{Profile: mesh.Profile{Version: r.version}, Namespace: r.spec.Namespace, ClusterDomain: r.spec.ClusterDomain, KubernetesMinor: k}
}
