package mesh

import (
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/meshready/meshready/internal/resource"
)

// Settings are the mesh an input is judged for.
type Settings struct {
	Profile Profile
	// Namespace is the release namespace: objects without metadata.namespace live there.
	Namespace string
	// NamespaceLabels are the configured labels of the release namespace.
	NamespaceLabels map[string]string
	// NativeSidecars: istiod runs with ENABLE_NATIVE_SIDECARS=true.
	NativeSidecars bool
	// KubernetesMinor is the cluster's Kubernetes minor release (0:
	// unknown); from Istio 1.27 the default ENABLE_NATIVE_SIDECARS=auto
	// makes sidecars native on Kubernetes >= 1.33 (NativeSidecarFor).
	KubernetesMinor int
	ClusterDomain   string
}

// Model is what Istio makes of one input: the facts every rule, the KRM
// function and the fixer read instead of working them out again.
type Model struct {
	Version Version
	// Owned are the objects Istio manages itself, with the reason: no rule
	// judges them as application objects.
	Owned map[int]string
	// Pods are the pod-bearing objects Istio would inject, by input index.
	Pods map[int]*PodFacts
	// ServicePorts are each Service's ports as Istio reads them.
	ServicePorts map[int][]PortFacts
	// ServiceWorkloads are [service, workload] index pairs: the pods a
	// Service selects.
	ServiceWorkloads [][2]int
	// HostServices are, per DestinationRule, the Services it applies to for
	// some client: a workload of the input or the Service's own namespace
	// (EffectiveDestinationRules; ExternalName Services from 1.21 take none).
	HostServices map[int][]int
}

// PodFacts are a workload's pod template as Istio sees it.
type PodFacts struct {
	Decision
	// Prefix is the field path of the pod template ("spec.template.", "" for a Pod).
	Prefix    string
	Namespace string
	Labels    map[string]string
	// NativeSidecars: istio-proxy runs (or will run) as a native sidecar.
	NativeSidecars bool
	// Rejected are the annotations the injector of the target release
	// refuses (ValidateInjectAnnotation); a pod with any is never created
	// once injection applies.
	Rejected []TrafficAnnotationError
	// InitNetwork are the init containers that need the network before a
	// classic istio-proxy starts (remedy.go).
	InitNetwork []InitNetwork
	// QuitsSidecar: a main container tells istio-proxy to exit (quitquitquit).
	QuitsSidecar bool
	// NativeSet and NativeValue are the pod's own NativeSidecarKey.
	NativeSet   bool
	NativeValue string
}

// PortFacts is one Service port as Istio reads it.
type PortFacts struct {
	Index int
	// Protocol is Istio's protocol in lower case, "" when Istio sniffs.
	Protocol string
	// Field and Value are where Istio read it: appProtocol when set, else name.
	Field, Value string
	// Ignored says why Istio ignores the port ("" when it does not).
	Ignored string
}

// NativeSidecarKey is the per-pod switch for native sidecars.
const NativeSidecarKey = "sidecar.istio.io/nativeSidecar"

// Analyze works out the model of one input.
func Analyze(objects []map[string]any, s Settings) *Model {
	m := &Model{
		Version:      s.Profile.Version.orLatest(),
		Owned:        map[int]string{},
		Pods:         map[int]*PodFacts{},
		ServicePorts: map[int][]PortFacts{},
		HostServices: map[int][]int{},
	}
	nsObjects := map[string]map[string]string{}
	for _, o := range objects {
		if text(o["kind"]) == "Namespace" && text(o["apiVersion"]) == "v1" {
			nsObjects[text(field(o, "metadata", "name"))] = StringMap(field(o, "metadata", "labels"))
		}
	}
	namespaceOf := func(o map[string]any) string {
		if ns := text(field(o, "metadata", "namespace")); ns != "" {
			return ns
		}
		return s.Namespace
	}
	// configMaps merges the data of the rendered ConfigMaps by [namespace, name].
	configMaps := map[[2]string]map[string]string{}
	for _, o := range objects {
		if o == nil || text(o["kind"]) != "ConfigMap" {
			continue
		}
		k := [2]string{namespaceOf(o), text(field(o, "metadata", "name"))}
		if configMaps[k] == nil {
			configMaps[k] = map[string]string{}
		}
		for dk, dv := range StringMap(o["data"]) {
			configMaps[k][dk] = dv
		}
	}
	var services []int
	for i, o := range objects {
		if o == nil {
			continue
		}
		kind, ns := text(o["kind"]), namespaceOf(o)
		if why := IstioObject(StringMap(field(o, "metadata", "labels")), ns); why != "" {
			m.Owned[i] = why
			continue
		}
		switch {
		case kind == "Service" && text(o["apiVersion"]) == "v1":
			services = append(services, i)
			m.ServicePorts[i] = servicePorts(m.Version, o)
		case resource.IsWorkload(kind):
			m.Pods[i] = s.pod(o, kind, ns, NamespaceLabels(ns, s.Namespace, s.NamespaceLabels, nsObjects),
				func(name string) map[string]string { return configMaps[[2]string{ns, name}] })
		}
	}
	workloads := slices.Sorted(maps.Keys(m.Pods))
	for _, si := range services {
		svc := objects[si]
		sel := StringMap(field(svc, "spec", "selector"))
		if len(sel) == 0 {
			continue // no selector, no pods (Selects)
		}
		matches := labels.SelectorFromValidatedSet(sel) // parsed once per Service, as Selects would
		ns := namespaceOf(svc)
		for _, wi := range workloads {
			if p := m.Pods[wi]; p.Namespace == ns && matches.Matches(labels.Set(p.Labels)) {
				m.ServiceWorkloads = append(m.ServiceWorkloads, [2]int{si, wi})
			}
		}
	}
	// DestinationRules apply per client namespace (EffectiveDestinationRules):
	// the clients are the input's workloads, and the Service's own namespace.
	domain := domainOr(s.ClusterDomain)
	var drs []DestRule
	for i, o := range objects {
		if o == nil || text(o["kind"]) != "DestinationRule" {
			continue
		}
		host := text(field(o, "spec", "host"))
		if host == "" {
			continue
		}
		ns := namespaceOf(o)
		d := DestRule{Index: i, NS: ns, Host: ResolveHost(host, ns, domain)}
		for _, e := range stringItems(field(o, "spec", "exportTo")) {
			d.ExportTo = append(d.ExportTo, e)
		}
		drs = append(drs, d)
	}
	clients := map[string]bool{}
	for _, p := range m.Pods {
		clients[p.Namespace] = true
	}
	for _, si := range services {
		svc := objects[si]
		if ExternalNameAlias(m.Version, svc) {
			continue // no DestinationRule applies to an ExternalName Service from 1.21
		}
		svcNS := namespaceOf(svc)
		fqdn := ServiceHost(text(field(svc, "metadata", "name")), svcNS, domain)
		applied := map[int]bool{}
		for _, c := range append(slices.Sorted(maps.Keys(clients)), svcNS) {
			for _, di := range EffectiveDestinationRules(drs, c, fqdn, svcNS) {
				applied[di] = true
			}
		}
		for _, di := range slices.Sorted(maps.Keys(applied)) {
			m.HostServices[di] = append(m.HostServices[di], si)
		}
	}
	return m
}

// pod works out the facts of one workload's pod template.
func (s Settings) pod(o map[string]any, kind, ns string, nsLabels map[string]string, configMap func(string) map[string]string) *PodFacts {
	path := resource.PodTemplatePath(kind)
	tmpl := PodTemplate(kind, o)
	prefix := ""
	if len(path) > 0 {
		prefix = strings.Join(path, ".") + "."
	}
	spec, _ := field(tmpl, "spec").(map[string]any)
	labels := StringMap(field(tmpl, "metadata", "labels"))
	annotations := StringMap(field(tmpl, "metadata", "annotations"))
	pod := Pod{
		Namespace:       ns,
		Labels:          labels,
		Annotations:     annotations,
		HostNetwork:     field(spec, "hostNetwork") == true,
		NamespaceLabels: nsLabels,
	}
	native, proxy, initC := false, false, false
	for _, c := range mapItems(field(spec, "initContainers")) {
		switch text(c["name"]) {
		case ProxyContainer:
			proxy = true
			native = native || NativeSidecar(c)
		case InitContainer, ValidationContainer:
			initC = true
		}
	}
	for _, c := range mapItems(field(spec, "containers")) {
		if text(c["name"]) == ProxyContainer {
			proxy = true
		}
	}
	// A template container named istio-proxy alone is a customisation the
	// injector merges into the proxy it injects (istio.io "Customizing
	// injection"; pkg/kube/inject/webhook.go:574 @1.30.0, !alreadyInjected &&
	// len(overrides.Containers) > 0): the pod still goes through the webhook
	// selection. Istio's output carries the status annotation, or istio-proxy
	// with istio-init or istio-validation beside it.
	_, status := annotations[StatusAnnotation]
	pod.Injected = status || proxy && initC
	nativeValue, nativeSet := annotations[NativeSidecarKey]
	if !pod.Injected {
		native = NativeSidecarFor(s.Profile.Version, nativeValue, nativeSet, s.NativeSidecars, s.KubernetesMinor)
	}
	return &PodFacts{
		InitNetwork:    initNetwork(spec, annotations, configMap),
		QuitsSidecar:   quitsSidecar(spec),
		NativeSet:      nativeSet,
		NativeValue:    nativeValue,
		Decision:       s.Profile.Decide(pod),
		Prefix:         prefix,
		Namespace:      ns,
		Labels:         labels,
		NativeSidecars: native,
		Rejected:       RejectedAnnotations(s.Profile.Version, annotations),
	}
}

// servicePorts reads a Service's ports as Istio release v does.
func servicePorts(v Version, svc map[string]any) []PortFacts {
	externalName := ExternalNameAlias(v, svc)
	items, _ := field(svc, "spec", "ports").([]any)
	var out []PortFacts
	for j, it := range items {
		pm, ok := it.(map[string]any)
		if !ok {
			continue
		}
		p := PortOf(pm)
		f := PortFacts{Index: j, Field: "name", Value: p.Name}
		if _, set := pm["appProtocol"]; set && pm["appProtocol"] != nil {
			f.Field, f.Value = "appProtocol", p.AppProtocol
		}
		if proto := SelectFor(v, p); proto != Unsupported {
			f.Protocol = proto.Prefix()
		}
		if externalName {
			f.Ignored = "an ExternalName Service is a DNS alias since Istio 1.21: its ports select no protocol"
		}
		out = append(out, f)
	}
	return out
}

// ExternalNameAlias: Istio release v treats the Service as a DNS alias of
// its spec.externalName (from 1.21, externalNameAlias): its ports select no
// protocol and no DestinationRule applies to it.
func ExternalNameAlias(v Version, svc map[string]any) bool {
	return v.AtLeast(externalNameAlias) && text(field(svc, "spec", "type")) == "ExternalName" && text(field(svc, "spec", "externalName")) != ""
}

// stringItems reads a list of strings (spec.exportTo).
func stringItems(v any) []string {
	items, _ := v.([]any)
	var out []string
	for _, it := range items {
		if t, ok := it.(string); ok {
			out = append(out, t)
		}
	}
	return out
}

// field walks nested maps.
func field(o any, keys ...string) any {
	for _, k := range keys {
		m, ok := o.(map[string]any)
		if !ok {
			return nil
		}
		o = m[k]
	}
	return o
}

// StringMap reads a labels or annotations map; values that are not
// strings are read as their text (a rendered `true` label is "true").
func StringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k] = text(x)
	}
	return out
}
