package config

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// RuleRef is a rule id the configuration names, and where.
type RuleRef struct {
	ID string
	// Where is the setting, e.g. rules.enable[0] or ignore[1].rules[0].
	Where string
	// Line is the 1-based line in the file (0 when not read from a file).
	Line int
}

// RuleRefs lists every rule id the configuration names, in file order
// when the file's text is known.
func (c *Config) RuleRefs() []RuleRef {
	var out []RuleRef
	lines := c.idLines()
	add := func(id, where string) { out = append(out, RuleRef{ID: id, Where: where, Line: lines[where]}) }
	for i, id := range c.Rules.Enable {
		add(id, fmt.Sprintf("rules.enable[%d]", i))
	}
	for i, id := range c.Rules.Disable {
		add(id, fmt.Sprintf("rules.disable[%d]", i))
	}
	for _, id := range sortedKeys(c.Rules.Severity) {
		add(id, "rules.severity."+id)
	}
	for i, ig := range c.Ignore {
		for j, id := range ig.Rules {
			add(id, fmt.Sprintf("ignore[%d].rules[%d]", i, j))
		}
	}
	slices.SortStableFunc(out, func(a, b RuleRef) int { return a.Line - b.Line })
	return out
}

// CheckRules rejects rule ids that are not in the catalogue (the built-in
// and --policy rules), naming the file, line and closest known id, and an
// enable list that leaves no rule to run: a typo must not turn the gate
// off.
func (c *Config) CheckRules(known []string) error {
	var errs []string
	for _, r := range c.RuleRefs() {
		if slices.Contains(known, r.ID) {
			continue
		}
		errs = append(errs, fmt.Sprintf("%s: %s: unknown rule %q%s", c.where(r.Line), r.Where, r.ID, Suggest(r.ID, known)))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	if len(c.Rules.Enable) > 0 && !slices.ContainsFunc(known, c.RuleEnabled) {
		return fmt.Errorf("%s: rules.enable selects no rule (every enabled rule is also disabled)", c.where(c.idLines()["rules.enable[0]"]))
	}
	return nil
}

// where is "file:line", "file", or "configuration".
func (c *Config) where(line int) string {
	switch {
	case c.Path == "":
		return "configuration"
	case line > 0:
		return fmt.Sprintf("%s:%d", c.Path, line)
	}
	return c.Path
}

// Suggest is ` (did you mean "x"?)` for the known id closest to id, or ""
// when none is close (more than a third of the id differs).
func Suggest(id string, known []string) string {
	best, bestD := "", len(id)/3+1
	for _, k := range known {
		if d := editDistance(id, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// idLines maps the settings that hold rule ids, and the top-level settings
// whose errors are reported at their line (settingError), to their lines in
// the file.
func (c *Config) idLines() map[string]int {
	out := map[string]int{}
	var doc yaml.Node
	if len(c.raw) == 0 || yaml.Unmarshal(c.raw, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	get := func(n *yaml.Node, key string) *yaml.Node {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	list := func(n *yaml.Node, prefix string) {
		if n != nil && n.Kind == yaml.SequenceNode {
			for i, it := range n.Content {
				out[fmt.Sprintf("%s[%d]", prefix, i)] = it.Line
			}
		}
	}
	root := doc.Content[0]
	if n := get(root, "helmCompat"); n != nil {
		out["helmCompat"] = n.Line
	}
	rules := get(root, "rules")
	list(get(rules, "enable"), "rules.enable")
	list(get(rules, "disable"), "rules.disable")
	if sev := get(rules, "severity"); sev != nil && sev.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(sev.Content); i += 2 {
			out["rules.severity."+sev.Content[i].Value] = sev.Content[i].Line
		}
	}
	if ig := get(root, "ignore"); ig != nil && ig.Kind == yaml.SequenceNode {
		for i, it := range ig.Content {
			list(get(it, "rules"), fmt.Sprintf("ignore[%d].rules", i))
		}
	}
	return out
}
