package sourcemap

import (
	"fmt"
	"slices"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func TestComposedFrom(t *testing.T) {
	port := map[string]any{"port": 8080, "targetPort": "http", "protocol": "TCP", "name": "VALUE"}
	for _, c := range []struct {
		name   string
		values string
		obj    map[string]any
		value  string
		want   []string // key:line of the parts, in order; nil: not composed
	}{
		{"printf %s-%s", "name: http\nport: 8080\nport_protocol: web\n", port, "web-http", []string{"port_protocol:3", "name:1"}},
		{"printf %ss-%s (TLS)", "name: http\nport: 8080\nport_protocol: web\n", port, "webs-http", []string{"port_protocol:3", "name:1"}},
		{"name first", "port_protocol: tcp\nname: db\nport: 8080\n", port, "db-tcp", []string{"name:2", "port_protocol:1"}},
		{"same text twice", "name: http\nport: 8080\nport_protocol: http\n", port, "http-http", []string{"name:1", "port_protocol:3"}},
		{"one scalar is not composed", "name: http\nport: 8080\nport_protocol: web\n", port, "http", nil},
		{"too much glue", "name: http\nport: 8080\nport_protocol: web\n", port, "web-xyzw-http", nil},
		{"disagrees with the rendered port", "name: http\nport: 9090\nport_protocol: web\n", port, "web-http", nil},
		{"nothing shared with the rendered object", "name: http\nport_protocol: web\n", port, "web-http", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(c.values), &doc); err != nil {
				t.Fatal(err)
			}
			parts, agree := composedFrom(doc.Content[0], c.obj, c.value)
			var got []string
			if agree > 0 {
				for _, p := range parts {
					got = append(got, fmt.Sprintf("%s:%d", p.Key, p.Line))
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("parts %v, want %v", got, c.want)
			}
		})
	}
}
