package mesh

import (
	"fmt"
	"strings"
	"testing"
)

func TestPlanInjection(t *testing.T) {
	deploy := func(labels, annotations map[string]any, hostNetwork bool) map[string]any {
		return map[string]any{"kind": "Deployment", "spec": map[string]any{"template": map[string]any{
			"metadata": map[string]any{"labels": labels, "annotations": annotations},
			"spec":     map[string]any{"hostNetwork": hostNetwork},
		}}}
	}
	v126 := Version{Major: 1, Minor: 26}
	for _, c := range []struct {
		name string
		v    Version
		o    map[string]any
		opts InjectOptions
		want string // the ops as where=value, or "skip <cause>"
	}{
		{"a plain pod gets the label", LatestVersion, deploy(nil, nil, false), InjectOptions{Where: "labels"}, "labels=true"},
		{"or the annotation", LatestVersion, deploy(nil, nil, false), InjectOptions{Where: "annotations"}, "annotations=true"},
		{"hostNetwork", LatestVersion, deploy(nil, nil, true), InjectOptions{Where: "labels"}, "skip hostNetwork"},
		{"a rejected annotation", LatestVersion, deploy(nil, map[string]any{"traffic.sidecar.istio.io/excludeInboundPorts": "*"}, false), InjectOptions{Where: "labels"}, "skip rejected annotation"},
		{"an opt-out label stays", LatestVersion, deploy(map[string]any{InjectKey: "false"}, nil, false), InjectOptions{Where: "labels"}, "skip opt-out"},
		{"forced over an opt-out annotation: both", LatestVersion, deploy(nil, map[string]any{InjectKey: "false"}, false), InjectOptions{Where: "labels", Force: true}, "labels=true annotations=true"},
		{"no opts out at 1.26", v126, deploy(nil, map[string]any{InjectKey: "no"}, false), InjectOptions{Where: "labels"}, "skip opt-out"},
		{"no is nothing at 1.30", LatestVersion, deploy(nil, map[string]any{InjectKey: "no"}, false), InjectOptions{Where: "labels"}, "labels=true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ops, skip := PlanInjection(c.v, 3, "Deployment", c.o, c.opts)
			var got []string
			if skip != nil {
				got = append(got, "skip "+string(skip.Cause))
			}
			for _, op := range ops {
				if op.Kind != OpPodMetadata || op.Object != 3 || op.Key != InjectKey {
					t.Errorf("op %+v", op)
				}
				got = append(got, op.Where+"="+op.Value)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got %q, want %q", g, c.want)
			}
		})
	}
}

func TestPlanPort(t *testing.T) {
	rs := resources(t, refsStream)
	for _, c := range []struct {
		name   string
		mutate func(string) string
		opts   PortOptions
		want   string // kind value podRefs kept, or "" for no change
	}{
		{"a name that claims nothing: renamed, the container port follows", nil, PortOptions{}, "name a Service port http-web true "},
		{"appProtocol mode", nil, PortOptions{AppProtocol: true}, "set a Service port's appProtocol http false "},
		{"beside an appProtocol Istio ignores the name", func(s string) string {
			return strings.Replace(s, "{name: web, port: 80, targetPort: web}", "{name: web, port: 80, targetPort: web, appProtocol: kubernetes.io/other}", 1)
		}, PortOptions{}, "set a Service port's appProtocol http false "},
		{"a declared, consistent name stays", func(s string) string {
			return strings.Replace(s, "{name: web, port: 80, targetPort: web}", "{name: http-web, port: 80, targetPort: web}", 1)
		}, PortOptions{}, ""},
		{"the new name is taken in the pod: the container port keeps its name", func(s string) string {
			return strings.Replace(s, "{name: admin, containerPort: 9000}", "{name: http-web, containerPort: 9000}", 1)
		}, PortOptions{}, "name a Service port http-web false Deployment web already has a port named http-web"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := rs
			if c.mutate != nil {
				in = resources(t, c.mutate(refsStream))
			}
			ev := Evidence{Port: 80, Name: "web", HTTPProbe: true, TargetPort: 8080, TargetName: "web"}
			op, ok := PlanPort(LatestVersion, in, 0, 0, ev, c.opts)
			got := ""
			if ok {
				got = fmt.Sprintf("%s %s %v %s", op.Kind, op.Value, op.PodRefs, op.Kept)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if ok && (op.Object != 0 || op.Port != 0 || len(op.Refs) == 0) {
				t.Errorf("op %+v", op)
			}
		})
	}
}

// PlanGenerated: the Istio resources fn adds, none that exists, and
// protocol-aware AuthorizationPolicies.
func TestPlanGenerated(t *testing.T) {
	stream := `apiVersion: apps/v1
kind: Deployment
metadata: {name: es}
spec:
  template:
    metadata: {labels: {app: es}}
    spec:
      containers: [{name: es, ports: [{name: http, containerPort: 9200}, {name: transport, containerPort: 9300}]}]
---
apiVersion: v1
kind: Service
metadata: {name: es}
spec:
  selector: {app: es}
  ports: [{name: http-api, port: 9200, targetPort: http}, {name: tcp-transport, port: 9300, targetPort: transport}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: example.org}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {selector: {app: db}, ports: [{port: 3306}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: own}
spec: {host: db}
---
apiVersion: batch/v1
kind: Job
metadata: {name: init}
spec: {template: {spec: {containers: [{name: x}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: nolabel, namespace: other}
spec: {template: {spec: {containers: [{name: x}]}}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: mine, namespace: other}
spec: {mtls: {mode: PERMISSIVE}}`
	rs := resources(t, stream)
	ops, notes := PlanGenerated(LatestVersion, rs, GenerateOptions{
		PeerAuthentication: true, PeerMode: "STRICT", Scope: "namespace", DestinationRule: true,
		AuthorizationPolicy: true, ServiceAccounts: []string{"onap/caller"}, Methods: []string{"GET"},
	})
	var got []string
	for _, op := range ops {
		x := op.Generated
		got = append(got, fmt.Sprintf("%s %s/%s %v", x.Kind, x.Namespace, x.Name, x.Spec))
	}
	want := []string{
		"PeerAuthentication onap/default [{mtls [{mode STRICT}]}]",
		"DestinationRule onap/es [{host es.onap.svc.cluster.local} {trafficPolicy [{tls [{mode ISTIO_MUTUAL}]}]}]",
		"AuthorizationPolicy onap/es-authz [{selector [{matchLabels [{app es}]}]} {action ALLOW} {rules [[{from [[{source [{principals [cluster.local/ns/onap/sa/caller]}]}]]} {to [[{operation [{methods [GET]} {ports [9200]}]}] [{operation [{ports [9300]}]}]]}]]}]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("generated:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(notes) != 1 || rs[notes[0].Object].Name != "nolabel" || !strings.Contains(notes[0].Message, "no AuthorizationPolicy generated: the pod template has no app label") {
		t.Errorf("notes %+v", notes)
	}
}
