package mesh

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meshready/meshready/internal/mesh/meshtest"
)

// InjectionCase is one row of testdata/injection.tsv as a profile and a pod.
func injectionCase(t *testing.T, r meshtest.Row) (Profile, Pod, bool) {
	t.Helper()
	v, err := ParseVersion(r.Cols[0])
	if err != nil {
		t.Fatalf("%s: %v", r, err)
	}
	p := Profile{Version: v, Flavor: r.Cols[1]}
	if r.Cols[2] != "" {
		p.Revisions = strings.Split(r.Cols[2], ",")
	}
	pod := Pod{Namespace: r.Cols[3], NamespaceLabels: meshtest.Map(r.Cols[4]), Labels: meshtest.Map(r.Cols[5]),
		Annotations: meshtest.Map(r.Cols[6]), HostNetwork: r.Cols[7] == "true"}
	return p, pod, r.Cols[8] == "injected"
}

func TestInjectionTable(t *testing.T) {
	for _, r := range meshtest.Table(t, "injection.tsv") {
		p, pod, want := injectionCase(t, r)
		d := p.Decide(pod)
		if d.Injected != want {
			t.Errorf("%s (%s): injected = %v (%s), want %v", r, r.Cols[9], d.Injected, d.Reason, want)
		}
		if d.Reason == "" {
			t.Errorf("%s: no reason given", r)
		}
	}
}

func TestHostTable(t *testing.T) {
	for _, r := range meshtest.Table(t, "hosts.tsv") {
		got := HostSelectsService(r.Cols[0], r.Cols[1], r.Cols[2], r.Cols[3], "")
		if want := r.Cols[4] == "match"; got != want {
			t.Errorf("%s (%s): HostSelectsService(%q in %s, %s.%s) = %v, want %v", r, r.Cols[5], r.Cols[0], r.Cols[1], r.Cols[2], r.Cols[3], got, want)
		}
	}
}

// The injector's validation (pkg/kube/inject/validate.go): a rejected value
// makes the webhook refuse the pod.
func TestValidateTrafficAnnotation(t *testing.T) {
	for _, c := range []struct {
		key, value string
		ok         bool
	}{
		{ExcludeInboundPorts, "*", false},
		{ExcludeInboundPorts, "15020", true},
		{ExcludeInboundPorts, " 8080 , 9090 ", true},
		{ExcludeInboundPorts, "65536", false},
		{ExcludeOutboundPorts, "0", true},
		{ExcludeOutboundPorts, "http", false},
		{IncludeInboundPorts, "*", true},
		{IncludeInboundPorts, "", true},
		{ExcludeOutboundIPRanges, "10.0.0.0/8,192.168.0.0/16", true},
		{ExcludeOutboundIPRanges, "10.0.0.0/33", false},
		{ExcludeOutboundIPRanges, "10.0.0.0/8, 192.168.0.0/16", false}, // entries are not trimmed
		{ExcludeOutboundIPRanges, "*", false},
		{IncludeOutboundIPRanges, "*", true},
		{IncludeOutboundIPRanges, "10.0.0.1", false},
		{"sidecar.istio.io/inject", "*", true}, // not a traffic annotation
	} {
		if err := ValidateTrafficAnnotation(c.key, c.value); (err == nil) != c.ok {
			t.Errorf("%s=%q: err %v, want ok %v", c.key, c.value, err, c.ok)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{"": "1.30", "1.24": "1.24", "v1.21.3": "1.21.3", "1.30": "1.30"} {
		v, err := ParseVersion(in)
		if err != nil || v.String() != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %s", in, v, err, want)
		}
	}
	for _, bad := range []string{"1.19", "1.31", "2.0", "latest", "1", "1.x"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q): no error", bad)
		}
	}
}

// Version-dependent protocol selection: kubernetes.io/ws and wss from 1.24.
func TestSelectForVersion(t *testing.T) {
	ws := Port{Name: "api", AppProtocol: "kubernetes.io/ws", Port: 8080}
	if got := SelectFor(Version{Major: 1, Minor: 23}, ws); got != Unsupported {
		t.Errorf("1.23 kubernetes.io/ws = %s, want %s", got, Unsupported)
	}
	if got := SelectFor(Version{Major: 1, Minor: 24}, ws); got != HTTP {
		t.Errorf("1.24 kubernetes.io/ws = %s, want %s", got, HTTP)
	}
}

func TestAnalyze(t *testing.T) {
	svc := func(name, typ string, sel map[string]any) map[string]any {
		spec := map[string]any{"ports": []any{map[string]any{"name": "api", "port": int64(8080)}}, "type": typ}
		if sel != nil {
			spec["selector"] = sel
		}
		if typ == "ExternalName" {
			spec["externalName"] = "aai.onap.svc.cluster.local"
		}
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name}, "spec": spec}
	}
	dep := func(name, kind string, labels map[string]any) map[string]any {
		return map[string]any{"apiVersion": "apps/v1", "kind": kind, "metadata": map[string]any{"name": name},
			"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": map[string]any{}}}}
	}
	gw := dep("waypoint", "Deployment", map[string]any{"app": "w"})
	gw["metadata"].(map[string]any)["labels"] = map[string]any{ManagedGatewayLabel: "istio.io-mesh-controller"}
	objs := []map[string]any{
		svc("ext", "ExternalName", nil),
		svc("all", "", nil),
		svc("aai", "", map[string]any{"app": "aai"}),
		dep("aai", "Deployment", map[string]any{"app": "aai"}),
		dep("rc", "ReplicationController", map[string]any{"app": "aai"}),
		dep("dc", "DeploymentConfig", map[string]any{"app": "other"}),
		gw,
		{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "onap", "labels": map[string]any{}}},
	}
	m := Analyze(objs, Settings{Namespace: "onap", NamespaceLabels: map[string]string{NamespaceInjectLabel: "enabled"}})
	if got := m.ServicePorts[0][0].Ignored; got == "" {
		t.Error("ExternalName port not ignored at 1.30")
	}
	if got := Analyze(objs, Settings{Profile: Profile{Version: Version{Major: 1, Minor: 20}}}).ServicePorts[0][0].Ignored; got != "" {
		t.Errorf("ExternalName port ignored at 1.20: %s", got)
	}
	pairs := map[[2]int]bool{}
	for _, p := range m.ServiceWorkloads {
		pairs[p] = true
	}
	if !pairs[[2]int{2, 3}] || !pairs[[2]int{2, 4}] || len(pairs) != 2 {
		t.Errorf("ServiceWorkloads = %v, want the aai Service selecting the Deployment and the ReplicationController only", m.ServiceWorkloads)
	}
	if m.Pods[5] == nil {
		t.Error("DeploymentConfig is not a workload")
	}
	if m.Owned[6] == "" || m.Pods[6] != nil {
		t.Errorf("managed waypoint: owned %q, pod %v", m.Owned[6], m.Pods[6])
	}
	// The rendered Namespace (no labels) wins over namespaceLabels.
	if m.Pods[3].Injected {
		t.Errorf("injected although the rendered Namespace has no injection label: %s", m.Pods[3].Reason)
	}
}

// A generated ALLOW policy lists HTTP methods only on HTTP ports.
func TestAllowOperations(t *testing.T) {
	ops := AllowOperations([]ServedPort{{9200, HTTP}, {9300, TCP}}, []string{"GET"})
	if len(ops) != 2 || len(ops[0].Methods) != 1 || ops[0].Ports[0] != "9200" || len(ops[1].Methods) != 0 || ops[1].Ports[0] != "9300" {
		t.Errorf("AllowOperations = %+v", ops)
	}
	if ops := AllowOperations(nil, []string{"GET"}); len(ops) != 1 || len(ops[0].Ports) != 0 {
		t.Errorf("no ports: %+v", ops)
	}
}

// W10: a template container named istio-proxy without the status annotation
// is a customisation the injector merges, not an injected pod.
func TestAnalyzeInjectedTemplate(t *testing.T) {
	for _, c := range []struct {
		name        string
		annotations map[string]any
		init        []any
		want        bool
	}{
		{"customisation only", nil, nil, false},
		{"status annotation", map[string]any{StatusAnnotation: "{}"}, nil, true},
		{"proxy beside istio-init", nil, []any{map[string]any{"name": InitContainer}}, true},
		{"proxy beside istio-validation", nil, []any{map[string]any{"name": ValidationContainer}}, true},
	} {
		spec := map[string]any{"containers": []any{map[string]any{"name": "app"}, map[string]any{"name": ProxyContainer, "resources": map[string]any{}}}}
		if c.init != nil {
			spec["initContainers"] = c.init
		}
		dep := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d"},
			"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"annotations": c.annotations}, "spec": spec}}}
		m := Analyze([]map[string]any{dep}, Settings{Namespace: "onap"})
		if got := m.Pods[0].Injected; got != c.want {
			t.Errorf("%s: injected = %v (%s), want %v", c.name, got, m.Pods[0].Reason, c.want)
		}
	}
}

// W5, W7: from 1.21 an ExternalName Service (with a spec.externalName) takes
// no DestinationRule and its ports do nothing (release note
// external-name-on.yaml, pilot/pkg/serviceregistry/kube/conversion.go:52 @1.21.0).
func TestExternalNameAlias(t *testing.T) {
	ext := func(externalName string) map[string]any {
		spec := map[string]any{"type": "ExternalName", "ports": []any{map[string]any{"name": "http", "port": int64(80)}}}
		if externalName != "" {
			spec["externalName"] = externalName
		}
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "ext", "namespace": "onap"}, "spec": spec}
	}
	dr := map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": map[string]any{"name": "dr", "namespace": "onap"}, "spec": map[string]any{"host": "ext"}}
	for _, c := range []struct {
		version      Version
		externalName string
		drApplies    bool
	}{
		{Version{Major: 1, Minor: 30}, "aai.onap.svc.cluster.local", false},
		{Version{Major: 1, Minor: 21}, "aai.onap.svc.cluster.local", false},
		{Version{Major: 1, Minor: 20}, "aai.onap.svc.cluster.local", true},
		{Version{Major: 1, Minor: 30}, "", true}, // no externalName: not an alias (conversion.go:52)
	} {
		m := Analyze([]map[string]any{ext(c.externalName), dr}, Settings{Profile: Profile{Version: c.version}, Namespace: "onap"})
		if got := len(m.HostServices[1]) == 1; got != c.drApplies {
			t.Errorf("%s externalName %q: DestinationRule applies = %v, want %v", c.version, c.externalName, got, c.drApplies)
		}
		if ignored := m.ServicePorts[0][0].Ignored != ""; ignored == c.drApplies {
			t.Errorf("%s externalName %q: port ignored = %v, want %v", c.version, c.externalName, ignored, !c.drApplies)
		}
	}
}

func TestAnnotationTable(t *testing.T) {
	for _, r := range meshtest.Table(t, "annotations.tsv") {
		v, err := ParseVersion(r.Cols[0])
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		value, err := strconv.Unquote(r.Cols[2])
		if err != nil {
			t.Fatalf("%s: value %s: %v", r, r.Cols[2], err)
		}
		err = ValidateInjectAnnotation(v, r.Cols[1], value)
		if got := map[bool]string{true: "valid", false: "rejected"}[err == nil]; got != r.Cols[3] {
			t.Errorf("%s (%s): %s=%q at %s is %s (%v), want %s", r, r.Cols[4], r.Cols[1], value, v, got, err, r.Cols[3])
		}
	}
}

func TestNativeSidecarTable(t *testing.T) {
	for _, r := range meshtest.Table(t, "native.tsv") {
		v, err := ParseVersion(r.Cols[0])
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		k, err := ParseKubernetesVersion(r.Cols[3])
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		s := Settings{Profile: Profile{Version: v}, Namespace: "onap", NamespaceLabels: map[string]string{NamespaceInjectLabel: "enabled"},
			NativeSidecars: r.Cols[2] == "true", KubernetesMinor: k}
		tmpl := map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "job"}}}}
		if r.Cols[1] != "" {
			a, err := strconv.Unquote(r.Cols[1])
			if err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			tmpl["metadata"] = map[string]any{"annotations": map[string]any{NativeSidecarKey: a}}
		}
		job := map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "j"}, "spec": map[string]any{"template": tmpl}}
		got := Analyze([]map[string]any{job}, s).Pods[0].NativeSidecars
		if want := r.Cols[4] == "native"; got != want {
			t.Errorf("%s (%s): native = %v, want %v", r, r.Cols[5], got, want)
		}
	}
}

// W4: the DestinationRule that applies is chosen per client namespace
// (pilot/pkg/model/push_context.go destinationRule, 1.30.0): the client's
// namespace, then the Service's (exported), then istio-system (exported);
// the most specific host within each.
func TestEffectiveDestinationRules(t *testing.T) {
	const aai = "aai.onap.svc.cluster.local"
	for _, c := range []struct {
		name   string
		drs    []DestRule
		client string
		want   []int
	}{
		{"a third namespace's rule never applies", []DestRule{{Index: 0, NS: "other", Host: "*.local"}}, "onap", nil},
		{"the third namespace's own clients use it", []DestRule{{Index: 0, NS: "other", Host: "*.local"}}, "other", []int{0}},
		{"the service namespace's exact host shadows the root's *.local",
			[]DestRule{{Index: 0, NS: "onap", Host: aai}, {Index: 1, NS: RootNamespace, Host: "*.local"}}, "onap", []int{0}},
		{"root namespace applies when nothing closer does", []DestRule{{Index: 1, NS: RootNamespace, Host: "*.local"}}, "sdc", []int{1}},
		{"the client's namespace wins over the service's", []DestRule{{Index: 0, NS: "onap", Host: aai}, {Index: 1, NS: "sdc", Host: "*.local"}}, "sdc", []int{1}},
		{"exportTo . hides it from other namespaces", []DestRule{{Index: 0, NS: "onap", Host: aai, ExportTo: []string{"."}}}, "sdc", nil},
		{"exportTo . keeps it for its own namespace", []DestRule{{Index: 0, NS: "onap", Host: aai, ExportTo: []string{"."}}}, "onap", []int{0}},
		{"exportTo a listed namespace", []DestRule{{Index: 0, NS: "onap", Host: aai, ExportTo: []string{"sdc"}}}, "sdc", []int{0}},
		{"the longest wildcard wins", []DestRule{{Index: 0, NS: "onap", Host: "*.local"}, {Index: 1, NS: "onap", Host: "*.onap.svc.cluster.local"}}, "onap", []int{1}},
		{"same host in one namespace: merged", []DestRule{{Index: 0, NS: "onap", Host: aai}, {Index: 1, NS: "onap", Host: aai}}, "onap", []int{0, 1}},
	} {
		got := EffectiveDestinationRules(c.drs, c.client, aai, "onap")
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Through Analyze, as the mtls rules read it: DR b (aai, DISABLE) in onap and DR c (*.local)
	// in istio-system, client in onap: only b applies to aai.
	svc := map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "aai", "namespace": "onap"}, "spec": map[string]any{}}
	dr := func(name, ns, host string) map[string]any {
		return map[string]any{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": map[string]any{"name": name, "namespace": ns}, "spec": map[string]any{"host": host}}
	}
	m := Analyze([]map[string]any{svc, dr("a", "other", "*.local"), dr("b", "onap", "aai"), dr("c", RootNamespace, "*.local")}, Settings{Namespace: "onap"})
	if len(m.HostServices[1]) != 0 || len(m.HostServices[2]) != 1 || len(m.HostServices[3]) != 0 {
		t.Errorf("HostServices = %v, want only DR b on aai", m.HostServices)
	}
}
