package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/resource"
)

// portName matches the field of a Service port's name.
var portName = regexp.MustCompile(`^spec\.ports\[(\d+)\]\.name$`)

// suggestFix proposes the replacement for a port-name finding where the
// name is written literally on the located line: the same protocol
// inference and evidence as the KRM function and the fixer (mesh.Collect). Other
// findings get no suggestion: their fixes are insertions or judgement calls.
func suggestFix(v mesh.Version, ev *portEvidence, r *resource.Resource, f finding.Finding, absFile string, lines func(string) []string) *finding.Fix {
	if f.Rule != "port-protocol-name" && f.Rule != "port-protocol-mismatch" && f.Rule != "port-protocol-evidence" || f.Value == "" || r.Kind != "Service" || absFile == "" || f.Line <= 0 {
		return nil
	}
	m := portName.FindStringSubmatch(f.Field)
	if m == nil {
		return nil
	}
	ports, _ := lookupList(r.Object, "spec", "ports")
	var idx int
	fmt.Sscan(m[1], &idx)
	if idx >= len(ports) {
		return nil
	}
	item, _ := ports[idx].(map[string]any)
	if item == nil {
		return nil
	}
	inf, ok := mesh.Decide(v, mesh.PortOf(item), ev.collect(r, item, len(ports)))
	if !ok {
		return nil
	}
	taken := map[string]bool{}
	for i, p := range ports {
		if pm, _ := p.(map[string]any); pm != nil && i != idx {
			if n, _ := pm["name"].(string); n != "" {
				taken[n] = true
			}
		}
	}
	pi := mesh.PortOf(item)
	name := mesh.NewName(inf.Protocol, f.Value, pi.Port, func(s string) bool { return taken[s] })
	ls := lines(absFile)
	if name == f.Value || f.Line > len(ls) || !containsToken(ls[f.Line-1], f.Value) {
		return nil
	}
	return &finding.Fix{File: f.File, Line: f.Line, Old: f.Value, New: name,
		Description: fmt.Sprintf("Rename port %q to %q: %s", f.Value, name, inf.Reason)}
}

// containsToken reports whether line holds s as a whole YAML scalar token.
func containsToken(line, s string) bool {
	for i := strings.Index(line, s); i >= 0; {
		before, after := byte(' '), byte(' ')
		if i > 0 {
			before = line[i-1]
		}
		if j := i + len(s); j < len(line) {
			after = line[j]
		}
		if strings.IndexByte(" :\"'[,{", before) >= 0 && strings.IndexByte(" \"',]}#", after) >= 0 {
			return true
		}
		next := strings.Index(line[i+1:], s)
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false
}

func lookupMap(obj map[string]any, path ...string) (map[string]any, bool) {
	var cur any = obj
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m[k]
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

func lookupList(obj map[string]any, path ...string) ([]any, bool) {
	if len(path) == 0 {
		return nil, false
	}
	m, ok := lookupMap(obj, path[:len(path)-1]...)
	if !ok {
		return nil, false
	}
	l, ok := m[path[len(path)-1]].([]any)
	return l, ok
}
