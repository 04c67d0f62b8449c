package mesh

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/resource"
)

// resources decodes a YAML stream into resources; objects without a
// namespace live in onap.
func resources(t *testing.T, stream string) []*resource.Resource {
	t.Helper()
	var out []*resource.Resource
	for i, doc := range strings.Split(stream, "\n---\n") {
		var o map[string]any
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		r := &resource.Resource{Object: o, Index: i}
		r.APIVersion, r.Kind = text(o["apiVersion"]), text(o["kind"])
		r.Name, r.Namespace = text(field(o, "metadata", "name")), text(field(o, "metadata", "namespace"))
		if r.Namespace == "" {
			r.Namespace = "onap"
		}
		out = append(out, r)
	}
	return out
}

const refsStream = `apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports:
  - {name: web, port: 80, targetPort: web}
  - {name: metrics, port: 9090}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
      - name: warm
        ports: [{name: web, containerPort: 8080}]
      containers:
      - name: web
        ports: [{name: web, containerPort: 8080}, {name: admin, containerPort: 9000}]
        readinessProbe: {httpGet: {path: /, port: web}}
        livenessProbe: {tcpSocket: {port: web}}
        startupProbe: {httpGet: {path: /, port: admin}}
        lifecycle: {preStop: {httpGet: {path: /stop, port: web}}}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: tcp-web, port: 8080, targetPort: web}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: web}, {targetPort: web}, {port: metrics}]
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints: [{port: web}, {port: admin}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - http:
      paths:
      - path: /
        backend: {service: {name: web, port: {name: web}}}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old}
spec:
  backend: {serviceName: web, servicePort: web}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: elsewhere, namespace: other}
spec:
  defaultBackend: {service: {name: web, port: {name: web}}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web.example.org]
  http:
  - route:
    - destination: {host: web, port: {name: web}}
    - destination: {host: web.other.svc.cluster.local, port: {name: web}}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: other-ns}
spec:
  selector: {matchLabels: {app: web}}
  namespaceSelector: {matchNames: [other]}
  endpoints: [{port: web}]`

// Every kind of field that names a Service port, and the near misses that
// do not name it.
func TestPortReferences(t *testing.T) {
	rs := resources(t, refsStream)
	got := PortReferences(rs, 0, 0, "")
	has := map[string]PortRef{}
	for _, r := range got.Refs {
		has[rs[r.Object].Kind+"/"+rs[r.Object].Name+" "+r.Field] = r
	}
	for _, c := range []struct {
		kind RefKind
		ref  string // "Kind/name field"; the near misses are listed with kind ""
		pod  bool
	}{
		{RefServicePort, "Service/web spec.ports[0].name", false},
		{RefTargetPort, "Service/web spec.ports[0].targetPort", true},
		{RefTargetPort, "Service/web-headless spec.ports[0].targetPort", true},
		{RefContainerPort, "Deployment/web spec.template.spec.containers[0].ports[0].name", true},
		{RefContainerPort, "Deployment/web spec.template.spec.initContainers[0].ports[0].name", true},
		{RefProbe, "Deployment/web spec.template.spec.containers[0].readinessProbe.httpGet.port", true},
		{RefProbe, "Deployment/web spec.template.spec.containers[0].livenessProbe.tcpSocket.port", true},
		{RefLifecycleHook, "Deployment/web spec.template.spec.containers[0].lifecycle.preStop.httpGet.port", true},
		{RefServiceMonitor, "ServiceMonitor/web spec.endpoints[0].port", false},
		{RefServiceMonitorPod, "ServiceMonitor/web spec.endpoints[1].targetPort", true},
		{RefPodMonitor, "PodMonitor/web spec.podMetricsEndpoints[0].port", true},
		{RefIngress, "Ingress/web spec.rules[0].http.paths[0].backend.service.port.name", false},
		{RefIngress, "Ingress/old spec.backend.servicePort", false},
		{RefVirtualService, "VirtualService/web spec.http[0].route[0].destination.port.name", false},
		{"", "Deployment/web spec.template.spec.containers[0].ports[1].name", false},
		{"", "Deployment/web spec.template.spec.containers[0].startupProbe.httpGet.port", false},
		{"", "ServiceMonitor/web spec.endpoints[2].port", false},
		{"", "PodMonitor/web spec.podMetricsEndpoints[1].port", false},
		{"", "Ingress/elsewhere spec.defaultBackend.service.port.name", false},
		{"", "VirtualService/web spec.http[0].route[1].destination.port.name", false},
		{"", "ServiceMonitor/other-ns spec.endpoints[0].port", false},
	} {
		name := string(c.kind)
		if name == "" {
			name = "not a reference"
		}
		t.Run(name+": "+c.ref, func(t *testing.T) {
			r, ok := has[c.ref]
			switch {
			case c.kind == "" && ok:
				t.Errorf("collected %v", r)
			case c.kind != "" && !ok:
				t.Errorf("missing; got %v", got.Refs)
			case ok && (r.Kind != c.kind || r.Pod != c.pod):
				t.Errorf("got kind %q pod %v, want %q pod %v", r.Kind, r.Pod, c.kind, c.pod)
			}
		})
	}
	if got.Refs[0].Kind != RefServicePort || got.Old != "web" || got.Pinned != "" {
		t.Errorf("name first, old web, not pinned: got %+v", got)
	}
	if !got.ServiceNames["metrics"] || got.PodNames["admin"] != "Deployment web" || got.PodNames["web"] != "" {
		t.Errorf("names in use: Service %v, pods %v", got.ServiceNames, got.PodNames)
	}
}

// The container port stays when another Service reaches it by name on pods
// the rename would not touch; a port whose targetPort is a number or
// another name has only Service-side references.
func TestPortReferencesPinned(t *testing.T) {
	other := refsStream + `
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, ports: [{name: web, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: both}
spec:
  selector: {tier: x}
  ports: [{name: tcp, port: 1, targetPort: web}]`
	other = strings.Replace(other, "metadata: {labels: {app: web}}", "metadata: {labels: {app: web, tier: x}}", 1)
	other = strings.Replace(other, "metadata: {labels: {app: db}}", "metadata: {labels: {app: db, tier: x}}", 1)
	rs := resources(t, other)
	if got := PortReferences(rs, 0, 0, ""); !strings.Contains(got.Pinned, "Service both also reaches web") {
		t.Errorf("Pinned = %q", got.Pinned)
	}
	numbered := strings.Replace(refsStream, "{name: web, port: 80, targetPort: web}", "{name: web, port: 80, targetPort: 8080}", 1)
	got := PortReferences(resources(t, numbered), 0, 0, "")
	if len(got.ServiceSide()) != len(got.Refs) || got.HasPod() {
		t.Errorf("targetPort by number: pod references %v", got.Refs)
	}
}
