package mesh

import "strings"

// The chart fixer, the KRM function and lint's suggestions all gather
// Evidence here, from pod specs decoded into plain maps (the fixer's and
// lint's parser gives them; the KRM function decodes its yaml nodes).

// ProbeKeys are the container fields holding probes.
var ProbeKeys = []string{"livenessProbe", "readinessProbe", "startupProbe"}

// PortEvidence collects what the pods behind Service port p show about it:
// the container port its targetPort (a decoded IntOrString, nil when unset)
// reaches, httpGet probes on that port and TLS settings, from the pod specs
// (spec.template.spec maps) of the workloads the Service selects. table is
// the user's port -> protocol table.
func PortEvidence(p Port, targetPort any, podSpecs []map[string]any, table map[string]string) Evidence {
	ev := Evidence{Port: p.Port, Name: p.Name, Table: table}
	tpNum, tpName, ok := IntOrName(targetPort)
	if !ok {
		tpNum = p.Port // the API's default
	}
	for _, spec := range podSpecs {
		for _, c := range mapItems(spec["containers"]) {
			cports := mapItems(c["ports"])
			for _, cp := range cports {
				cpNum, _ := Number(cp["containerPort"])
				cpName := text(cp["name"])
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
			for _, c := range mapItems(spec["containers"]) {
				probeEvidence(c, tpNum, "", &ev)
			}
		}
	}
	return ev
}

// probeEvidence notes httpGet probes on the port and their scheme.
func probeEvidence(c map[string]any, num int32, name string, ev *Evidence) {
	for _, k := range ProbeKeys {
		probe, _ := c[k].(map[string]any)
		hg, _ := probe["httpGet"].(map[string]any)
		if hg == nil {
			continue
		}
		pNum, pName, ok := IntOrName(hg["port"])
		if !ok || pName != "" && pName != name || pName == "" && pNum != num {
			continue
		}
		if strings.EqualFold(text(hg["scheme"]), "HTTPS") {
			ev.HTTPSProbe = true
		} else {
			ev.HTTPProbe = true
		}
	}
}
