package mesh

import "testing"

func TestInfer(t *testing.T) {
	for _, c := range []struct {
		name string
		e    Evidence
		want Instance
	}{
		{"kafka port", Evidence{Port: 9092, Name: "client"}, TCP},
		{"zookeeper target port", Evidence{Port: 80, TargetPort: 2181}, TCP},
		{"etcd peer", Evidence{Port: 2380}, TCP},
		{"postgres", Evidence{Port: 5432, Name: "db"}, TCP},
		{"galera sst", Evidence{Port: 4444}, TCP},
		{"es transport beats http probe", Evidence{Port: 9300, Name: "transport", HTTPProbe: true}, TCP},
		{"amqp", Evidence{Port: 5672}, TCP},
		{"cassandra jmx", Evidence{Port: 7199, Name: "jmx"}, TCP},
		{"metrics name", Evidence{Port: 9090, Name: "metrics"}, HTTP},
		{"prometheus name", Evidence{Port: 9091, Name: "prometheus"}, HTTP},
		{"api name", Evidence{Port: 8080, Name: "api"}, HTTP},
		{"ui name", Evidence{Port: 8080, Name: "ui"}, HTTP},
		{"rest name", Evidence{Port: 8080, Name: "rest"}, HTTP},
		{"web name", Evidence{Port: 8080, Name: "web"}, HTTP},
		{"httpd name", Evidence{Port: 80, Name: "httpd"}, HTTP},
		{"grpc word", Evidence{Port: 9111, Name: "executor-grpc"}, GRPC},
		{"kafka-metrics is http", Evidence{Port: 9404, Name: "kafka-metrics"}, HTTP},
		{"target name says api", Evidence{Port: 80, TargetName: "api"}, HTTP},
		{"http probe", Evidence{Port: 8081, Name: "svc", HTTPProbe: true}, HTTP},
		{"https probe beats name", Evidence{Port: 8080, Name: "api", HTTPSProbe: true}, HTTPS},
		{"tls env beats name", Evidence{Port: 8080, Name: "api", TLS: true, TLSReason: "env"}, HTTPS},
		{"8443", Evidence{Port: 8443, Name: "api"}, HTTPS},
		{"9443 target", Evidence{Port: 80, TargetPort: 9443}, HTTPS},
		{"443", Evidence{Port: 443}, HTTPS},
		{"1443 follows the *443 convention", Evidence{Port: 1443}, HTTPS},
		{"4430 is not tls", Evidence{Port: 4430}, TCP},
		{"nothing known", Evidence{Port: 1234, Name: "x"}, TCP},
		{"unnamed", Evidence{Port: 1234}, TCP},
		{"table by number", Evidence{Port: 9300, Table: map[string]string{"9300": "http"}}, HTTP},
		{"table by name", Evidence{Port: 1234, Name: "x", Table: map[string]string{"x": "grpc"}}, GRPC},
		{"table by target port", Evidence{Port: 80, TargetPort: 8080, Table: map[string]string{"8080": "http2"}}, HTTP2},
		{"table with an unknown protocol is ignored", Evidence{Port: 1234, Table: map[string]string{"1234": "smtp"}}, TCP},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Infer(c.e)
			if got.Protocol != c.want {
				t.Errorf("Infer(%+v) = %s (%s), want %s", c.e, got.Protocol, got.Reason, c.want)
			}
			if got.Reason == "" {
				t.Errorf("Infer(%+v) gave no reason", c.e)
			}
		})
	}
}

func TestMismatch(t *testing.T) {
	for _, c := range []struct {
		name     string
		declared Instance
		e        Evidence
		want     Instance // "" for no mismatch
	}{
		{"ONAP http-transport on 9300", HTTP, Evidence{Port: 9300, Name: "http-transport"}, TCP},
		{"grpc on kafka", GRPC, Evidence{Port: 9092, Name: "grpc"}, TCP},
		{"http on zookeeper target", HTTP, Evidence{Port: 80, TargetPort: 2181}, TCP},
		{"an http probe proves http on 9092", HTTP, Evidence{Port: 9092, Name: "http", HTTPProbe: true}, ""},
		{"tcp on kafka is fine", TCP, Evidence{Port: 9092}, ""},
		{"http on 8080 is fine", HTTP, Evidence{Port: 8080}, ""},
		{"mysql named mysql is fine", MySQL, Evidence{Port: 3306}, ""},
		{"table overrides a declared name", HTTP, Evidence{Port: 8080, Table: map[string]string{"8080": "grpc"}}, GRPC},
		{"table agreeing is fine", HTTP, Evidence{Port: 9300, Table: map[string]string{"9300": "http"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Mismatch(c.declared, c.e)
			if (c.want != "") != ok || ok && got.Protocol != c.want {
				t.Errorf("Mismatch(%s, %+v) = %s, %v; want %q", c.declared, c.e, got.Protocol, ok, c.want)
			}
		})
	}
}

func TestParseMesh(t *testing.T) {
	for in, ok := range map[string]bool{"http": true, "GRPC-Web": true, "tcp": true, "mongo": true, "udp": false, "http_proxy": false, "smtp": false} {
		if _, got := ParseMesh(in); got != ok {
			t.Errorf("ParseMesh(%q) ok = %v, want %v", in, got, ok)
		}
	}
}
