package mesh

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// What a classic (non-native) istio-proxy sidecar breaks, and what fix and
// fn write so that the pod they inject still works. The rules
// init-container-network and job-sidecar-termination read the same facts
// (PodFacts.InitNetwork, PodFacts.QuitsSidecar) through meshready.model.

// istio-iptables does not redirect the traffic of ProxyUID (-u 1337), so an
// init container running as it reaches the network before the proxy starts
// (istio.io "Install Istio with the Istio CNI plugin", "Compatibility with
// application init containers").

// Kubernetes runs init containers with restartPolicy Always as native
// sidecars from 1.29 (beta, on by default; 1.28 alpha behind the
// SidecarContainers feature gate, which meshready does not assume).
const nativeKubernetes = 29

// InitNetwork is an application init container that needs the network
// before a classic istio-proxy starts: istio-init (or the CNI plugin)
// redirects its traffic to a proxy that only starts after it.
type InitNetwork struct {
	// Index is its position in spec.initContainers.
	Index int
	Name  string
	// Reasons say why, sorted.
	Reasons []string
}

var (
	networkToolRE = regexp.MustCompile(`(?:^|[^\w.-])(curl|wget|nc)(?:[^\w.-]|$)`)
	serviceURLRE  = regexp.MustCompile(`(?i)(\b(https?|grpcs?|tcp|wss?|jdbc:[a-z0-9]+|mysql|postgres(ql)?|mongodb(\+srv)?|redis|amqps?|kafka)://|\.svc(\.cluster\.local)?\b)`)
	// readinessMarkers are the arguments of OOM's readiness image (ready.py).
	readinessMarkers = []string{"ready.py", "--container-name", "--job-name"}
	// outboundExcludes let traffic bypass the proxy for every container.
	outboundExcludes = []string{"traffic.sidecar.istio.io/excludeOutboundIPRanges", "traffic.sidecar.istio.io/excludeOutboundPorts"}
)

// commandText is a container's command and args joined by spaces.
func commandText(c map[string]any) string {
	var parts []string
	for _, k := range []string{"command", "args"} {
		l, _ := c[k].([]any)
		for _, a := range l {
			parts = append(parts, text(a))
		}
	}
	return strings.Join(parts, " ")
}

// runsAsProxy: the container's own securityContext.runAsUser is the proxy's UID.
func runsAsProxy(c map[string]any) bool {
	u := field(c, "securityContext", "runAsUser")
	if _, isString := u.(string); isString {
		return false
	}
	n, ok := Number(u)
	return ok && n == ProxyUID
}

// initNetwork lists the application init containers of a pod spec that
// need the network before the proxy starts, leaving out those that bypass
// it (run as the proxy's UID) and every one when the pod excludes outbound
// traffic from capture. configMap returns the data of a ConfigMap of the
// pod's namespace by name (nil when the input has none).
func initNetwork(spec map[string]any, annotations map[string]string, configMap func(string) map[string]string) []InitNetwork {
	for _, k := range outboundExcludes {
		if annotations[k] != "" {
			return nil
		}
	}
	var out []InitNetwork
	for j, c := range mapItems(field(spec, "initContainers")) {
		name := text(c["name"])
		if IstioContainer(name) || runsAsProxy(c) {
			continue
		}
		reasons := map[string]bool{}
		cmd := commandText(c)
		var signs []string
		for _, f := range []string{"image", "name"} {
			if v := text(c[f]); strings.Contains(strings.ToLower(v), "readiness") {
				signs = append(signs, f+" "+v)
			}
		}
		for _, m := range readinessMarkers {
			if strings.Contains(cmd, m) {
				signs = append(signs, "runs "+m)
			}
		}
		if len(signs) > 0 {
			slices.Sort(signs)
			reasons["OOM readiness check: "+strings.Join(slices.Compact(signs), ", ")] = true
		}
		for _, m := range networkToolRE.FindAllStringSubmatch(cmd, -1) {
			reasons["calls "+m[1]] = true
		}
		for _, e := range envValues(c, configMap) {
			if serviceURLRE.MatchString(e[1]) {
				reasons[fmt.Sprintf("env %s=%s", e[0], e[1])] = true
			}
		}
		if len(reasons) == 0 {
			continue
		}
		out = append(out, InitNetwork{Index: j, Name: name, Reasons: slices.Sorted(maps.Keys(reasons))})
	}
	return out
}

// envValues are a container's environment variables as [name, value]:
// literal values, values a configMapKeyRef resolves to, and the keys of
// envFrom ConfigMaps (with their prefix).
func envValues(c map[string]any, configMap func(string) map[string]string) [][2]string {
	var out [][2]string
	for _, v := range mapItems(c["env"]) {
		name := text(v["name"])
		if val, ok := v["value"]; ok {
			out = append(out, [2]string{name, text(val)})
			continue
		}
		ref, _ := field(v, "valueFrom", "configMapKeyRef").(map[string]any)
		if cm, ok := ref["name"].(string); ok {
			out = append(out, [2]string{name, configMap(cm)[text(ref["key"])]})
			continue
		}
		out = append(out, [2]string{name, ""})
	}
	for _, src := range mapItems(c["envFrom"]) {
		cm := text(field(src, "configMapRef", "name"))
		if cm == "" {
			continue
		}
		prefix := text(src["prefix"])
		for k, val := range configMap(cm) {
			out = append(out, [2]string{prefix + k, val})
		}
	}
	return out
}

// quitsSidecar: a main container tells the proxy to exit
// (`pilot-agent request POST quitquitquit`, curl localhost:15020/quitquitquit).
// EXIT_ON_ZERO_ACTIVE_CONNECTIONS does not count: pilot-agent reads it only
// in Agent.terminate, which runs once the pod is being deleted
// (pkg/envoy/agent.go:130-131,166 @1.27.0, "terminates proxy when number of
// active connections become zero during draining",
// pilot/cmd/pilot-agent/options/options.go:160 @1.27.0); nothing deletes a
// Job's pod when its main container exits.
func quitsSidecar(spec map[string]any) bool {
	for _, c := range mapItems(field(spec, "containers")) {
		if !IstioContainer(text(c["name"])) && strings.Contains(commandText(c), "quitquitquit") {
			return true
		}
	}
	return false
}

// NativeSidecarsWritable is whether fix and fn may write
// sidecar.istio.io/nativeSidecar "true" for release v on Kubernetes minor
// k: the injector reads the annotation from Istio 1.24 (NativeSidecarFor),
// and Kubernetes runs native sidecars by default from 1.29. On an older or
// unknown cluster the injected istio-proxy init container would lose its
// restartPolicy and block the pod, so nothing is assumed.
func NativeSidecarsWritable(v Version, k int) bool {
	return v.orLatest().AtLeast(nativeAnnotationRead) && k >= nativeKubernetes
}

// Remedy is what a pod that fix or fn is about to inject needs so that the
// classic sidecar does not break it. The zero Remedy: nothing.
type Remedy struct {
	// Annotations go on the pod template.
	Annotations map[string]string
	// RunAsProxy are the init containers to run as ProxyUID.
	RunAsProxy []InitNetwork
	// Refuse, when set, says why the pod must not be injected: no documented
	// remedy applies.
	Refuse string
	// Why says what the remedy is for, as fix and fn print it.
	Why string
	// Problem is what a classic sidecar would break; NoNative why native
	// sidecars are not written ("" when they are).
	Problem, NoNative string
}

// Needed reports whether the remedy writes or refuses anything.
func (r Remedy) Needed() bool {
	return r.Refuse != "" || len(r.Annotations) > 0 || len(r.RunAsProxy) > 0
}

// SidecarRemedy decides what a pod of the given kind needs once injected
// (p is its facts before injection, from Analyze): nothing when istio-proxy
// will be native anyway (NativeSidecarFor, e.g. Istio 1.27+ on Kubernetes
// 1.33+) or nothing breaks; else sidecar.istio.io/nativeSidecar "true"
// where Istio and Kubernetes allow it (NativeSidecarsWritable); else the
// documented fallback: init containers run as the proxy's UID (istio.io CNI
// "Compatibility with application init containers"), and a Job or CronJob
// that does not quit its proxy is not injected (quitsSidecar says why
// EXIT_ON_ZERO_ACTIVE_CONNECTIONS is no fallback).
func SidecarRemedy(kind string, p *PodFacts, s Settings) Remedy {
	job := kind == "Job" || kind == "CronJob"
	stuck := job && !p.QuitsSidecar
	if p.NativeSidecars || (!stuck && len(p.InitNetwork) == 0) {
		return Remedy{}
	}
	var problems []string
	if stuck {
		problems = append(problems, fmt.Sprintf("a %s's classic istio-proxy never exits, so its pods never complete", kind))
	}
	for _, n := range p.InitNetwork {
		problems = append(problems, fmt.Sprintf("init container '%s' needs the network before a classic istio-proxy starts (%s)", n.Name, strings.Join(n.Reasons, "; ")))
	}
	problem := strings.Join(problems, "; ")
	v := s.Profile.Version.orLatest()
	if p.NativeSet {
		return Remedy{Problem: problem, Refuse: fmt.Sprintf("%s, and the pod template sets %s %q; set it to \"true\" by hand if Istio %s and the cluster allow native sidecars", problem, NativeSidecarKey, p.NativeValue, v)}
	}
	if NativeSidecarsWritable(v, s.KubernetesMinor) {
		return Remedy{
			Problem:     problem,
			Annotations: map[string]string{NativeSidecarKey: "true"},
			Why:         fmt.Sprintf("%s \"true\" (Istio %s on Kubernetes 1.%d runs istio-proxy as a native sidecar): %s", NativeSidecarKey, v, s.KubernetesMinor, problem),
		}
	}
	cluster := "an unknown Kubernetes release (set kubernetesVersion)"
	if s.KubernetesMinor > 0 {
		cluster = fmt.Sprintf("Kubernetes 1.%d", s.KubernetesMinor)
	}
	why := fmt.Sprintf("native sidecars need Istio >= 1.24 and Kubernetes >= 1.29; the target is Istio %s on %s", v, cluster)
	if stuck {
		return Remedy{Problem: problem, NoNative: why, Refuse: fmt.Sprintf("%s; %s, and EXIT_ON_ZERO_ACTIVE_CONNECTIONS only acts while a pod is deleted", problem, why)}
	}
	var names []string
	for _, n := range p.InitNetwork {
		names = append(names, "'"+n.Name+"'")
	}
	return Remedy{
		Problem:    problem,
		NoNative:   why,
		RunAsProxy: p.InitNetwork,
		Why:        fmt.Sprintf("securityContext.runAsUser: %d on init container %s (istio-proxy's UID, whose traffic Istio does not capture): %s; %s", ProxyUID, strings.Join(names, ", "), problem, why),
	}
}

// PlanRemedy is SidecarRemedy for the pod-bearing object of input index oi
// as plan operations, which fn applies to its nodes: an OpPodMetadata per
// annotation (sorted by key), an OpInitRunAsUser per init container to run
// as ProxyUID. The Remedy says why (Why) or why the pod must not be
// injected (Refuse, and no operations).
func PlanRemedy(oi int, kind string, p *PodFacts, s Settings) (Remedy, []Op) {
	rem := SidecarRemedy(kind, p, s)
	if rem.Refuse != "" {
		return rem, nil
	}
	var ops []Op
	for _, k := range slices.Sorted(maps.Keys(rem.Annotations)) {
		ops = append(ops, Op{Kind: OpPodMetadata, Object: oi, Where: "annotations", Key: k, Value: rem.Annotations[k]})
	}
	for _, n := range rem.RunAsProxy {
		ops = append(ops, Op{Kind: OpInitRunAsUser, Object: oi, Container: n.Index, Name: n.Name, Value: strconv.Itoa(ProxyUID)})
	}
	return rem, ops
}
