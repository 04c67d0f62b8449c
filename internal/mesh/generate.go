package mesh

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meshready/meshready/internal/resource"
)

// OpGenerate adds an Istio resource (a Plan operation).
const OpGenerate OpKind = "generate an Istio resource"

// Fields are a generated resource's spec, in the order it is written.
// A value is a string, a []string, Fields or a []Fields.
type Fields []Field

// Field is one key of Fields.
type Field struct {
	Key   string
	Value any
}

// Generated is the resource an OpGenerate adds.
type Generated struct {
	Group, Kind, Namespace, Name string
	Spec                         Fields
}

// Note is something a plan tells about an input object: why a resource
// was not generated for it.
type Note struct {
	Object  int
	Warning bool // else information
	// Field is the path of the field behind it ("" for the object).
	Field, Message string
}

// GenerateOptions say which Istio resources to generate.
type GenerateOptions struct {
	// PeerAuthentication: one per namespace with workloads (Scope
	// "namespace") or per serving workload ("workload"), mTLS Mode.
	PeerAuthentication bool
	PeerMode, Scope    string
	// DestinationRule: ISTIO_MUTUAL for every Service that takes one.
	DestinationRule bool
	// AuthorizationPolicy: one ALLOW policy per serving workload, for the
	// ServiceAccounts ("name" in the workload's namespace, or
	// "namespace/name"), HTTP Methods only on the ports Istio reads as HTTP.
	AuthorizationPolicy bool
	ServiceAccounts     []string
	Methods             []string
	// Sidecar: a namespace-wide Sidecar scoping egress to EgressHosts.
	Sidecar     bool
	EgressHosts []string
	// Domain is the cluster domain: Service hosts and the SPIFFE trust domain.
	Domain string
}

const (
	securityGroup   = "security.istio.io"
	networkingGroup = "networking.istio.io"
)

// PlanGenerated decides the Istio resources to add to rs (resolved
// namespaces) for release v, namespace by namespace in name order, none
// that exists already (by name, by DestinationRule host, by a
// namespace-wide policy or one selecting the workload's app label).
func PlanGenerated(v Version, rs []*resource.Resource, opts GenerateOptions) ([]Op, []Note) {
	if !opts.PeerAuthentication && !opts.DestinationRule && !opts.AuthorizationPolicy && !opts.Sidecar {
		return nil, nil
	}
	g := &generation{v: v, rs: rs, opts: opts, names: map[string]bool{}, hosts: map[string]bool{},
		nsPolicy: map[string]bool{}, nsSidecar: map[string]bool{}, selected: map[string]bool{}}
	g.index()
	byNS := map[string][]int{}
	var nss []string
	for i, r := range rs {
		// an object without a name cannot be selected or addressed: nothing
		// generated for it would be valid
		if r.Name == "" || !g.workload(r) && !(r.Kind == "Service" && r.APIVersion == "v1") {
			continue
		}
		if byNS[r.Namespace] == nil {
			nss = append(nss, r.Namespace)
		}
		byNS[r.Namespace] = append(byNS[r.Namespace], i)
	}
	slices.Sort(nss)
	for _, ns := range nss {
		var workloads, services []int
		for _, i := range byNS[ns] {
			if g.workload(rs[i]) {
				workloads = append(workloads, i)
			} else if !ExternalNameAlias(v, rs[i].Object) {
				// Istio applies no DestinationRule to an ExternalName alias (from 1.21).
				services = append(services, i)
			}
		}
		g.namespace(ns, workloads, services)
	}
	return g.ops, g.notes
}

type generation struct {
	v     Version
	rs    []*resource.Resource
	opts  GenerateOptions
	ops   []Op
	notes []Note
	// what exists: group/kind/namespace/name, DestinationRule hosts,
	// namespace-wide PeerAuthentications and Sidecars by namespace,
	// kind/namespace/app of workload-selecting policies
	names, hosts, nsPolicy, nsSidecar, selected map[string]bool
}

func (g *generation) workload(r *resource.Resource) bool {
	return resource.IsWorkload(r.Kind) && PodTemplate(r.Kind, r.Object) != nil
}

func (g *generation) index() {
	for _, r := range g.rs {
		group, _, _ := strings.Cut(r.APIVersion, "/")
		if group != securityGroup && group != networkingGroup {
			continue
		}
		g.names[group+"/"+r.Kind+"/"+r.Namespace+"/"+r.Name] = true
		spec := field(r.Object, "spec")
		app := text(field(spec, "selector", "matchLabels", "app"))
		switch r.Kind {
		case "DestinationRule":
			g.hosts[ResolveHost(text(field(spec, "host")), r.Namespace, domainOr(g.opts.Domain))] = true
		case "PeerAuthentication":
			if field(spec, "selector") == nil {
				g.nsPolicy[r.Namespace] = true
			}
		case "Sidecar":
			app = text(field(spec, "workloadSelector", "labels", "app"))
			if field(spec, "workloadSelector") == nil {
				g.nsSidecar[r.Namespace] = true
			}
		}
		if app != "" {
			g.selected[r.Kind+"/"+r.Namespace+"/"+app] = true
		}
	}
}

// add plans a resource unless one of that name exists.
func (g *generation) add(group, kind, ns, name string, spec Fields) bool {
	key := group + "/" + kind + "/" + ns + "/" + name
	if g.names[key] {
		return false
	}
	g.names[key] = true
	g.ops = append(g.ops, Op{Kind: OpGenerate, Object: -1, Generated: &Generated{Group: group, Kind: kind, Namespace: ns, Name: name, Spec: spec}})
	return true
}

func (g *generation) namespace(ns string, workloads, services []int) {
	o := g.opts
	if o.PeerAuthentication {
		mtls := Fields{{"mtls", Fields{{"mode", o.PeerMode}}}}
		if o.Scope == "namespace" {
			if len(workloads) > 0 && !g.nsPolicy[ns] {
				g.add(securityGroup, "PeerAuthentication", ns, "default", mtls)
				g.nsPolicy[ns] = true
			}
		} else {
			for _, w := range g.servers(workloads) {
				if app := g.app(w, "PeerAuthentication"); app != "" {
					g.add(securityGroup, "PeerAuthentication", ns, g.rs[w].Name, append(Fields{{"selector", Fields{{"matchLabels", Fields{{"app", app}}}}}}, mtls...))
				}
			}
		}
	}
	if o.DestinationRule {
		for _, si := range services {
			name := g.rs[si].Name
			host := ServiceHost(name, ns, o.Domain)
			if g.hosts[host] {
				continue
			}
			if g.add(networkingGroup, "DestinationRule", ns, name, Fields{{"host", host}, {"trafficPolicy", Fields{{"tls", Fields{{"mode", "ISTIO_MUTUAL"}}}}}}) {
				g.hosts[host] = true
			}
		}
	}
	if o.AuthorizationPolicy {
		for _, w := range g.servers(workloads) {
			principals, ok := g.principals(w)
			if !ok {
				continue
			}
			app := g.app(w, "AuthorizationPolicy")
			if app == "" {
				continue
			}
			var to []Fields
			for _, op := range AllowOperations(g.served(w), o.Methods) {
				var f Fields
				if len(op.Methods) > 0 {
					f = append(f, Field{"methods", op.Methods})
				}
				if len(op.Ports) > 0 {
					f = append(f, Field{"ports", op.Ports})
				}
				to = append(to, Fields{{"operation", f}})
			}
			var rules []Fields
			for _, p := range principals {
				rules = append(rules, Fields{{"from", []Fields{{{"source", Fields{{"principals", []string{p}}}}}}}, {"to", to}})
			}
			g.add(securityGroup, "AuthorizationPolicy", ns, g.rs[w].Name+"-authz", Fields{
				{"selector", Fields{{"matchLabels", Fields{{"app", app}}}}}, {"action", "ALLOW"}, {"rules", rules}})
		}
	}
	if o.Sidecar && len(workloads) > 0 && !g.nsSidecar[ns] {
		g.add(networkingGroup, "Sidecar", ns, "default", Fields{{"egress", []Fields{{{"hosts", o.EgressHosts}}}}})
		g.nsSidecar[ns] = true
	}
}

// servers are the workloads that serve traffic (not run-to-completion Jobs).
func (g *generation) servers(ws []int) []int {
	var out []int
	for _, w := range ws {
		if k := g.rs[w].Kind; k != "Job" && k != "CronJob" {
			out = append(out, w)
		}
	}
	return out
}

// app is the workload's `app` pod label, which ONAP's policies select on;
// "" (with a note) when it has none or a policy already selects it.
func (g *generation) app(w int, kind string) string {
	r := g.rs[w]
	app := StringMap(field(PodTemplate(r.Kind, r.Object), "metadata", "labels"))["app"]
	if app == "" {
		f := "metadata.labels.app"
		if p := strings.Join(resource.PodTemplatePath(r.Kind), "."); p != "" {
			f = p + "." + f
		}
		g.notes = append(g.notes, Note{Object: w, Field: f, Message: fmt.Sprintf("no %s generated: the pod template has no app label to select it by", kind)})
		return ""
	}
	key := kind + "/" + r.Namespace + "/" + app
	if g.selected[key] {
		return ""
	}
	g.selected[key] = true
	return app
}

// principals are the SPIFFE identities allowed to call w.
func (g *generation) principals(w int) ([]string, bool) {
	var out []string
	for _, sa := range g.opts.ServiceAccounts {
		ns, name, found := strings.Cut(sa, "/")
		if !found {
			ns, name = g.rs[w].Namespace, sa
		}
		if ns == "" {
			g.notes = append(g.notes, Note{Object: w, Warning: true, Message: fmt.Sprintf("no AuthorizationPolicy: the namespace of service account %q is unknown (set spec.namespace or write namespace/name)", sa)})
			return nil, false
		}
		out = append(out, fmt.Sprintf("%s/ns/%s/sa/%s", domainOr(g.opts.Domain), ns, name))
	}
	return out, true
}

// served are the container ports of w that Services reach, with the
// protocol Istio gives each Service port.
func (g *generation) served(w int) []ServedPort {
	wr := g.rs[w]
	var out []ServedPort
	for _, svc := range g.rs {
		if svc.Kind != "Service" || svc.APIVersion != "v1" || !slices.Contains(Backends(g.rs, svc), wr) {
			continue
		}
		for _, pm := range mapItemsAt(svc.Object, "spec", "ports") {
			if pm == nil {
				continue
			}
			p := PortOf(pm)
			if strings.EqualFold(p.Protocol, "UDP") || strings.EqualFold(p.Protocol, "SCTP") {
				continue
			}
			target := p.Port
			if n, name, ok := IntOrName(pm["targetPort"]); ok && name == "" {
				target = n
			} else if ok && name != "" {
				target = 0
				for _, c := range mapItemsAt(field(PodTemplate(wr.Kind, wr.Object), "spec"), "containers") {
					for _, cp := range mapItemsAt(c, "ports") {
						if text(cp["name"]) == name {
							target, _ = Number(cp["containerPort"])
						}
					}
				}
			}
			if target > 0 {
				out = append(out, ServedPort{Number: target, Protocol: SelectFor(g.v, p)})
			}
		}
	}
	return out
}
