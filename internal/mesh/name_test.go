package mesh

import (
	"strings"
	"testing"
)

func TestValidPortName(t *testing.T) {
	for in, want := range map[string]bool{
		"http": true, "http-api": true, "tcp-5432": true, "a": true, "a1-b2": true,
		"123456789012345": false, "abcdefghijklmno": true, "abcdefghijklmnop": false,
		"": false, "1234": false, "-http": false, "http-": false, "http--api": false,
		"Http": false, "http_api": false, "http.api": false,
	} {
		if got := ValidPortName(in); got != want {
			t.Errorf("ValidPortName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNewName(t *testing.T) {
	none := func(string) bool { return false }
	for _, c := range []struct {
		name  string
		p     Instance
		old   string
		port  int32
		taken []string
		want  string
	}{
		{"prefix", HTTP, "api", 8080, nil, "http-api"},
		{"unnamed", TCP, "", 5432, nil, "tcp"},
		{"strip wrong claim", TCP, "http-transport", 9300, nil, "tcp-transport"},
		{"strip bare claim", TCP, "http", 9300, nil, "tcp"},
		{"strip grpc-web claim", TCP, "grpc-web-x", 9092, nil, "tcp-x"},
		{"truncate", HTTP, "aai-graphadmin-api", 8449, nil, "http-aai-grapha"},
		{"truncate without trailing dash", HTTPS, "portal-ui", 8443, nil, "https-portal-ui"},
		{"cut at dash is trimmed", HTTP, "abcdefghi-jklm", 80, nil, "http-abcdefghi"},
		{"sanitize", HTTP, "Web_UI", 80, nil, "http-web-ui"},
		{"taken gets port", HTTP, "api", 8080, []string{"http-api"}, "http-8080"},
		{"taken twice gets counter", HTTP, "api", 8080, []string{"http-api", "http-8080"}, "http-api-2"},
		{"long taken gets counter", HTTP, "aai-graphadmin-api", 80, []string{"http-aai-grapha", "http-80"}, "http-aai-grap-2"},
		{"grpc-web prefix", GRPCWeb, "frontend", 8080, nil, "grpc-web-fronte"},
		{"digits only rest", TCP, "5005", 5005, nil, "tcp-5005"},
	} {
		t.Run(c.name, func(t *testing.T) {
			taken := none
			if c.taken != nil {
				taken = func(s string) bool {
					for _, x := range c.taken {
						if x == s {
							return true
						}
					}
					return false
				}
			}
			got := NewName(c.p, c.old, c.port, taken)
			if got != c.want {
				t.Errorf("NewName(%s, %q, %d) = %q, want %q", c.p, c.old, c.port, got, c.want)
			}
			if !ValidPortName(got) {
				t.Errorf("NewName(%s, %q) = %q is not a valid port name", c.p, c.old, got)
			}
			if Select(Port{Name: got, Port: c.port}) != c.p {
				t.Errorf("Istio reads %q as %s, want %s", got, Select(Port{Name: got, Port: c.port}), c.p)
			}
		})
	}
}

func TestStripProtocol(t *testing.T) {
	for in, want := range map[string]string{"http-transport": "transport", "http": "", "grpc-web-x": "x", "api": "api", "httpd-x": "httpd-x"} {
		if got := StripProtocol(in); got != want {
			t.Errorf("StripProtocol(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NewName(TCP, strings.Repeat("x", 40), 1, func(string) bool { return false }); len(got) > MaxPortName {
		t.Errorf("NewName gave %q, longer than %d", got, MaxPortName)
	}
}
