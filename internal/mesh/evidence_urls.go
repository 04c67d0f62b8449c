package mesh

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Client URLs: how the tree's own clients call a Service is evidence of
// what its port speaks. A URL counts for a Service port when
//   - its scheme is http, https, grpc, ws or wss (ws is HTTP, wss HTTPS);
//   - its host reaches the Service the way a pod's resolver does: the
//     Kubernetes DNS search path <ns>.svc.<domain>, svc.<domain>, <domain>
//     tried before the name itself, so `name`, `name.namespace`,
//     `name.namespace.svc` and `name.namespace.svc.cluster.local` all reach
//     it; the comparison is HostsMatch;
//   - its port is the Service port, or it has none and the scheme's
//     default (80 for http/ws, 443 for https/wss) is, or it is a template
//     expression and the Service has one port (the call reaches nothing
//     else).
// Source text is read as written: a template action in the host that
// names the namespace (`{{ include "common.namespace" . }}`) stands for the
// Service's namespace, as does the client's namespace (an OOM release
// lives in one namespace); any other action in the host makes the URL
// unknown. Commented-out lines and NOTES.txt (hints for humans, through
// node ports) do not count.

// URLIndex holds client URLs by the first label of their host.
type URLIndex struct {
	byLabel map[string][]clientURL
}

type clientURL struct {
	scheme string
	host   string // lower case; nsMark for a namespace action
	port   int32  // 0: none written; -1: a template expression
	// clientNS is the caller's namespace ("" for source text: the Service's)
	clientNS string
	raw      string
	where    string
}

const nsMark = "\x00ns"

var urlRE = regexp.MustCompile(`(?i)\b(https?|grpc|wss?)://((?:[a-z0-9_.-]|\{\{[^{}]*\}\})+)(?::(\d+|\{\{[^{}]*\}\}))?`)
var actionRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// NewURLIndex returns an empty index.
func NewURLIndex() *URLIndex { return &URLIndex{byLabel: map[string][]clientURL{}} }

// Len is the number of URLs held.
func (ix *URLIndex) Len() int {
	n := 0
	for _, l := range ix.byLabel {
		n += len(l)
	}
	return n
}

// AddText records the URLs of a text; where(line) names the place of a
// 1-based line. clientNS is the caller's namespace ("" when unknown).
func (ix *URLIndex) AddText(text, clientNS string, where func(line int) string) {
	if !strings.Contains(text, "://") {
		return
	}
	for i, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "://") {
			continue
		}
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
			continue
		}
		comment := strings.Index(line, " #")
		for _, m := range urlRE.FindAllStringSubmatchIndex(line, -1) {
			if comment >= 0 && m[0] > comment {
				break
			}
			u, ok := parseClientURL(line, m)
			if !ok {
				continue
			}
			u.clientNS, u.where = clientNS, where(i+1)
			first, _, _ := strings.Cut(u.host, ".")
			ix.byLabel[first] = append(ix.byLabel[first], u)
		}
	}
}

func parseClientURL(line string, m []int) (clientURL, bool) {
	u := clientURL{scheme: strings.ToLower(line[m[2]:m[3]]), raw: line[m[0]:m[1]]}
	bad := false
	host := actionRE.ReplaceAllStringFunc(line[m[4]:m[5]], func(a string) string {
		if strings.Contains(strings.ToLower(a), "namespace") {
			return nsMark
		}
		bad = true
		return ""
	})
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if bad || host == "" || strings.HasPrefix(host, nsMark) {
		return u, false
	}
	u.host = host
	if m[6] >= 0 {
		if n, err := strconv.Atoi(line[m[6]:m[7]]); err == nil {
			if n <= 0 || n > 65535 {
				return u, false
			}
			u.port = int32(n)
		} else {
			u.port = -1
		}
	}
	return u, true
}

// AddTree records the URLs of every text file under root (a chart tree):
// values files, templates, the configuration files charts ship. Places are
// shown relative to root.
func (ix *URLIndex) AddTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || d.Name() == "NOTES.txt" || strings.HasSuffix(d.Name(), ".tgz") {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 1<<20 {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("client URLs: %w", err)
		}
		if !bytes.Contains(b, []byte("://")) || bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0 {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		ix.AddText(string(b), "", func(l int) string { return fmt.Sprintf("%s:%d", rel, l) })
		return nil
	})
}

// AddObject records the URLs in every string of a rendered object
// (ConfigMap data, env values, arguments, annotations), placed at the
// object and field.
func (ix *URLIndex) AddObject(kind, ns, name string, obj map[string]any) {
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(x[k], p)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		case string:
			multi := strings.Contains(x, "\n")
			ix.AddText(x, ns, func(l int) string {
				if multi {
					return fmt.Sprintf("%s %s/%s %s line %d", kind, ns, name, path, l)
				}
				return fmt.Sprintf("%s %s/%s %s", kind, ns, name, path)
			})
		}
	}
	walk(obj, "")
}

// Clues are the URLs that reach port of Service name in namespace ns
// (nports: how many ports the Service has).
func (ix *URLIndex) Clues(name, ns string, port int32, nports int, domain string) []Clue {
	if ix == nil {
		return nil
	}
	d := domainOr(domain)
	svc := ServiceHost(name, ns, d)
	var out []Clue
	seen := map[string]bool{}
	for _, u := range ix.byLabel[strings.ToLower(name)] {
		if !u.reaches(svc, ns, d) || !u.hits(port, nports) {
			continue
		}
		if seen[u.raw+"\x00"+u.where] {
			continue
		}
		seen[u.raw+"\x00"+u.where] = true
		out = append(out, Clue{Protocol: schemeProtocol(u.scheme), Kind: KindClientURL, Strength: StrengthStrong, What: "`" + u.raw + "`", Where: u.where})
	}
	return out
}

func (u clientURL) reaches(svc, ns, domain string) bool {
	host := strings.ReplaceAll(u.host, nsMark, ns)
	client := u.clientNS
	if client == "" {
		client = ns
	}
	for _, c := range []string{host + "." + client + ".svc." + domain, host + ".svc." + domain, host + "." + domain, host} {
		if HostsMatch(c, svc) {
			return true
		}
	}
	return false
}

func (u clientURL) hits(port int32, nports int) bool {
	switch u.port {
	case 0:
		switch u.scheme {
		case "http", "ws":
			return port == 80
		case "https", "wss":
			return port == 443
		}
		return false
	case -1:
		return nports == 1
	}
	return u.port == port
}

func schemeProtocol(s string) Instance {
	switch s {
	case "https", "wss":
		return HTTPS
	case "grpc":
		return GRPC
	}
	return HTTP
}
