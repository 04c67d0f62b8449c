package mesh

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func remedyWorkload(kind string, annotations map[string]any, initContainers []any, command string) map[string]any {
	spec := map[string]any{"containers": []any{map[string]any{"name": "app", "image": "app", "command": []any{"/bin/sh", "-c", command}}}}
	if initContainers != nil {
		spec["initContainers"] = initContainers
	}
	tmpl := map[string]any{"metadata": map[string]any{"annotations": annotations}, "spec": spec}
	o := map[string]any{"apiVersion": "apps/v1", "kind": kind, "metadata": map[string]any{"name": "w"}}
	switch kind {
	case "CronJob":
		o["spec"] = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}
	default:
		o["spec"] = map[string]any{"template": tmpl}
	}
	return o
}

var oomReadiness = map[string]any{
	"name": "w-readiness", "image": "nexus3.onap.org:10001/onap/oom/readiness:3.0.1",
	"command": []any{"/app/ready.py"}, "args": []any{"--container-name", "w-db"},
}

func TestSidecarRemedy(t *testing.T) {
	chown := map[string]any{"name": "chown", "image": "busybox", "command": []any{"sh", "-c", "chown -R 1000 /data"}}
	asProxy := map[string]any{"name": "wait", "image": "busybox", "command": []any{"sh", "-c", "until nc -z db 3306; do sleep 1; done"}, "securityContext": map[string]any{"runAsUser": 1337}}
	envURL := map[string]any{"name": "load", "image": "loader", "env": []any{map[string]any{"name": "T", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": "cfg", "key": "url"}}}}}
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "cfg"}, "data": map[string]any{"url": "http://so-db.onap.svc:3306"}}
	tests := []struct {
		name, source   string
		istio, k8s     string
		obj            map[string]any
		extra          []map[string]any
		wantAnnotation bool
		wantRunAs      []string
		wantRefuse     string
		wantNothing    bool
	}{
		{name: "readiness init, Istio 1.24, Kubernetes 1.29: native annotation",
			source: "injection-template.yaml:27 @1.24.0 reads the annotation; Kubernetes 1.29 SidecarContainers beta",
			istio:  "1.24", k8s: "1.29", obj: remedyWorkload("Deployment", nil, []any{oomReadiness}, "run"), wantAnnotation: true},
		{name: "job, Istio 1.26, Kubernetes 1.30: native annotation",
			source: "injection-template.yaml:27 @1.24.0",
			istio:  "1.26", k8s: "1.30", obj: remedyWorkload("Job", nil, nil, "migrate"), wantAnnotation: true},
		{name: "cronjob, Istio 1.27, Kubernetes 1.33: native by default, nothing to write",
			source: "injection-template.yaml:29 @1.27.0; pilot.go:307 ENABLE_NATIVE_SIDECARS=auto; webhook.go DetectNativeSidecar minVersion 33",
			istio:  "1.27", k8s: "1.33", obj: remedyWorkload("CronJob", nil, nil, "migrate"), wantNothing: true},
		{name: "job, Istio 1.23, Kubernetes 1.33: annotation ignored, job not injected",
			source: "injection-template.yaml:27 @1.23.0 (only ENABLE_NATIVE_SIDECARS); pkg/envoy/agent.go terminate @1.27.0",
			istio:  "1.23", k8s: "1.33", obj: remedyWorkload("Job", nil, nil, "migrate"), wantRefuse: "EXIT_ON_ZERO_ACTIVE_CONNECTIONS only acts while a pod is deleted"},
		{name: "job, Istio 1.30, Kubernetes unknown: not injected",
			source: "Kubernetes < 1.29 drops restartPolicy on init containers",
			istio:  "1.30", obj: remedyWorkload("Job", nil, nil, "migrate"), wantRefuse: "an unknown Kubernetes release"},
		{name: "job that quits its proxy: nothing",
			source: "pilot-agent request POST quitquitquit (pilot/cmd/pilot-agent/request)",
			istio:  "1.22", obj: remedyWorkload("Job", nil, nil, "migrate; curl -X POST localhost:15020/quitquitquit"), wantNothing: true},
		{name: "readiness init, Istio 1.22: run as the proxy's UID",
			source: "istio.io CNI 'Compatibility with application init containers'; istio-iptables -u 1337",
			istio:  "1.22", k8s: "1.30", obj: remedyWorkload("StatefulSet", nil, []any{oomReadiness, chown}, "run"), wantRunAs: []string{"w-readiness"}},
		{name: "env URL from a ConfigMap, Kubernetes 1.28: run as the proxy's UID",
			source: "Kubernetes 1.28 needs the SidecarContainers gate, not assumed",
			istio:  "1.25", k8s: "1.28", obj: remedyWorkload("Deployment", nil, []any{envURL}, "run"), extra: []map[string]any{cm}, wantRunAs: []string{"load"}},
		{name: "init container already runs as 1337: nothing",
			source: "istio-iptables -u 1337 exempts the proxy's UID",
			istio:  "1.22", obj: remedyWorkload("Deployment", nil, []any{asProxy}, "run"), wantNothing: true},
		{name: "outbound exclusion: nothing",
			source: "traffic.sidecar.istio.io/excludeOutboundIPRanges (istio-iptables -x)",
			istio:  "1.22", obj: remedyWorkload("Deployment", map[string]any{"traffic.sidecar.istio.io/excludeOutboundIPRanges": "10.0.0.0/8"}, []any{oomReadiness}, "run"), wantNothing: true},
		{name: "local init container: nothing",
			istio: "1.22", obj: remedyWorkload("Deployment", nil, []any{chown}, "run"), wantNothing: true},
		{name: "pod says nativeSidecar false on 1.25: refused",
			source: "injection-template.yaml:27 @1.24.0: an annotation that is set decides",
			istio:  "1.25", k8s: "1.30", obj: remedyWorkload("Deployment", map[string]any{NativeSidecarKey: "false"}, []any{oomReadiness}, "run"), wantRefuse: `sets sidecar.istio.io/nativeSidecar "false"`},
		{name: "istiod ENABLE_NATIVE_SIDECARS on 1.22 counts as native: nothing",
			source: "injection-template.yaml @1.22.0: .NativeSidecars",
			istio:  "1.22", k8s: "env", obj: remedyWorkload("Job", nil, []any{oomReadiness}, "migrate"), wantNothing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.istio)
			if err != nil {
				t.Fatal(err)
			}
			s := Settings{Profile: Profile{Version: v}, Namespace: "onap"}
			if tt.k8s == "env" {
				s.NativeSidecars = true
			} else if s.KubernetesMinor, err = ParseKubernetesVersion(tt.k8s); err != nil {
				t.Fatal(err)
			}
			objs := append([]map[string]any{tt.obj}, tt.extra...)
			p := Analyze(objs, s).Pods[0]
			if p == nil {
				t.Fatal("no pod facts")
			}
			r := SidecarRemedy(text(tt.obj["kind"]), p, s)
			if tt.wantNothing != !r.Needed() {
				t.Fatalf("Needed() = %v, want %v (%+v)", r.Needed(), !tt.wantNothing, r)
			}
			if got := r.Annotations[NativeSidecarKey] == "true"; got != tt.wantAnnotation {
				t.Errorf("native annotation %v, want %v (%+v)", got, tt.wantAnnotation, r)
			}
			var runAs []string
			for _, n := range r.RunAsProxy {
				runAs = append(runAs, n.Name)
			}
			if !slices.Equal(runAs, tt.wantRunAs) {
				t.Errorf("runAsUser 1337 on %v, want %v", runAs, tt.wantRunAs)
			}
			if tt.wantRefuse == "" && r.Refuse != "" || !strings.Contains(r.Refuse, tt.wantRefuse) {
				t.Errorf("refuse %q, want it to contain %q", r.Refuse, tt.wantRefuse)
			}
			if r.Needed() && r.Refuse == "" && r.Why == "" {
				t.Error("a remedy without a reason")
			}
			// The same remedy as plan operations (PlanRemedy), which fn
			// applies: one per annotation and per init container, none
			// when the pod is refused.
			_, ops := PlanRemedy(7, text(tt.obj["kind"]), p, s)
			var want []Op
			if tt.wantAnnotation {
				want = append(want, Op{Kind: OpPodMetadata, Object: 7, Where: "annotations", Key: NativeSidecarKey, Value: "true"})
			}
			for _, n := range r.RunAsProxy {
				want = append(want, Op{Kind: OpInitRunAsUser, Object: 7, Container: n.Index, Name: n.Name, Value: "1337"})
			}
			if len(ops) != len(want) {
				t.Fatalf("PlanRemedy: %+v, want %+v", ops, want)
			}
			for i := range ops {
				if !reflect.DeepEqual(ops[i], want[i]) {
					t.Errorf("PlanRemedy op %d: %+v, want %+v", i, ops[i], want[i])
				}
			}
		})
	}
}
