package mesh

import "testing"

func TestPortEvidence(t *testing.T) {
	// A container serving HTTP on 8080 (probe by number) and TLS-less.
	pods := []map[string]any{{"containers": []any{map[string]any{
		"name":  "app",
		"ports": []any{map[string]any{"name": "web", "containerPort": int64(8080)}},
		"livenessProbe": map[string]any{
			"httpGet": map[string]any{"path": "/health", "port": int64(8080)},
		},
		"readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/"}},
	}}}}
	for _, c := range []struct {
		name       string
		targetPort any
		wantTarget int32
		wantName   string
		wantHTTP   bool
	}{
		{"no targetPort: the port itself", nil, 8080, "web", true},
		{"targetPort by number", int64(8080), 8080, "web", true},
		{"targetPort by name", "web", 8080, "web", true},
		{"targetPort from JSON", float64(8080), 8080, "web", true},
		// The API server reads quoted digits as a port name, which no
		// container port can have: the Service reaches nothing.
		{"quoted digits are a name", "8080", 0, "", false},
		{"an unknown name reaches nothing", "admin", 0, "", false},
		{"a number no container declares", int64(9090), 9090, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := PortEvidence(Port{Port: 8080}, c.targetPort, pods, nil)
			if ev.TargetPort != c.wantTarget || ev.TargetName != c.wantName || ev.HTTPProbe != c.wantHTTP {
				t.Errorf("PortEvidence = target %d %q, HTTP probe %v; want %d %q, %v",
					ev.TargetPort, ev.TargetName, ev.HTTPProbe, c.wantTarget, c.wantName, c.wantHTTP)
			}
		})
	}
}

func TestTLSEvidence(t *testing.T) {
	container := func(nports int, env []any, mounts []any) []map[string]any {
		var ports []any
		for i := 0; i < nports; i++ {
			ports = append(ports, map[string]any{"containerPort": int64(8443 + i)})
		}
		return []map[string]any{{"containers": []any{map[string]any{
			"name": "app", "ports": ports, "env": env, "volumeMounts": mounts,
		}}}}
	}
	env := func(k, v string) []any { return []any{map[string]any{"name": k, "value": v}} }
	mount := func(p string) []any { return []any{map[string]any{"mountPath": p}} }
	for _, c := range []struct {
		name string
		pods []map[string]any
		want string // TLSReason, "" for no TLS
	}{
		{"env switched on, one port", container(1, env("SSL_ENABLED", "true"), nil), "container app sets SSL_ENABLED=true"},
		{"env switched off", container(1, env("SSL_ENABLED", "false"), nil), ""},
		{"env of a two-port container naming no port", container(2, env("TLS_ENABLED", "yes"), nil), ""},
		{"env naming the port", container(2, env("HTTPS_8443_ENABLED", "on"), nil), "container app sets HTTPS_8443_ENABLED=on"},
		{"server certificates mounted", container(1, nil, mount("/opt/app/certs")), "container app mounts certificates at /opt/app/certs"},
		{"a trust store is not TLS", container(1, nil, mount("/opt/app/truststore")), ""},
		{"mounts do not count for two ports", container(2, nil, mount("/opt/app/certs")), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := PortEvidence(Port{Port: 443}, int64(8443), c.pods, nil)
			if ev.TLS != (c.want != "") || ev.TLSReason != c.want {
				t.Errorf("TLS = %v (%q); want %q", ev.TLS, ev.TLSReason, c.want)
			}
		})
	}
}

func TestIntOrNameAndNumber(t *testing.T) {
	for _, c := range []struct {
		in     any
		num    int32
		name   string
		ok     bool
		number int32
		numOK  bool
	}{
		{int64(80), 80, "", true, 80, true},
		{80, 80, "", true, 80, true},
		{float64(80), 80, "", true, 80, true},
		{"http", 0, "http", true, 0, false},
		{"8080", 0, "8080", true, 8080, true}, // a name to the API server, a number where only a number fits
		{"", 0, "", true, 0, false},
		{nil, 0, "", false, 0, false},
		{map[string]any{"a": 1}, 0, "", false, 0, false},
		{int64(1) << 40, 0, "", false, 0, false},
	} {
		num, name, ok := IntOrName(c.in)
		if num != c.num || name != c.name || ok != c.ok {
			t.Errorf("IntOrName(%#v) = %d, %q, %v; want %d, %q, %v", c.in, num, name, ok, c.num, c.name, c.ok)
		}
		if n, ok := Number(c.in); n != c.number || ok != c.numOK {
			t.Errorf("Number(%#v) = %d, %v; want %d, %v", c.in, n, ok, c.number, c.numOK)
		}
	}
}

// W6: Decide reads the port with the target release. kubernetes.io/ws is
// sniffed by Istio 1.23 (pkg/config/kube/conversion.go @1.23.6 has no ws
// case), so the port declares nothing there and gets the inferred protocol;
// from 1.24 it is declared HTTP and the author's appProtocol stays.
func TestDecideAtVersion(t *testing.T) {
	item := map[string]any{"name": "api", "appProtocol": "kubernetes.io/ws", "port": int64(8080)}
	for _, c := range []struct {
		v  Version
		ok bool
	}{{Version{Major: 1, Minor: 23}, true}, {Version{Major: 1, Minor: 24}, false}, {LatestVersion, false}} {
		_, ok := Decide(c.v, PortOf(item), Collect(PortQuery{Service: "api", Namespace: "onap", Item: item, NPorts: 1}, Sources{}))
		if ok != c.ok {
			t.Errorf("Decide at %s: ok = %v, want %v", c.v, ok, c.ok)
		}
		if got := Declared(c.v, PortOf(item)); got == c.ok {
			t.Errorf("Declared at %s = %v, want %v", c.v, got, !c.ok)
		}
	}
}
