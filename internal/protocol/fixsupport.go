package protocol

import (
	"fmt"
	"strconv"
	"strings"
)

// This file serves the chart fixer (transform/fix), which sees rendered
// objects as plain maps rather than kyaml nodes: it gathers Evidence from
// them the way the KRM function does (transform/krmfn ports.go), and applies
// the same rule to decide whether a Service port needs a new name.

// Decide applies the KRM function's rule to one Service port: a port that
// declares no protocol gets Infer's; one whose declared protocol Mismatch
// contradicts gets the corrected one. ok is false when the port stays as it
// is: UDP and SCTP (Istio does not proxy them), an explicit appProtocol (the
// user's word), or a declared protocol nothing contradicts.
func Decide(p Port, ev Evidence) (inf Inference, ok bool) {
	if strings.EqualFold(p.Protocol, "UDP") || strings.EqualFold(p.Protocol, "SCTP") {
		return Inference{}, false
	}
	declared := Select(p)
	switch {
	case declared == Unsupported:
		return Infer(ev), true
	case p.AppProtocol != "":
		return Inference{}, false
	}
	return Mismatch(declared, ev)
}

// PortOf reads a Service port item of a rendered object.
func PortOf(item map[string]any) Port {
	n, _ := IntOrName(item["port"])
	return Port{
		Name:        fixStr(item["name"]),
		AppProtocol: fixStr(item["appProtocol"]),
		Port:        n,
		Protocol:    fixStr(item["protocol"]),
	}
}

// EvidenceFromPods collects what the pods behind a Service port show about
// it: the container port its targetPort reaches, httpGet probes on that
// port and TLS settings, from the pod specs (spec.template.spec maps) of the
// workloads the Service selects. table is the user's port -> protocol table.
func EvidenceFromPods(item map[string]any, podSpecs []map[string]any, table map[string]string) Evidence {
	p := PortOf(item)
	ev := Evidence{Port: p.Port, Name: p.Name, Table: table}
	tpNum, tpName := IntOrName(item["targetPort"])
	if item["targetPort"] == nil {
		tpNum = p.Port
	}
	for _, spec := range podSpecs {
		for _, c := range fixMaps(spec["containers"]) {
			cports := fixMaps(c["ports"])
			for _, cp := range cports {
				cpNum, _ := IntOrName(cp["containerPort"])
				cpName := fixStr(cp["name"])
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
		for _, spec := range podSpecs {
			for _, c := range fixMaps(spec["containers"]) {
				probeEvidence(c, tpNum, "", &ev)
			}
		}
	}
	return ev
}

// ProbeKeys are the container fields holding probes.
var ProbeKeys = []string{"livenessProbe", "readinessProbe", "startupProbe"}

func probeEvidence(c map[string]any, num int32, name string, ev *Evidence) {
	for _, k := range ProbeKeys {
		probe, _ := c[k].(map[string]any)
		hg, _ := probe["httpGet"].(map[string]any)
		if hg == nil {
			continue
		}
		pNum, pName := IntOrName(hg["port"])
		if pName != "" && pName != name || pName == "" && pNum != num {
			continue
		}
		if strings.EqualFold(fixStr(hg["scheme"]), "HTTPS") {
			ev.HTTPSProbe = true
		} else {
			ev.HTTPProbe = true
		}
	}
}

// tlsEvidence mirrors the KRM function: an env variable like *TLS*/*SSL*/
// *HTTPS* switched on, or server certificates mounted, count for a
// container with one port or when the variable names the port.
func tlsEvidence(c map[string]any, nports int, num int32, name string, ev *Evidence) {
	cname := fixStr(c["name"])
	for _, e := range fixMaps(c["env"]) {
		k := strings.ToUpper(fixStr(e["name"]))
		if !(strings.Contains(k, "TLS") || strings.Contains(k, "SSL") || strings.Contains(k, "HTTPS")) {
			continue
		}
		switch strings.ToLower(fixStr(e["value"])) {
		case "true", "yes", "on", "enabled":
		default:
			continue
		}
		mentions := name != "" && strings.Contains(k, strings.ToUpper(strings.ReplaceAll(name, "-", "_"))) ||
			strings.Contains(k, strconv.Itoa(int(num)))
		if nports <= 1 || mentions {
			ev.TLS = true
			ev.TLSReason = fmt.Sprintf("container %s sets %s=%s", cname, fixStr(e["name"]), fixStr(e["value"]))
			return
		}
	}
	if nports > 1 {
		return
	}
	for _, m := range fixMaps(c["volumeMounts"]) {
		p := strings.ToLower(fixStr(m["mountPath"]))
		if !(strings.Contains(p, "tls") || strings.Contains(p, "cert") || strings.Contains(p, "ssl") || strings.Contains(p, "keystore")) {
			continue
		}
		if strings.Contains(p, "truststore") || strings.Contains(p, "cacert") || strings.Contains(p, "ca-cert") ||
			strings.Contains(p, "ca-bundle") || strings.HasPrefix(p, "/etc/ssl/certs") || strings.Contains(p, "/ca/") {
			continue
		}
		ev.TLS = true
		ev.TLSReason = fmt.Sprintf("container %s mounts certificates at %s", cname, fixStr(m["mountPath"]))
		return
	}
}

// IntOrName reads an IntOrString field of a rendered object (a YAML int,
// a float from JSON, or a string that may hold digits).
func IntOrName(v any) (int32, string) {
	switch t := v.(type) {
	case int:
		return int32(t), ""
	case int64:
		return int32(t), ""
	case int32:
		return t, ""
	case float64:
		return int32(t), ""
	case string:
		if n, err := strconv.Atoi(t); err == nil {
			return int32(n), ""
		}
		return 0, t
	}
	return 0, ""
}

func fixStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func fixMaps(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
