package protocol

import "testing"

func TestDecideAndEvidenceFromPods(t *testing.T) {
	pod := func(c map[string]any) []map[string]any {
		return []map[string]any{{"containers": []any{c}}}
	}
	web := map[string]any{
		"name":  "web",
		"ports": []any{map[string]any{"name": "web", "containerPort": int64(8080)}},
		"readinessProbe": map[string]any{
			"httpGet": map[string]any{"path": "/", "port": "web"},
		},
	}
	tls := map[string]any{
		"name":  "api",
		"ports": []any{map[string]any{"containerPort": int64(9000)}},
		"env":   []any{map[string]any{"name": "SERVER_SSL_ENABLED", "value": "true"}},
	}
	for _, c := range []struct {
		name  string
		item  map[string]any
		pods  []map[string]any
		table map[string]string
		want  Instance
		ok    bool
	}{
		{"unnamed port, HTTP probe through a named targetPort", map[string]any{"port": int64(80), "targetPort": "web"}, pod(web), nil, HTTP, true},
		{"name without protocol, TLS switched on", map[string]any{"name": "api", "port": float64(9000)}, pod(tls), nil, HTTPS, true},
		{"the user's table wins", map[string]any{"name": "consul", "port": int64(8500)}, nil, map[string]string{"8500": "http"}, HTTP, true},
		{"nothing known: tcp", map[string]any{"name": "x", "port": int64(7000)}, nil, nil, TCP, true},
		{"http on MySQL's port is corrected", map[string]any{"name": "http-db", "port": int64(3306)}, nil, nil, TCP, true},
		{"a declared, consistent name stays", map[string]any{"name": "http-web", "port": int64(80)}, nil, nil, "", false},
		{"an explicit appProtocol stays", map[string]any{"name": "x", "appProtocol": "http", "port": int64(3306)}, nil, nil, "", false},
		{"UDP is not proxied", map[string]any{"name": "dns", "port": int64(53), "protocol": "UDP"}, nil, nil, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := EvidenceFromPods(c.item, c.pods, c.table)
			inf, ok := Decide(PortOf(c.item), ev)
			if ok != c.ok || ok && inf.Protocol != c.want {
				t.Errorf("Decide = %v (%s), %v; want %v, %v", inf.Protocol, inf.Reason, ok, c.want, c.ok)
			}
		})
	}
}
