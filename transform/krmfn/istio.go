package krmfn

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// GeneratedAnnotation marks the resources meshready made.
const GeneratedAnnotation = "meshready.io/generated"

const securityGroup = "security.istio.io"

// generate adds the Istio resources the config asks for, as the model
// plans them (mesh.PlanGenerated: namespace by namespace, none that exists
// already), and reports what it left out.
func (r *run) generate() []*yaml.RNode {
	s := r.spec
	ops, notes := mesh.PlanGenerated(r.version, r.resources(), mesh.GenerateOptions{
		PeerAuthentication: s.PeerAuthentication.Enabled, PeerMode: s.PeerAuthentication.Mode, Scope: s.PeerAuthentication.Scope,
		DestinationRule:     s.DestinationRule.Enabled,
		AuthorizationPolicy: s.AuthorizationPolicy.Enabled, ServiceAccounts: s.AuthorizationPolicy.ServiceAccounts, Methods: s.AuthorizationPolicy.Methods,
		Sidecar: s.Sidecar.Enabled, EgressHosts: s.Sidecar.EgressHosts,
		Domain: s.ClusterDomain,
	})
	for _, n := range notes {
		sev := framework.Info
		if n.Warning {
			sev = framework.Warning
		}
		r.result(r.items[n.Object], sev, n.Field, n.Message)
	}
	g := &generator{run: r, next: -1}
	// kpt files resources by path and index: continue after what is there.
	for _, it := range r.items {
		if p, idx, ok := it.file(); ok && p == s.Generated.Path && idx > g.next {
			g.next = idx
		}
	}
	for _, op := range ops {
		if x := op.Generated; x != nil {
			g.add(x.Group, x.Kind, x.Namespace, x.Name, fieldsNode(x.Spec))
		}
	}
	return g.out
}

// fieldsNode writes a planned spec as a mapping node.
func fieldsNode(f mesh.Fields) *yaml.Node {
	kv := make([]any, 0, 2*len(f))
	for _, x := range f {
		kv = append(kv, x.Key, x.Value)
	}
	return mapping(kv...)
}

type generator struct {
	run  *run
	out  []*yaml.RNode
	next int // the last index used in the generated file
}

// add appends a generated resource, with where kpt files it.
func (g *generator) add(group, kind, ns, name string, spec *yaml.Node) {
	p := g.run.spec.Generated.Path
	md := mapping("name", name)
	if ns != "" {
		md.Content = append(md.Content, newScalar("namespace"), newString(ns))
	}
	g.next++
	idx := strconv.Itoa(g.next)
	md.Content = append(md.Content, newScalar("annotations"), mapping(
		GeneratedAnnotation, "true",
		kioutil.LegacyPathAnnotation, p,
		kioutil.LegacyIndexAnnotation, idx,
		string(kioutil.PathAnnotation), p,
		string(kioutil.IndexAnnotation), idx))
	obj := mapping(
		"apiVersion", group+"/"+g.run.spec.Istio.APIVersion,
		"kind", kind,
		"metadata", md,
		"spec", spec)
	g.out = append(g.out, yaml.NewRNode(obj))
}

// mapping builds a mapping node from key, value pairs; values are strings,
// string lists, nodes, planned Fields or lists of them.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case string:
			v = newString(x)
		case []string:
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for _, s := range x {
				v.Content = append(v.Content, newString(s))
			}
		case *yaml.Node:
			v = x
		case mesh.Fields:
			v = fieldsNode(x)
		case []mesh.Fields:
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for _, e := range x {
				v.Content = append(v.Content, fieldsNode(e))
			}
		}
		m.Content = append(m.Content, newScalar(kv[i].(string)), v)
	}
	return m
}
