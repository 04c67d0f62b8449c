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
	r := newRun(DefaultSpec(), items)
	r.spec.Namespace = defaultNS
	var problems []string
	nsWithWorkloads := map[string]bool{}
	peer, dr := map[string]bool{}, map[string]bool{}
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
		case it.kind == "DestinationRule" && it.group == networkingGroup:
			dr[r.fqdn(str(it.root, "spec", "host"), it.ns)] = true
		}
	}
	for _, it := range r.items {
		if it.kind == "Service" && it.apiVersion == "v1" && str(it.root, "spec", "type") != "ExternalName" && !dr[r.fqdn(it.name, it.ns)] {
			problems = append(problems, fmt.Sprintf("Service %s: no DestinationRule for %s", refName(it), r.fqdn(it.name, it.ns)))
		}
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
		objs[i], _ = plain(it.root).(map[string]any)
	}
	return mesh.Analyze(objs, r.settings())
}
