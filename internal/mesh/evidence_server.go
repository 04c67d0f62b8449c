package mesh

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Server configuration: what the software the pod runs is told to serve on
// the port, read from the ConfigMaps the pod mounts and its environment.
//   - Spring Boot: server.port with server.ssl.enabled / server.ssl.key-store
//     (HTTPS), server.http2.enabled (HTTP2), else HTTP; grpc.server.port
//     (gRPC); in application*.yaml|yml|properties, or the SERVER_PORT /
//     SERVER_SSL_ENABLED environment.
//   - ONAP policy components: restServerParameters {"port": N, "https": true}.
//   - nginx: `listen N [ssl] [http2];`.

var nginxListenRE = regexp.MustCompile(`(?m)^\s*listen\s+(?:\S*:)?(\d+)([^;]*);`)

func serverClues(pod Backend, spec map[string]any, port int32, ns string, objects []map[string]any) []Clue {
	var out []Clue
	for _, c := range mapItems(spec["containers"]) {
		env := map[string]string{}
		for _, e := range mapItems(c["env"]) {
			env[text(e["name"])] = text(e["value"])
		}
		if n, ok := Number(env["SERVER_PORT"]); ok && n == port {
			out = append(out, springClue(flatConf{"server.ssl.enabled": strings.ToLower(env["SERVER_SSL_ENABLED"])}, "server", fmt.Sprintf("%s container %s env SERVER_PORT", pod.Where, text(c["name"]))))
		}
	}
	cms := map[string]bool{}
	for _, v := range mapItems(spec["volumes"]) {
		if n := text(field(v, "configMap", "name")); n != "" {
			cms[n] = true
		}
		for _, src := range mapItems(field(v, "projected", "sources")) {
			if n := text(field(src, "configMap", "name")); n != "" {
				cms[n] = true
			}
		}
	}
	for _, o := range objects {
		name := text(field(o, "metadata", "name"))
		if text(o["kind"]) != "ConfigMap" || !cms[name] || objNS(o, ns) != ns {
			continue
		}
		data, _ := o["data"].(map[string]any)
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			where := fmt.Sprintf("ConfigMap %s/%s data[%s]", ns, name, k)
			out = append(out, fileClues(k, text(data[k]), port, where)...)
		}
	}
	return out
}

// flatConf is a configuration file's keys, dotted.
type flatConf map[string]string

func fileClues(key, body string, port int32, where string) []Clue {
	var out []Clue
	lk := strings.ToLower(key)
	var conf flatConf
	switch {
	case strings.HasSuffix(lk, ".properties"):
		conf = flatConf{}
		for _, l := range strings.Split(body, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l[0] == '#' || l[0] == '!' {
				continue
			}
			if i := strings.IndexAny(l, "=:"); i > 0 {
				conf[strings.TrimSpace(l[:i])] = strings.TrimSpace(l[i+1:])
			}
		}
	case strings.HasSuffix(lk, ".yaml") || strings.HasSuffix(lk, ".yml"):
		var m map[string]any
		if yaml.Unmarshal([]byte(body), &m) == nil {
			conf = flatConf{}
			flatten(m, "", conf)
		}
	case strings.HasSuffix(lk, ".json") || strings.HasPrefix(strings.TrimSpace(body), "{"):
		var m any
		if json.Unmarshal([]byte(body), &m) == nil {
			out = append(out, restServerClues(m, port, where)...)
		}
	}
	if conf != nil {
		if n, ok := Number(conf["server.port"]); ok && n == port {
			out = append(out, springClue(conf, "server", where))
		}
		if n, ok := Number(conf["grpc.server.port"]); ok && n == port {
			out = append(out, Clue{Protocol: GRPC, Kind: KindServer, Strength: StrengthServer, What: fmt.Sprintf("grpc.server.port: %d", n), Where: where})
		}
	}
	if strings.Contains(body, "listen") && (strings.HasSuffix(lk, ".conf") || strings.Contains(body, "server {") || strings.Contains(body, "server{")) {
		for _, m := range nginxListenRE.FindAllStringSubmatch(body, -1) {
			if n, ok := Number(m[1]); !ok || n != port {
				continue
			}
			flags := " " + m[2] + " "
			p := HTTP
			switch {
			case strings.Contains(flags, " ssl "):
				p = HTTPS
			case strings.Contains(flags, " http2 "):
				p = HTTP2
			}
			out = append(out, Clue{Protocol: p, Kind: KindServer, Strength: StrengthServer, What: fmt.Sprintf("nginx `listen %s%s`", m[1], strings.TrimRight(m[2], " ")), Where: where})
		}
	}
	return out
}

func springClue(conf flatConf, _ string, where string) Clue {
	switch {
	case conf["server.ssl.enabled"] == "true" || conf["server.ssl.enabled"] == "" && (conf["server.ssl.key-store"] != "" || conf["server.ssl.keyStore"] != ""):
		return Clue{Protocol: HTTPS, Kind: KindServer, Strength: StrengthServer, What: "Spring Boot server.port with server.ssl", Where: where}
	case conf["server.http2.enabled"] == "true":
		return Clue{Protocol: HTTP2, Kind: KindServer, Strength: StrengthServer, What: "Spring Boot server.port with server.http2.enabled", Where: where}
	}
	return Clue{Protocol: HTTP, Kind: KindServer, Strength: StrengthServer, What: "Spring Boot server.port without server.ssl", Where: where}
}

func flatten(v any, prefix string, out flatConf) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(e, p, out)
		}
	default:
		out[prefix] = strings.ToLower(text(x))
	}
}

// restServerClues finds ONAP's restServerParameters on the port.
func restServerClues(v any, port int32, where string) []Clue {
	var out []Clue
	switch x := v.(type) {
	case map[string]any:
		if rp, ok := x["restServerParameters"].(map[string]any); ok {
			if n, ok := Number(rp["port"]); ok && n == port {
				p, what := HTTP, fmt.Sprintf("restServerParameters port %d without https", n)
				if rp["https"] == true {
					p, what = HTTPS, fmt.Sprintf(`restServerParameters port %d with "https": true`, n)
				}
				out = append(out, Clue{Protocol: p, Kind: KindServer, Strength: StrengthServer, What: what, Where: where})
			}
		}
		for k, e := range x {
			if k != "restServerParameters" {
				out = append(out, restServerClues(e, port, where)...)
			}
		}
	case []any:
		for _, e := range x {
			out = append(out, restServerClues(e, port, where)...)
		}
	}
	return out
}
