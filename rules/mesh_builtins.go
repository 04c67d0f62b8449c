package rules

import (
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/meshready/meshready/internal/mesh"
)

// The Rego rules ask internal/mesh, meshready's one model of Istio, through
// these built-ins rather than re-implementing Istio in Rego
// (policies/README.md describes them for policy authors):
//
//	meshready.model(input)                     the facts of the whole input (mesh.Analyze)
//	meshready.port_protocol(port, version)     Istio's protocol of a Service port object ("" when Istio sniffs)
//	meshready.host_matches(host, ns, name, service_ns)  a host written in namespace ns reaches Service name.service_ns
//	meshready.istio_container(name)            the container is one of Istio's own (istio-proxy, istio-init, istio-validation)
//	meshready.selector_matches(selector, labels)  a metav1.LabelSelector (matchLabels, matchExpressions) selects labels
//	meshready.binary_port(number)              the server-first or binary protocol a well-known port carries, or ""
//	meshready.inject_reading(value, settings)  how the injector reads a sidecar.istio.io/inject value: "inject", "do not inject" or "default"
//	meshready.proxy_port(number)               what istio-proxy itself uses a port for, or ""
//	meshready.port_list(value)                 a traffic annotation's port list as the injector reads it, or null when it rejects it
//
// meshready.port_evidence(input): per Service (by input index), the ports
// whose declared protocol strong evidence in the input contradicts
// (mesh.Judged.Contradictions): [{"index", "field", "value", "declared",
// "protocol", "reason"}].
//
// meshready.port_mismatch(input): the same shape, for the ports whose
// declared protocol mesh.Judged.Mismatches refutes (a binary protocol's well-known
// port named http with no HTTP evidence).
//
// meshready.port_sniffed_http(input): the same shape, for the ports Istio
// sniffs that the evidence shows carry HTTP or gRPC in the clear
// (mesh.Judged.SniffedHTTP; "declared" is "").
func init() {
	register([]builtin{
		{name: "meshready.proxy_port", decl: decl(types.S, types.A), fn1: proxyPortBuiltin},
		{name: "meshready.port_list", decl: decl(types.A, types.A), fn1: portListBuiltin},
		{name: "meshready.inject_reading", decl: decl(types.S, types.A, types.A), fn2: injectReadingBuiltin},
		{name: "meshready.istio_container", decl: decl(types.B, types.A), fn1: istioContainerBuiltin},
		{name: "meshready.selector_matches", decl: decl(types.B, types.A, types.A), fn2: selectorBuiltin},
		{name: "meshready.binary_port", decl: decl(types.S, types.A), fn1: binaryPortBuiltin},
		{name: "meshready.model", decl: decl(types.A, types.A), fn1: modelBuiltin},
		{name: "meshready.port_protocol", decl: decl(types.S, types.A, types.A), fn2: portProtocolBuiltin},
		{name: "meshready.host_matches", decl: decl(types.B, types.S, types.S, types.S, types.S), fn4: hostMatchesBuiltin},
		{name: "meshready.port_sniffed_http", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.SniffedHTTP })},
		{name: "meshready.port_evidence", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.Contradictions })},
		{name: "meshready.port_mismatch", decl: decl(types.A, types.A), fn1: judgeBuiltin(func(j mesh.Judged) map[int][]mesh.Contradiction { return j.Mismatches })},
	})
}

// builtin is one of meshready's built-ins: its name, its declaration and
// its implementation, of one, two or four arguments (one of fn1, fn2, fn4).
type builtin struct {
	name string
	decl *types.Function
	fn1  rego.Builtin1
	fn2  rego.Builtin2
	fn4  rego.Builtin4
}

// decl declares a built-in of the given arguments and result.
func decl(result types.Type, args ...types.Type) *types.Function {
	return types.NewFunction(types.Args(args...), result)
}

// register registers built-ins, each memoized by its arguments within an
// evaluation.
func register(bs []builtin) {
	for _, b := range bs {
		f := &rego.Function{Name: b.name, Decl: b.decl, Memoize: true}
		switch {
		case b.fn1 != nil:
			rego.RegisterBuiltin1(f, b.fn1)
		case b.fn2 != nil:
			rego.RegisterBuiltin2(f, b.fn2)
		case b.fn4 != nil:
			rego.RegisterBuiltin4(f, b.fn4)
		}
	}
}

func proxyPortBuiltin(_ rego.BuiltinContext, n *ast.Term) (*ast.Term, error) {
	num, ok := n.Value.(ast.Number)
	if !ok {
		return ast.StringTerm(""), nil
	}
	i, ok := num.Int()
	if !ok {
		return ast.StringTerm(""), nil
	}
	return ast.StringTerm(mesh.ProxyPorts[i]), nil
}

func portListBuiltin(_ rego.BuiltinContext, v *ast.Term) (*ast.Term, error) {
	s, _ := v.Value.(ast.String)
	ports, err := mesh.ParsePortList(string(s))
	if err != nil {
		return ast.NullTerm(), nil
	}
	out := make([]*ast.Term, len(ports))
	for i, p := range ports {
		out[i] = ast.IntNumberTerm(p)
	}
	return ast.ArrayTerm(out...), nil
}

func istioContainerBuiltin(_ rego.BuiltinContext, name *ast.Term) (*ast.Term, error) {
	s, _ := name.Value.(ast.String)
	return ast.BooleanTerm(mesh.IstioContainer(string(s))), nil
}

func binaryPortBuiltin(_ rego.BuiltinContext, n *ast.Term) (*ast.Term, error) {
	x, err := ast.JSON(n.Value)
	if err != nil {
		return nil, err
	}
	num, ok := mesh.Number(x)
	if _, isString := x.(string); isString || !ok {
		return ast.StringTerm(""), nil
	}
	return ast.StringTerm(mesh.WellKnownTCP[num]), nil
}

func modelBuiltin(bctx rego.BuiltinContext, in *ast.Term) (*ast.Term, error) {
	e, err := evalOf(bctx, in)
	if err != nil {
		return nil, err
	}
	return modelTerm(e.model)
}

// inputObjects decodes a rule input: its resources and mesh settings.
func inputObjects(in *ast.Term) ([]map[string]any, mesh.Settings, error) {
	x, err := ast.JSON(in.Value)
	if err != nil {
		return nil, mesh.Settings{}, err
	}
	doc, _ := x.(map[string]any)
	settings, _ := doc["settings"].(map[string]any)
	s, err := MeshSettings(settings)
	if err != nil {
		return nil, mesh.Settings{}, err
	}
	raw, _ := doc["resources"].([]any)
	objects := make([]map[string]any, len(raw))
	for i, r := range raw {
		objects[i], _ = r.(map[string]any)
	}
	return objects, s, nil
}

// MeshSettings reads input.settings into the model's settings.
func MeshSettings(settings map[string]any) (mesh.Settings, error) {
	str := func(k string) string { v, _ := settings[k].(string); return v }
	v, err := mesh.ParseVersion(str("istioVersion"))
	if err != nil {
		return mesh.Settings{}, fmt.Errorf("input.settings.istioVersion: %w", err)
	}
	s := mesh.Settings{
		Profile:         mesh.Profile{Version: v, Flavor: str("istioFlavor")},
		Namespace:       str("namespace"),
		NamespaceLabels: mesh.StringMap(settings["namespaceLabels"]),
		ClusterDomain:   str("clusterDomain"),
	}
	s.NativeSidecars, _ = settings["nativeSidecars"].(bool)
	if s.KubernetesMinor, err = mesh.ParseKubernetesVersion(str("kubernetesVersion")); err != nil {
		return mesh.Settings{}, fmt.Errorf("input.settings.kubernetesVersion: %w", err)
	}
	if revs, ok := settings["revisions"].([]any); ok {
		for _, r := range revs {
			if t, ok := r.(string); ok {
				s.Profile.Revisions = append(s.Profile.Revisions, t)
			}
		}
	}
	return s, nil
}

// modelTerm is the model as Rego reads it (policies/README.md, "The mesh model").
func modelTerm(m *mesh.Model) (*ast.Term, error) {
	owned := make([][2]*ast.Term, 0, len(m.Owned))
	for _, i := range slices.Sorted(maps.Keys(m.Owned)) {
		owned = append(owned, [2]*ast.Term{ast.IntNumberTerm(i), ast.StringTerm(m.Owned[i])})
	}
	pods := make([][2]*ast.Term, 0, len(m.Pods))
	for _, i := range slices.Sorted(maps.Keys(m.Pods)) {
		p := m.Pods[i]
		var setting any
		if p.Setting != nil {
			setting = map[string]any{"value": p.Setting.Value, "source": p.Setting.Source}
		}
		rejected := make([]any, 0, len(p.Rejected))
		for _, r := range p.Rejected {
			rejected = append(rejected, map[string]any{"key": r.Key, "value": r.Value, "cause": r.Cause})
		}
		initNetwork := make([]any, 0, len(p.InitNetwork))
		for _, n := range p.InitNetwork {
			reasons := make([]any, len(n.Reasons))
			for k, r := range n.Reasons {
				reasons[k] = r
			}
			initNetwork = append(initNetwork, map[string]any{"index": n.Index, "name": n.Name, "reasons": reasons})
		}
		v, err := ast.InterfaceToValue(map[string]any{
			"initNetwork":    initNetwork,
			"quitsSidecar":   p.QuitsSidecar,
			"injected":       p.Injected,
			"reason":         p.Reason,
			"inject":         setting,
			"optOut":         p.OptOut,
			"prefix":         p.Prefix,
			"namespace":      p.Namespace,
			"nativeSidecars": p.NativeSidecars,
			"rejected":       rejected,
		})
		if err != nil {
			return nil, err
		}
		pods = append(pods, [2]*ast.Term{ast.IntNumberTerm(i), ast.NewTerm(v)})
	}
	ports := make([][2]*ast.Term, 0, len(m.ServicePorts))
	for _, i := range slices.Sorted(maps.Keys(m.ServicePorts)) {
		list := make([]*ast.Term, 0, len(m.ServicePorts[i]))
		for _, p := range m.ServicePorts[i] {
			v, err := ast.InterfaceToValue(map[string]any{
				"index": p.Index, "protocol": p.Protocol, "ignored": p.Ignored, "http": mesh.Parse(p.Protocol).IsHTTP(),
				"source": map[string]any{"field": p.Field, "value": p.Value},
			})
			if err != nil {
				return nil, err
			}
			list = append(list, ast.NewTerm(v))
		}
		ports = append(ports, [2]*ast.Term{ast.IntNumberTerm(i), ast.ArrayTerm(list...)})
	}
	pairs := make([]*ast.Term, 0, len(m.ServiceWorkloads))
	for _, p := range m.ServiceWorkloads {
		pairs = append(pairs, ast.ArrayTerm(ast.IntNumberTerm(p[0]), ast.IntNumberTerm(p[1])))
	}
	hosts := make([][2]*ast.Term, 0, len(m.HostServices))
	for _, i := range slices.Sorted(maps.Keys(m.HostServices)) {
		set := make([]*ast.Term, 0, len(m.HostServices[i]))
		for _, si := range m.HostServices[i] {
			set = append(set, ast.IntNumberTerm(si))
		}
		hosts = append(hosts, [2]*ast.Term{ast.IntNumberTerm(i), ast.SetTerm(set...)})
	}
	return ast.ObjectTerm(
		[2]*ast.Term{ast.StringTerm("version"), ast.StringTerm(m.Version.String())},
		[2]*ast.Term{ast.StringTerm("owned"), ast.ObjectTerm(owned...)},
		[2]*ast.Term{ast.StringTerm("pods"), ast.ObjectTerm(pods...)},
		[2]*ast.Term{ast.StringTerm("servicePorts"), ast.ObjectTerm(ports...)},
		[2]*ast.Term{ast.StringTerm("serviceWorkloads"), ast.SetTerm(pairs...)},
		[2]*ast.Term{ast.StringTerm("hostServices"), ast.ObjectTerm(hosts...)},
	), nil
}

func portProtocolBuiltin(_ rego.BuiltinContext, port, version *ast.Term) (*ast.Term, error) {
	x, err := ast.JSON(port.Value)
	if err != nil {
		return nil, err
	}
	pm, _ := x.(map[string]any)
	vs, _ := version.Value.(ast.String)
	v, err := mesh.ParseVersion(string(vs))
	if err != nil {
		return nil, err
	}
	p := mesh.SelectFor(v, mesh.PortOf(pm))
	if p == mesh.Unsupported {
		return ast.StringTerm(""), nil
	}
	return ast.StringTerm(p.Prefix()), nil
}

func hostMatchesBuiltin(_ rego.BuiltinContext, host, ns, name, svcNS *ast.Term) (*ast.Term, error) {
	s := func(t *ast.Term) string { v, _ := t.Value.(ast.String); return string(v) }
	return ast.BooleanTerm(mesh.HostSelectsService(s(host), s(ns), s(name), s(svcNS), "")), nil
}

func selectorBuiltin(_ rego.BuiltinContext, selector, labels *ast.Term) (*ast.Term, error) {
	sx, err := ast.JSON(selector.Value)
	if err != nil {
		return nil, err
	}
	lx, err := ast.JSON(labels.Value)
	if err != nil {
		return nil, err
	}
	ls := mesh.ParseLabelSelector(sx)
	return ast.BooleanTerm(ls.Matches(mesh.StringMap(lx))), nil
}

func injectReadingBuiltin(_ rego.BuiltinContext, value, settings *ast.Term) (*ast.Term, error) {
	sx, err := ast.JSON(settings.Value)
	if err != nil {
		return nil, err
	}
	sm, _ := sx.(map[string]any)
	s, err := MeshSettings(sm)
	if err != nil {
		return nil, err
	}
	v, _ := value.Value.(ast.String)
	switch s.Profile.ReadInject(string(v)) {
	case mesh.InjectYes:
		return ast.StringTerm("inject"), nil
	case mesh.InjectNo:
		return ast.StringTerm("do not inject"), nil
	}
	return ast.StringTerm("default"), nil
}
