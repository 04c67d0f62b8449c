package krmfn

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
)

// Readiness checks that items are what the function promises to make of
// them, with the default config: every pod template injected (unless it
// opts out or uses hostNetwork), every TCP Service port naming a protocol
// Istio reads, a PeerAuthentication in each namespace with workloads and a
// DestinationRule per Service. With a Validator, its error findings count
// too (the lint check of function output). It returns one line per problem.
func Readiness(ctx context.Context, items []*yaml.RNode, defaultNS string, v Validator) ([]string, error) {
	spec := DefaultSpec()
	spec.Namespace = defaultNS
	return readiness(ctx, spec, items, v)
}

// readiness is Readiness for the target Istio release and namespace of spec.
func readiness(ctx context.Context, spec Spec, items []*yaml.RNode, v Validator) ([]string, error) {
	r := newRun(spec, items)
	defaultNS := spec.Namespace
	var problems []string
	nsWithWorkloads := map[string]bool{}
	peer := map[string]bool{}
	model := r.model()
	for _, it := range r.items {
		switch {
		case it.template != nil:
			nsWithWorkloads[it.ns] = true
			pod := model.Pods[it.index]
			if pod == nil || pod.Injected || pod.OptOut || str(it.podSpec(), "hostNetwork") == "true" {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s %s: pod template not injected: %s", it.kind, refName(it), pod.Reason))
		case it.kind == "Service" && it.apiVersion == "v1":
			pns := seq(it.root, "spec", "ports")
			for _, p := range model.ServicePorts[it.index] {
				pn := pns[p.Index]
				if p.Protocol != "" || p.Ignored != "" || strings.EqualFold(str(pn, "protocol"), "SCTP") {
					continue
				}
				num, _ := intValue(get(pn, "port"))
				problems = append(problems, fmt.Sprintf("Service %s: spec.ports[%d] (%q, %d) names no protocol", refName(it), p.Index, str(pn, "name"), num))
			}
		case it.kind == "PeerAuthentication" && it.group == securityGroup:
			peer[it.ns] = true
		}
	}
	// A Service is covered when a DestinationRule applies to it for some
	// client, as Istio picks them (mesh.EffectiveDestinationRules: "*.local",
	// the root namespace, exportTo); an ExternalName alias takes none.
	covered := map[int]bool{}
	for _, sis := range model.HostServices {
		for _, si := range sis {
			covered[si] = true
		}
	}
	for _, it := range r.items {
		if _, isService := model.ServicePorts[it.index]; !isService || covered[it.index] || mesh.ExternalNameAlias(r.version, it.object()) {
			continue
		}
		problems = append(problems, fmt.Sprintf("Service %s: no DestinationRule for %s", refName(it), mesh.ServiceHost(it.name, it.ns, r.spec.ClusterDomain)))
	}
	for _, ns := range slices.Sorted(maps.Keys(nsWithWorkloads)) {
		if !peer[ns] {
			problems = append(problems, fmt.Sprintf("namespace %q: no PeerAuthentication", ns))
		}
	}
	if v != nil {
		rs, err := Resources(items, defaultNS)
		if err != nil {
			return problems, err
		}
		fs, err := v.Validate(ctx, rs)
		if err != nil {
			return problems, err
		}
		for _, f := range fs {
			if f.Severity == finding.Error {
				problems = append(problems, fmt.Sprintf("%s %s: [%s] %s at %s", f.Resource.Kind, f.Resource.Name, f.Rule, f.Message, f.Field))
			}
		}
	}
	return problems, nil
}

// model is internal/mesh's model of the items as they are now, for the
// target Istio version (injection decisions, Service port protocols).
func (r *run) model() *mesh.Model {
	objs := make([]map[string]any, len(r.items))
	for i, it := range r.items {
		objs[i] = it.object()
	}
	return mesh.Analyze(objs, r.settings())
}

// object is the item decoded into plain values, as the model reads it.
func (it *item) object() map[string]any {
	o, _ := plain(it.root).(map[string]any)
	return o
}
