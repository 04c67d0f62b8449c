package mesh

import (
	"strings"
	"testing"
)

func TestClientURLs(t *testing.T) {
	for _, c := range []struct {
		name, text string
		port       int32
		nports     int
		want       Instance // "" for no clue
	}{
		{"short name with port", "url: http://msb-discovery:10081/api", 10081, 1, HTTP},
		{"name.namespace with template", `discoveryUrl: http://msb-discovery.{{include "common.namespace" .}}:10081`, 10081, 2, HTTP},
		{"name.ns.svc", "u: https://msb-discovery.onap.svc:10081", 10081, 2, HTTPS},
		{"fqdn", "u: grpc://msb-discovery.onap.svc.cluster.local:10081", 10081, 2, GRPC},
		{"wss", "u: wss://msb-discovery:10081/ws", 10081, 2, HTTPS},
		{"default http port", "u: http://msb-discovery/api", 80, 2, HTTP},
		{"default https port misses 80", "u: https://msb-discovery/api", 80, 2, ""},
		{"other port", "u: http://msb-discovery:8080", 10081, 2, ""},
		{"other namespace", "u: http://msb-discovery.other:10081", 10081, 2, ""},
		{"other service", "u: http://msb-discovery-x:10081", 10081, 2, ""},
		{"templated port, one Service port", "u: http://msb-discovery:{{ .Values.port }}", 10081, 1, HTTP},
		{"templated port, two Service ports", "u: http://msb-discovery:{{ .Values.port }}", 10081, 2, ""},
		{"templated host", "u: http://{{ .Values.host }}:10081", 10081, 1, ""},
		{"commented out", "# u: http://msb-discovery:10081", 10081, 1, ""},
		{"trailing comment", "u: x # http://msb-discovery:10081", 10081, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ix := NewURLIndex()
			ix.AddText(c.text, "", func(l int) string { return "values.yaml:" + string(rune('0'+l)) })
			got := ix.Clues("msb-discovery", "onap", c.port, c.nports, "")
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("got %v, want none", got)
			case c.want != "" && (len(got) != 1 || got[0].Protocol != c.want || got[0].Where != "values.yaml:1"):
				t.Errorf("got %v, want one %s clue at values.yaml:1", got, c.want)
			}
		})
	}
}

func TestClientURLsInRenderedObject(t *testing.T) {
	ix := NewURLIndex()
	ix.AddObject("ConfigMap", "onap", "cfg", map[string]any{"data": map[string]any{"a.yaml": "x: 1\nurl: https://policy-api:6969/policy\n"}})
	got := ix.Clues("policy-api", "onap", 6969, 1, "")
	if len(got) != 1 || got[0].Protocol != HTTPS || got[0].Where != "ConfigMap onap/cfg data.a.yaml line 2" {
		t.Fatalf("got %v", got)
	}
	if got := ix.Clues("policy-api", "other", 6969, 1, ""); len(got) != 0 {
		t.Errorf("a client in onap calling policy-api reached other/policy-api: %v", got)
	}
}

func TestServerClues(t *testing.T) {
	for _, c := range []struct {
		name, key, body string
		want            Instance
	}{
		{"restServerParameters https", "config.json", `{"restServerParameters": {"host": "0.0.0.0", "port": 6969, "https": true}}`, HTTPS},
		{"restServerParameters http", "config.json", `{"x": {"restServerParameters": {"port": 6969, "https": false}}}`, HTTP},
		{"restServerParameters other port", "config.json", `{"restServerParameters": {"port": 6970, "https": true}}`, ""},
		{"spring yaml ssl", "application.yaml", "server:\n  port: 6969\n  ssl:\n    enabled: true\n", HTTPS},
		{"spring yaml plain", "application.yml", "server:\n  port: 6969\n", HTTP},
		{"spring properties http2", "application.properties", "server.port=6969\nserver.http2.enabled=true\n", HTTP2},
		{"spring properties keystore", "application.properties", "server.port: 6969\nserver.ssl.key-store=/x.p12\n", HTTPS},
		{"grpc server", "application.yaml", "grpc:\n  server:\n    port: 6969\n", GRPC},
		{"nginx ssl", "nginx.conf", "server {\n  listen 6969 ssl http2;\n}\n", HTTPS},
		{"nginx plain", "default.conf", "server {\n  listen [::]:6969;\n}\n", HTTP},
		{"nginx other port", "default.conf", "server {\n  listen 80;\n}\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fileClues(c.key, c.body, 6969, "ConfigMap onap/x data["+c.key+"]")
			if c.want == "" {
				if len(got) != 0 {
					t.Errorf("got %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Protocol != c.want || got[0].Kind != KindServer {
				t.Errorf("got %v, want one %s server clue", got, c.want)
			}
		})
	}
}

func TestCollect(t *testing.T) {
	pod := func(image string, port int32, ann map[string]any) Backend {
		return Backend{Where: "Deployment onap/w", Template: map[string]any{
			"metadata": map[string]any{"annotations": ann},
			"spec": map[string]any{"containers": []any{map[string]any{
				"name": "c", "image": image, "ports": []any{map[string]any{"containerPort": int64(port)}},
			}}},
		}}
	}
	urls := NewURLIndex()
	urls.AddText("a: https://api:8080/x\nb: http://api:8080/y\nc: https://api:8080/z\nd: http://api.{{ include \"common.namespace\" . }}:9092/so", "", func(l int) string { return "v.yaml" })
	for _, c := range []struct {
		name      string
		port      int32
		pods      []Backend
		urls      []*URLIndex
		objects   []map[string]any
		want      Instance
		kind      ClueKind
		conflicts int
	}{
		{"consul image", 8500, []Backend{pod("consul:1.0.6", 8500, nil)}, nil, nil, HTTP, KindImage, 0},
		{"elasticsearch transport", 9300, []Backend{pod("docker.elastic.co/elasticsearch/elasticsearch:7.9.3", 9300, nil)}, nil, nil, TCP, KindWellKnown, 0},
		{"elasticsearch http", 9200, []Backend{pod("docker.elastic.co/elasticsearch/elasticsearch:7.9.3", 9200, nil)}, nil, nil, HTTP, KindImage, 0},
		{"IANA 80", 80, []Backend{pod("onap/msb/msb_apigateway:1.1.0", 80, nil)}, nil, nil, HTTP, KindIANA, 0},
		{"scrape annotation", 9000, []Backend{pod("x", 9000, map[string]any{"prometheus.io/port": "9000"})}, nil, nil, HTTP, KindScrape, 0},
		{"clients know better than a port number (SO's REST on 9092)", 9092, []Backend{pod("onap/so/so-etsi-sol003-adapter:1.12.0", 9092, nil)}, []*URLIndex{urls}, nil, HTTP, KindClientURL, 0},
		{"kafka's port without clients", 9092, []Backend{pod("onap/so/so-etsi-sol003-adapter:1.12.0", 9092, nil)}, nil, nil, TCP, KindWellKnown, 0},
		{"nothing", 9000, []Backend{pod("x", 9000, nil)}, nil, nil, TCP, "", 0},
		{"urls conflict, TLS side wins and the loser is reported", 8080, []Backend{pod("x", 8080, nil)}, []*URLIndex{urls}, nil, HTTPS, KindClientURL, 1},
		{"ingress", 9000, []Backend{pod("x", 9000, nil)}, nil, []map[string]any{{"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": map[string]any{"name": "i", "namespace": "onap"},
			"spec": map[string]any{"rules": []any{map[string]any{"http": map[string]any{"paths": []any{map[string]any{"backend": map[string]any{"service": map[string]any{"name": "api", "port": map[string]any{"number": int64(9000)}}}}}}}}}}}, HTTP, KindRoute, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := PortQuery{Service: "api", Namespace: "onap", Item: map[string]any{"port": int64(c.port)}, NPorts: 2, Pods: c.pods}
			inf := Infer(Collect(q, Sources{URLs: c.urls, Objects: c.objects}))
			if inf.Protocol != c.want {
				t.Fatalf("protocol %s (%s), want %s", inf.Protocol, inf.Reason, c.want)
			}
			if c.kind != "" && (len(inf.Evidence) == 0 || inf.Evidence[0].Kind != c.kind) {
				t.Errorf("evidence %v, want kind %s", inf.Evidence, c.kind)
			}
			if len(inf.Conflicts) != c.conflicts {
				t.Errorf("conflicts %v, want %d", inf.Conflicts, c.conflicts)
			}
			if c.conflicts > 0 && !strings.Contains(inf.Reason, "CONFLICTING") {
				t.Errorf("reason %q does not report the conflict", inf.Reason)
			}
		})
	}
}

func TestServerBeatsClients(t *testing.T) {
	e := Evidence{Port: 8080, Clues: []Clue{
		{Protocol: HTTPS, Kind: KindClientURL, Strength: StrengthStrong, What: "`https://so:8080`", Where: "policy/base.conf:111"},
		{Protocol: HTTP, Kind: KindServer, Strength: StrengthServer, What: "Spring Boot server.port without server.ssl"},
	}}
	inf := Infer(e)
	if inf.Protocol != HTTP || len(inf.Conflicts) != 1 || !strings.Contains(inf.Reason, "CONFLICTING") || !strings.Contains(inf.Reason, "policy/base.conf:111") {
		t.Errorf("Infer = %s (%s), conflicts %v; want http with the https client reported", inf.Protocol, inf.Reason, inf.Conflicts)
	}
}

func TestMismatchYieldsToClients(t *testing.T) {
	e := Evidence{Port: 9092, Name: "http", Clues: []Clue{{Protocol: HTTP, Kind: KindClientURL, Strength: StrengthStrong, What: "`http://so-etsi-sol003-adapter:9092`"}}}
	if inf, ok := Mismatch(HTTP, e); ok {
		t.Errorf("Mismatch flags an http port its clients call with http:// (%s)", inf.Reason)
	}
	if _, ok := Mismatch(HTTP, Evidence{Port: 9092, Name: "http"}); !ok {
		t.Error("Mismatch no longer flags http on Kafka's port without clients")
	}
}

func TestContradicts(t *testing.T) {
	https := Clue{Protocol: HTTPS, Kind: KindClientURL, Strength: StrengthStrong, What: "`https://a:1`"}
	http := Clue{Protocol: HTTP, Kind: KindClientURL, Strength: StrengthStrong, What: "`http://a:1`"}
	for _, c := range []struct {
		name     string
		declared Instance
		clues    []Clue
		want     bool
	}{
		{"http port every client calls with https", HTTP, []Clue{https, https}, true},
		{"https port called with http", HTTPS, []Clue{http}, true},
		{"clients disagree: no verdict", HTTP, []Clue{https, http}, false},
		{"tcp contradicts nothing", TCP, []Clue{https}, false},
		{"the server's word beats a client's", HTTPS, []Clue{https, {Protocol: HTTP, Kind: KindServer, Strength: StrengthServer, What: "Spring Boot server.port without server.ssl"}}, true},
		{"http2 vs http is fine", HTTP2, []Clue{http}, false},
		{"a container-wide TLS hint does not overrule a name", HTTP, []Clue{{Protocol: HTTPS, Kind: KindTLSHint, Strength: StrengthStrong, What: "mounts /app/jetty/start.d/ssl.ini"}}, false},
		{"weak evidence only", HTTP, []Clue{{Protocol: HTTPS, Kind: KindIANA, Strength: StrengthIANA}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, got := Contradicts(c.declared, Evidence{Port: 1, Clues: c.clues}); got != c.want {
				t.Errorf("Contradicts = %v, want %v", got, c.want)
			}
		})
	}
}

func TestWellKnownTable(t *testing.T) {
	if _, err := ParseWellKnown([]byte("ports: [{port: 80, protocol: smtp}]")); err == nil {
		t.Error("an unknown protocol was accepted")
	}
	if _, err := ParseWellKnown([]byte("images: [{image: x, ports: {abc: http}}]")); err == nil {
		t.Error("a port that is not a number was accepted")
	}
	user, err := ParseWellKnown([]byte("images: [{image: msb_apigateway, ports: {80: https}}]"))
	if err != nil {
		t.Fatal(err)
	}
	ExtendWellKnown(user)
	defer ExtendWellKnown(nil)
	c, ok := Known().imageClue("onap/msb/msb_apigateway:1.1.0", 80)
	if !ok || c.Protocol != HTTPS {
		t.Errorf("user entry not used: %v %v", c, ok)
	}
	over, err := ParseWellKnown([]byte("ports: [{port: 9092, protocol: http, what: our REST API}, {port: 8080, protocol: tcp, what: our binary protocol}]"))
	if err != nil {
		t.Fatal(err)
	}
	ExtendWellKnown(over)
	if got := Infer(Evidence{Port: 9092}); got.Protocol != HTTP {
		t.Errorf("the user's 9092 http entry lost to the built-in Kafka: %s (%s)", got.Protocol, got.Reason)
	}
	if got := Infer(Evidence{Port: 8080, Name: "api"}); got.Protocol != TCP {
		t.Errorf("the user's tcp entry is not a well-known tcp port: %s (%s)", got.Protocol, got.Reason)
	}
	if WellKnownTCP[9300] == "" || WellKnownTCP[80] != "" {
		t.Errorf("WellKnownTCP is not the tcp part of the table: %v", WellKnownTCP)
	}
}

// Collect over a Service port item and the pods behind it, then Decide.
func TestDecideAndCollect(t *testing.T) {
	pod := func(c map[string]any) []Backend {
		return []Backend{{Where: "Deployment onap/x", Template: map[string]any{"spec": map[string]any{"containers": []any{c}}}}}
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
		pods  []Backend
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
			ev := Collect(PortQuery{Service: "x", Namespace: "onap", Item: c.item, NPorts: 1, Pods: c.pods}, Sources{Table: c.table})
			inf, ok := Decide(LatestVersion, PortOf(c.item), ev)
			if ok != c.ok || ok && inf.Protocol != c.want {
				t.Errorf("Decide = %v (%s), %v; want %v, %v", inf.Protocol, inf.Reason, ok, c.want, c.ok)
			}
		})
	}
}
