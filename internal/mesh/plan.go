package mesh

import (
	"fmt"

	"github.com/meshready/meshready/internal/resource"
)

// The plan: what the KRM function and the chart fixer change to make an
// input mesh-ready, decided here from the resources; fn applies each
// operation to its yaml nodes, fix to the chart source lines that write the
// fields. A transform words the results and applies; it does not decide.

// OpKind is what an operation changes.
type OpKind string

const (
	// OpPodMetadata sets a label or an annotation of a pod template (the
	// injection switch, the native-sidecar switch).
	OpPodMetadata OpKind = "set pod label/annotation"
	// OpPortName names a Service port; every field of Refs takes the name.
	OpPortName OpKind = "name a Service port"
	// OpAppProtocol sets a Service port's appProtocol.
	OpAppProtocol OpKind = "set a Service port's appProtocol"
	// OpInitRunAsUser sets securityContext.runAsUser of the pod template's
	// init container Container to Value (an integer: the sidecar remedy's
	// ProxyUID).
	OpInitRunAsUser OpKind = "set an init container's securityContext.runAsUser"
)

// Op is one change of a plan.
type Op struct {
	Kind OpKind
	// Object is the input index of the object changed.
	Object int
	// Where is "labels" or "annotations" (OpPodMetadata).
	Where string
	// Key is the label or annotation (OpPodMetadata); Value what is set.
	Key, Value string
	// Container is the index in spec.initContainers (OpInitRunAsUser), Name
	// that init container's name.
	Container int
	Name      string
	// Port is the index of the Service port (OpPortName, OpAppProtocol),
	// Refs the fields set to Value (the port's own field first), and
	// Inference why.
	Port      int
	Refs      []PortRef
	Inference Inference
	// Declared is the protocol the port declared before.
	Declared Instance
	// PodRefs: the container port the Service port reaches by its old
	// name follows (its fields are among Refs). Kept says why it does not.
	PodRefs bool
	Kept    string
	// Generated is the resource an OpGenerate adds (Object is -1).
	Generated *Generated
}

// Skip is a change a plan does not make, and why.
type Skip struct {
	Object int
	Cause  SkipCause
	// Key and Value are the field behind the cause (an annotation the
	// injector rejects, an opt-out) and Detail the injector's words.
	Where, Key, Value, Detail string
}

// SkipCause is why a pod is left without the injection switch.
type SkipCause string

// The causes PlanInjection leaves a pod alone for.
const (
	SkipHostNetwork SkipCause = "hostNetwork"
	SkipRejected    SkipCause = "rejected annotation"
	SkipOptOut      SkipCause = "opt-out"
)

// InjectOptions say how a transform switches injection on.
type InjectOptions struct {
	// Where the switch goes: "labels" (Istio's webhooks opt in by the pod
	// label) or "annotations".
	Where string
	// Force sets it over an explicit opt-out.
	Force bool
}

// PlanInjection decides, for the pod-bearing object o of kind (input index
// oi), how the injection switch sidecar.istio.io/inject: "true" goes on at
// release v: on opts.Where, and over an opt-out of the other kind when
// forced. A hostNetwork pod (a sidecar would capture the node's traffic),
// one with an annotation the injector rejects (it would never be created)
// and, unless forced, one that opts out are skipped.
func PlanInjection(v Version, oi int, kind string, o map[string]any, opts InjectOptions) ([]Op, *Skip) {
	tmpl := PodTemplate(kind, o)
	if field(tmpl, "spec", "hostNetwork") == true {
		return nil, &Skip{Object: oi, Cause: SkipHostNetwork}
	}
	if bad := RejectedAnnotations(v, StringMap(field(tmpl, "metadata", "annotations"))); len(bad) > 0 {
		return nil, &Skip{Object: oi, Cause: SkipRejected, Where: "annotations", Key: bad[0].Key, Value: bad[0].Value, Detail: bad[0].Cause}
	}
	p := Profile{Version: v}
	var off []string
	for _, where := range []string{"labels", "annotations"} {
		if val, ok := StringMap(field(tmpl, "metadata", where))[InjectKey]; ok && p.ReadInject(val) == InjectNo {
			off = append(off, where)
		}
	}
	if len(off) > 0 && !opts.Force {
		return nil, &Skip{Object: oi, Cause: SkipOptOut, Where: off[0], Key: InjectKey, Value: StringMap(field(tmpl, "metadata", off[0]))[InjectKey]}
	}
	ops := []Op{{Kind: OpPodMetadata, Object: oi, Where: opts.Where, Key: InjectKey, Value: "true"}}
	for _, where := range off {
		if where != opts.Where {
			ops = append(ops, Op{Kind: OpPodMetadata, Object: oi, Where: where, Key: InjectKey, Value: "true"})
		}
	}
	return ops, nil
}

// PortOptions say how a transform declares a port's protocol.
type PortOptions struct {
	// AppProtocol: write appProtocol rather than a `<protocol>-` name.
	AppProtocol bool
	// Domain is the cluster domain ("" for cluster.local).
	Domain string
}

// PlanPort decides the change of port pi of the Service rs[si] at release
// v, given the evidence about it: nothing (ok false) when Decide keeps
// what it declares; an appProtocol (in appProtocol mode, or beside an
// appProtocol Istio reads instead of any name); else a name that declares
// the protocol (NewName, avoiding the Service's other names), which every
// reference follows (PortReferences) — the container port too, unless
// another Service pins it or a pod behind it already uses the new name.
func PlanPort(v Version, rs []*resource.Resource, si, pi int, ev Evidence, opts PortOptions) (Op, bool) {
	items := mapItemsAt(rs[si].Object, "spec", "ports")
	if pi < 0 || pi >= len(items) || items[pi] == nil {
		return Op{}, false
	}
	p := PortOf(items[pi])
	inf, ok := Decide(v, p, ev)
	if !ok {
		return Op{}, false
	}
	op := Op{Object: si, Port: pi, Inference: inf, Declared: SelectFor(v, p), Value: inf.Protocol.Prefix()}
	// Istio reads appProtocol instead of the name whenever it is set
	// (pkg/config/kube/conversion.go ConvertProtocol): beside an
	// appProtocol it does not know, a new name would change nothing.
	if opts.AppProtocol || p.AppProtocol != "" {
		op.Kind = OpAppProtocol
		op.Refs = []PortRef{{Object: si, Field: fmt.Sprintf("spec.ports[%d].appProtocol", pi), Kind: RefServicePort}}
		return op, true
	}
	refs := PortReferences(rs, si, pi, opts.Domain)
	op.Kind = OpPortName
	op.Value = NewName(inf.Protocol, p.Name, p.Port, func(s string) bool { return refs.ServiceNames[s] })
	if op.Value == p.Name {
		return Op{}, false
	}
	op.Refs, op.Kept = refs.Refs, refs.Pinned
	if w := refs.PodNames[op.Value]; op.Kept == "" && w != "" && refs.HasPod() {
		op.Kept = fmt.Sprintf("%s already has a port named %s", w, op.Value)
	}
	if op.Kept != "" {
		op.Refs = refs.ServiceSide()
	}
	op.PodRefs = refs.HasPod() && op.Kept == ""
	return op, true
}
