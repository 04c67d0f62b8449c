package krmfn

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/mesh"
)

// GeneratedAnnotation marks the resources meshready made.
const GeneratedAnnotation = "meshready.io/generated"

const (
	securityGroup   = "security.istio.io"
	networkingGroup = "networking.istio.io"
)

// existing indexes the Istio resources already in the input, by name and
// by what they do, so nothing is generated twice.
type existing struct {
	names     map[string]bool // group/kind/namespace/name
	hosts     map[string]bool // DestinationRule hosts (FQDN)
	nsPolicy  map[string]bool // namespace-wide PeerAuthentication, by namespace
	nsSidecar map[string]bool // namespace-wide Sidecar, by namespace
	selected  map[string]bool // kind/namespace/app of workload-selecting policies
}

func (r *run) existing() *existing {
	ex := &existing{names: map[string]bool{}, hosts: map[string]bool{}, nsPolicy: map[string]bool{},
		nsSidecar: map[string]bool{}, selected: map[string]bool{}}
	for _, it := range r.items {
		if it.group != securityGroup && it.group != networkingGroup {
			continue
		}
		ex.names[it.group+"/"+it.kind+"/"+it.ns+"/"+it.name] = true
		spec := get(it.root, "spec")
		app := str(spec, "selector", "matchLabels", "app")
		if it.kind == "Sidecar" {
			app = str(spec, "workloadSelector", "labels", "app")
		}
		switch it.kind {
		case "DestinationRule":
			ex.hosts[r.fqdn(str(spec, "host"), it.ns)] = true
		case "PeerAuthentication":
			if get(spec, "selector") == nil {
				ex.nsPolicy[it.ns] = true
			}
		case "Sidecar":
			if get(spec, "workloadSelector") == nil {
				ex.nsSidecar[it.ns] = true
			}
		}
		if app != "" {
			ex.selected[it.kind+"/"+it.ns+"/"+app] = true
		}
	}
	return ex
}

// fqdn expands a Service host as Istio does: short names live in ns.
func (r *run) fqdn(host, ns string) string {
	if host == "" || strings.Contains(host, "*") {
		return host
	}
	suffix := ".svc." + r.spec.ClusterDomain
	switch strings.Count(host, ".") {
	case 0:
		if ns == "" {
			return host
		}
		return host + "." + ns + suffix
	case 1:
		return host + suffix
	case 2:
		if strings.HasSuffix(host, ".svc") {
			return host + "." + r.spec.ClusterDomain
		}
	}
	return host
}

// generate makes the Istio resources the config asks for, namespace by
// namespace, skipping any that already exist.
func (r *run) generate() []*yaml.RNode {
	s := r.spec
	if !s.PeerAuthentication.Enabled && !s.DestinationRule.Enabled && !s.AuthorizationPolicy.Enabled && !s.Sidecar.Enabled {
		return nil
	}
	ex := r.existing()
	byNS := map[string][]*item{}
	for _, it := range r.items {
		// an object without a name cannot be selected or addressed: nothing
		// generated for it would be valid
		if it.name == "" {
			continue
		}
		if it.template != nil || it.kind == "Service" && it.apiVersion == "v1" {
			byNS[it.ns] = append(byNS[it.ns], it)
		}
	}
	nss := make([]string, 0, len(byNS))
	for ns := range byNS {
		nss = append(nss, ns)
	}
	sort.Strings(nss)

	g := &generator{run: r, ex: ex, next: -1}
	// kpt files resources by path and index: continue after what is there.
	for _, it := range r.items {
		if p, idx, ok := it.file(); ok && p == s.Generated.Path && idx > g.next {
			g.next = idx
		}
	}
	for _, ns := range nss {
		var workloads, services []*item
		for _, it := range byNS[ns] {
			if it.template != nil {
				workloads = append(workloads, it)
			} else if !mesh.ExternalNameAlias(r.version, it.object()) {
				// Istio applies no DestinationRule to an ExternalName alias
				// (from 1.21); Readiness asks the same.
				services = append(services, it)
			}
		}
		if s.PeerAuthentication.Enabled {
			if s.PeerAuthentication.Scope == "namespace" {
				if len(workloads) > 0 && !ex.nsPolicy[ns] {
					g.add(securityGroup, "PeerAuthentication", ns, "default", mapping("mtls", mapping("mode", s.PeerAuthentication.Mode)))
					ex.nsPolicy[ns] = true
				}
			} else {
				for _, w := range servers(workloads) {
					if app := g.app(w, "PeerAuthentication"); app != "" {
						g.add(securityGroup, "PeerAuthentication", ns, w.name, mapping(
							"selector", mapping("matchLabels", mapping("app", app)),
							"mtls", mapping("mode", s.PeerAuthentication.Mode)))
					}
				}
			}
		}
		if s.DestinationRule.Enabled {
			for _, svc := range services {
				host := r.fqdn(svc.name, ns)
				if ex.hosts[host] {
					continue
				}
				if g.add(networkingGroup, "DestinationRule", ns, svc.name, mapping(
					"host", host,
					"trafficPolicy", mapping("tls", mapping("mode", "ISTIO_MUTUAL")))) {
					ex.hosts[host] = true
				}
			}
		}
		if s.AuthorizationPolicy.Enabled {
			for _, w := range servers(workloads) {
				principals, ok := r.principals(w)
				if !ok {
					continue
				}
				app := g.app(w, "AuthorizationPolicy")
				if app == "" {
					continue
				}
				to := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
				for _, op := range mesh.AllowOperations(r.served(w), s.AuthorizationPolicy.Methods) {
					var fields []any
					if len(op.Methods) > 0 {
						fields = append(fields, "methods", op.Methods)
					}
					if len(op.Ports) > 0 {
						fields = append(fields, "ports", op.Ports)
					}
					to.Content = append(to.Content, mapping("operation", mapping(fields...)))
				}
				rules := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
				for _, p := range principals {
					rules.Content = append(rules.Content, mapping(
						"from", sequence(mapping("source", mapping("principals", []string{p}))),
						"to", to))
				}
				g.add(securityGroup, "AuthorizationPolicy", ns, w.name+"-authz", mapping(
					"selector", mapping("matchLabels", mapping("app", app)),
					"action", "ALLOW",
					"rules", rules))
			}
		}
		if s.Sidecar.Enabled && len(workloads) > 0 && !ex.nsSidecar[ns] {
			g.add(networkingGroup, "Sidecar", ns, "default", mapping("egress", sequence(mapping("hosts", s.Sidecar.EgressHosts))))
			ex.nsSidecar[ns] = true
		}
	}
	return g.out
}

// servers are the workloads that serve traffic (not run-to-completion Jobs).
func servers(ws []*item) []*item {
	var out []*item
	for _, w := range ws {
		if w.kind != "Job" && w.kind != "CronJob" {
			out = append(out, w)
		}
	}
	return out
}

// principals are the SPIFFE identities allowed to call w.
func (r *run) principals(w *item) ([]string, bool) {
	var out []string
	for _, sa := range r.spec.AuthorizationPolicy.ServiceAccounts {
		ns, name, found := strings.Cut(sa, "/")
		if !found {
			ns, name = w.ns, sa
		}
		if ns == "" {
			r.result(w, framework.Warning, "", fmt.Sprintf("no AuthorizationPolicy: the namespace of service account %q is unknown (set spec.namespace or write namespace/name)", sa))
			return nil, false
		}
		out = append(out, fmt.Sprintf("%s/ns/%s/sa/%s", r.spec.ClusterDomain, ns, name))
	}
	return out, true
}

type generator struct {
	run  *run
	ex   *existing
	out  []*yaml.RNode
	next int // the last index used in the generated file
}

// app is the workload's `app` pod label, which ONAP's policies select on;
// "" (with a result) when it has none or a policy already selects it.
func (g *generator) app(w *item, kind string) string {
	app := w.podLabels()["app"]
	if app == "" {
		g.run.result(w, framework.Info, joinPath(templatePath(w.kind), "metadata.labels.app"),
			fmt.Sprintf("no %s generated: the pod template has no app label to select it by", kind))
		return ""
	}
	key := kind + "/" + w.ns + "/" + app
	if g.ex.selected[key] {
		return ""
	}
	g.ex.selected[key] = true
	return app
}

// add appends a generated resource unless one of that name exists.
func (g *generator) add(group, kind, ns, name string, spec *yaml.Node) bool {
	key := group + "/" + kind + "/" + ns + "/" + name
	if g.ex.names[key] {
		return false
	}
	g.ex.names[key] = true
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
	return true
}

// mapping builds a mapping node from key, value pairs; values are strings,
// string lists or nodes.
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
		}
		m.Content = append(m.Content, newScalar(kv[i].(string)), v)
	}
	return m
}

func sequence(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// served are the container ports of w that Services reach, with the
// protocol Istio gives each Service port.
func (r *run) served(w *item) []mesh.ServedPort {
	var out []mesh.ServedPort
	for _, svc := range r.items {
		if svc.kind != "Service" || svc.apiVersion != "v1" || !slices.Contains(r.backends(svc), w) {
			continue
		}
		for _, pn := range seq(svc.root, "spec", "ports") {
			num, _ := intValue(get(pn, "port"))
			p := mesh.Port{Name: str(pn, "name"), AppProtocol: str(pn, "appProtocol"), Port: num, Protocol: str(pn, "protocol")}
			if strings.EqualFold(p.Protocol, "UDP") || strings.EqualFold(p.Protocol, "SCTP") {
				continue
			}
			target := num
			if tp := get(pn, "targetPort"); tp != nil {
				if n, ok := intValue(tp); ok && tp.Tag != "!!str" {
					target = n
				} else if name := str(pn, "targetPort"); name != "" {
					target = 0
					for _, c := range containers(w) {
						for _, cp := range seq(c, "ports") {
							if str(cp, "name") == name {
								target, _ = intValue(get(cp, "containerPort"))
							}
						}
					}
				}
			}
			if target > 0 {
				out = append(out, mesh.ServedPort{Number: target, Protocol: mesh.SelectFor(r.version, p)})
			}
		}
	}
	return out
}
