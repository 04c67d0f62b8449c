package krmfn

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/meshready/meshready/internal/mesh"
)

// ports gives every Service port a protocol Istio can read: a
// `<protocol>-<name>` name (mode prefix) or an appProtocol (mode
// appProtocol), for ports that declare none and for ports whose name claims
// the wrong one. The model plans each change (mesh.PlanPort: the name and
// every field that follows it); this applies it (refs.go) and says so.
func (r *run) ports() {
	rs := r.resources()
	src, ws := r.portSources(), r.workloads()
	opts := mesh.PortOptions{AppProtocol: r.spec.Ports.Mode == "appProtocol", Domain: r.spec.ClusterDomain}
	for _, svc := range r.items {
		if svc.kind != "Service" || svc.apiVersion != "v1" {
			continue
		}
		list := seq(svc.root, "spec", "ports")
		sm, _ := plain(svc.root).(map[string]any) // its selector and namespace, which renames leave alone
		for i, pn := range list {
			if !isMap(pn) {
				continue
			}
			name := str(pn, "name")
			num, _ := intValue(get(pn, "port"))
			op, ok := mesh.PlanPort(r.version, rs, svc.index, i, r.collect(svc, sm, pn, len(list), ws, src), opts)
			if !ok {
				continue // UDP/SCTP, the user's appProtocol, or a declared protocol nothing contradicts
			}
			r.apply(rs, op)
			what := fmt.Sprintf("port %d", num)
			if name != "" {
				what = fmt.Sprintf("port %d (%s)", num, name)
			}
			claim := ""
			if op.Declared != mesh.Unsupported {
				claim = fmt.Sprintf(", not %s as its name claims", op.Declared.Prefix())
			}
			field := fmt.Sprintf("spec.ports[%d]", i)
			if op.Kind == mesh.OpAppProtocol {
				r.result(svc, framework.Info, field+".appProtocol", fmt.Sprintf("%s: appProtocol %s%s (%s)", what, op.Value, claim, op.Inference.Reason))
				continue
			}
			msg := fmt.Sprintf("%s: named %s%s (%s)", what, op.Value, claim, op.Inference.Reason)
			switch {
			case op.Kept != "":
				msg += "; the container port keeps its name: " + op.Kept
			case op.PodRefs:
				msg += "; the container port and its references follow"
			}
			r.result(svc, framework.Info, field+".name", msg)
		}
	}
}
