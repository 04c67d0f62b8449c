package krmfn

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/protocol"
)

// portRenames records what moved, so references can follow.
type portRenames struct {
	// service port names, by "namespace/service": old -> new
	service map[string]map[string]string
	// container port names, by workload: old -> new
	container map[*item]map[string]string
}

// ports gives every Service port a protocol Istio can read: a
// `<protocol>-<name>` name (mode prefix) or an appProtocol (mode
// appProtocol), for ports that declare none and for ports whose name claims
// the wrong one. Container port names, targetPorts, probes, monitors,
// Ingress backends and VirtualService routes follow a rename.
func (r *run) ports() {
	ren := &portRenames{service: map[string]map[string]string{}, container: map[*item]map[string]string{}}
	for _, svc := range r.items {
		if svc.kind != "Service" || svc.apiVersion != "v1" {
			continue
		}
		spec := get(svc.root, "spec")
		backends := r.backends(svc)
		list := seq(spec, "ports")
		names := make(map[string]bool, len(list))
		for _, pn := range list {
			names[str(pn, "name")] = true
		}
		for i, pn := range list {
			if !isMap(pn) {
				continue
			}
			name, app, transport := str(pn, "name"), str(pn, "appProtocol"), str(pn, "protocol")
			if strings.EqualFold(transport, "UDP") || strings.EqualFold(transport, "SCTP") {
				continue // Istio does not proxy them
			}
			num, _ := intValue(get(pn, "port"))
			declared := protocol.Select(protocol.Port{Name: name, AppProtocol: app, Port: num, Protocol: transport})
			ev := r.evidence(num, name, get(pn, "targetPort"), backends)
			var inf protocol.Inference
			switch {
			case declared == protocol.Unsupported:
				inf = protocol.Infer(ev)
			case app != "":
				continue // an explicit appProtocol is the user's word
			default:
				m, ok := protocol.Mismatch(declared, ev)
				if !ok {
					continue
				}
				inf = m
			}
			field := fmt.Sprintf("spec.ports[%d]", i)
			what := fmt.Sprintf("port %d", num)
			if name != "" {
				what = fmt.Sprintf("port %d (%s)", num, name)
			}
			claim := ""
			if declared != protocol.Unsupported {
				claim = fmt.Sprintf(", not %s as its name claims", declared.Prefix())
			}
			if r.spec.Ports.Mode == "appProtocol" {
				setString(pn, "appProtocol", inf.Protocol.Prefix())
				r.result(svc, framework.Info, field+".appProtocol", fmt.Sprintf("%s: appProtocol %s%s (%s)", what, inf.Protocol.Prefix(), claim, inf.Reason))
				continue
			}
			newName := protocol.NewName(inf.Protocol, name, num, func(s string) bool { return names[s] && s != name })
			if newName == name {
				continue
			}
			setString(pn, "name", newName)
			delete(names, name)
			names[newName] = true
			if name != "" {
				m := ren.service[svc.ns+"/"+svc.name]
				if m == nil {
					m = map[string]string{}
					ren.service[svc.ns+"/"+svc.name] = m
				}
				m[name] = newName
			}
			msg := fmt.Sprintf("%s: named %s%s (%s)", what, newName, claim, inf.Reason)
			if _, tpName, ok := intOrString(get(pn, "targetPort")); ok && tpName != "" && tpName == name {
				switch moved, why := r.renameContainerPort(svc.ns, backends, name, newName, ren); {
				case why != "":
					msg += "; the container port keeps its name: " + why
				case moved:
					msg += "; the container port and its references follow"
				}
			}
			r.result(svc, framework.Info, field+".name", msg)
		}
	}
	r.moveReferences(ren)
}

// backends are the workloads a Service selects, in its namespace.
func (r *run) backends(svc *item) []*item {
	sel := stringMap(path(svc.root, "spec", "selector"))
	if len(sel) == 0 {
		return nil
	}
	var out []*item
	for _, w := range r.items {
		if w.template != nil && w.ns == svc.ns && selects(sel, w.podLabels()) {
			out = append(out, w)
		}
	}
	return out
}

// containers of a workload's pod (not init containers: they serve nothing).
func containers(w *item) []*yaml.Node { return seq(w.podSpec(), "containers") }

// evidence collects what the backends show about the port a Service port
// targets: the container port, probes hitting it, TLS settings.
func (r *run) evidence(num int32, name string, tp *yaml.Node, backends []*item) protocol.Evidence {
	ev := protocol.Evidence{Port: num, Name: name, Table: r.spec.Ports.Protocols}
	tpNum, tpName, ok := intOrString(tp)
	if !ok {
		tpNum = num
	}
	for _, w := range backends {
		for _, c := range containers(w) {
			cports := seq(c, "ports")
			for _, cp := range cports {
				cpNum, _ := intValue(get(cp, "containerPort"))
				cpName := str(cp, "name")
				if tpName != "" && cpName != tpName || tpName == "" && cpNum != tpNum {
					continue
				}
				ev.TargetPort, ev.TargetName = cpNum, cpName
				probeEvidence(c, cpNum, cpName, &ev)
				tlsEvidence(c, len(cports), cpNum, cpName, &ev)
				return ev
			}
		}
	}
	if tpName == "" {
		ev.TargetPort = tpNum
		for _, w := range backends {
			for _, c := range containers(w) {
				probeEvidence(c, tpNum, "", &ev)
			}
		}
	}
	return ev
}

var probeKeys = []string{"livenessProbe", "readinessProbe", "startupProbe"}

// probeEvidence notes httpGet probes on the port and their scheme.
func probeEvidence(c *yaml.Node, num int32, name string, ev *protocol.Evidence) {
	for _, k := range probeKeys {
		hg := path(c, k, "httpGet")
		if hg == nil {
			continue
		}
		pNum, pName, ok := intOrString(get(hg, "port"))
		if !ok || pName != "" && pName != name || pName == "" && pNum != num {
			continue
		}
		if strings.EqualFold(str(hg, "scheme"), "HTTPS") {
			ev.HTTPSProbe = true
		} else {
			ev.HTTPProbe = true
		}
	}
}

// tlsEvidence looks for TLS switched on for the port: an env variable
// like *TLS*/*SSL*/*HTTPS* = true, or server certificates mounted. Both are
// container-wide, so they count for a container with one port, or when the
// variable's name mentions the port.
func tlsEvidence(c *yaml.Node, nports int, num int32, name string, ev *protocol.Evidence) {
	cname := str(c, "name")
	for _, e := range seq(c, "env") {
		k := strings.ToUpper(str(e, "name"))
		if !(strings.Contains(k, "TLS") || strings.Contains(k, "SSL") || strings.Contains(k, "HTTPS")) {
			continue
		}
		switch strings.ToLower(str(e, "value")) {
		case "true", "yes", "on", "enabled":
		default:
			continue
		}
		mentions := name != "" && strings.Contains(k, strings.ToUpper(strings.ReplaceAll(name, "-", "_"))) ||
			strings.Contains(k, strconv.Itoa(int(num)))
		if nports <= 1 || mentions {
			ev.TLS = true
			ev.TLSReason = fmt.Sprintf("container %s sets %s=%s", cname, str(e, "name"), str(e, "value"))
			return
		}
	}
	if nports > 1 {
		return
	}
	for _, m := range seq(c, "volumeMounts") {
		p := strings.ToLower(str(m, "mountPath"))
		if !(strings.Contains(p, "tls") || strings.Contains(p, "cert") || strings.Contains(p, "ssl") || strings.Contains(p, "keystore")) {
			continue
		}
		// Trust bundles are for calling out, not for serving TLS.
		if strings.Contains(p, "truststore") || strings.Contains(p, "cacert") || strings.Contains(p, "ca-cert") ||
			strings.Contains(p, "ca-bundle") || strings.HasPrefix(p, "/etc/ssl/certs") || strings.Contains(p, "/ca/") {
			continue
		}
		ev.TLS = true
		ev.TLSReason = fmt.Sprintf("container %s mounts certificates at %s", cname, str(m, "mountPath"))
		return
	}
}

// renameContainerPort renames the container port `old` to `new` in the
// backends that have it, with every targetPort and probe that names it. It
// refuses (and says why) when another Service reaches `old` on pods outside
// these backends, or the new name is taken in a pod.
func (r *run) renameContainerPort(ns string, backends []*item, old, new string, ren *portRenames) (moved bool, why string) {
	affected := map[*item]bool{}
	for _, w := range backends {
		for _, c := range containers(w) {
			for _, cp := range seq(c, "ports") {
				if str(cp, "name") == old {
					affected[w] = true
				}
			}
		}
	}
	if len(affected) == 0 {
		return false, ""
	}
	for w := range affected {
		for _, key := range []string{"containers", "initContainers"} {
			for _, c := range seq(w.podSpec(), key) {
				for _, cp := range seq(c, "ports") {
					if str(cp, "name") == new {
						return false, fmt.Sprintf("%s %s already has a port named %s", w.kind, w.name, new)
					}
				}
			}
		}
	}
	// Every Service port that reaches `old` on these pods must move too,
	// and may only do so if all its pods move.
	var follow []*yaml.Node
	for _, s := range r.items {
		if s.kind != "Service" || s.apiVersion != "v1" || s.ns != ns {
			continue
		}
		var tps []*yaml.Node
		for _, pn := range seq(s.root, "spec", "ports") {
			if _, n, ok := intOrString(get(pn, "targetPort")); ok && n == old {
				tps = append(tps, pn)
			}
		}
		if len(tps) == 0 {
			continue
		}
		hits, misses := 0, 0
		for _, w := range r.backends(s) {
			has := false
			for _, c := range containers(w) {
				for _, cp := range seq(c, "ports") {
					has = has || str(cp, "name") == old
				}
			}
			switch {
			case affected[w]:
				hits++
			case has:
				misses++
			}
		}
		if hits == 0 {
			continue
		}
		if misses > 0 {
			return false, fmt.Sprintf("Service %s also reaches %s on other pods", s.name, old)
		}
		follow = append(follow, tps...)
	}
	for w := range affected {
		for _, c := range containers(w) {
			owns := false
			for _, cp := range seq(c, "ports") {
				if str(cp, "name") == old {
					setString(cp, "name", new)
					owns = true
				}
			}
			if owns {
				renameProbePorts(c, old, new)
			}
		}
		m := ren.container[w]
		if m == nil {
			m = map[string]string{}
			ren.container[w] = m
		}
		m[old] = new
	}
	for _, pn := range follow {
		setString(pn, "targetPort", new)
	}
	return true, ""
}

// renameProbePorts moves probe and lifecycle-hook ports that name `old`.
func renameProbePorts(c *yaml.Node, old, new string) {
	var handlers []*yaml.Node
	for _, k := range probeKeys {
		handlers = append(handlers, get(c, k))
	}
	handlers = append(handlers, path(c, "lifecycle", "postStart"), path(c, "lifecycle", "preStop"))
	for _, h := range handlers {
		for _, k := range []string{"httpGet", "tcpSocket"} {
			if a := get(h, k); a != nil {
				if _, n, ok := intOrString(get(a, "port")); ok && n == old {
					setString(a, "port", new)
				}
			}
		}
	}
}
