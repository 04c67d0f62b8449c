package fix

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/sourcemap"

	"github.com/meshready/meshready/internal/chartsource"
)

// portTask is one Service port a rule reports, in one variant.
type portTask struct {
	vi   int
	svc  *resource.Resource
	idx  int
	port mesh.Port
	inf  mesh.Inference
	f    finding.Finding
}

var portFieldRE = regexp.MustCompile(`^spec\.ports\[(\d+)\]\.(name|appProtocol)$`)

// planPorts plans one item per Service port that port-protocol-name or
// port-protocol-mismatch or port-protocol-evidence reports.
func (s *session) planPorts(ctx context.Context, p *chartPlan, skip map[string]bool) error {
	groups := map[string][]*portTask{}
	var order []string
	refused := map[string]bool{}
	for vi, fs := range p.findings {
		res := p.before[vi]
		for _, f := range fs {
			if f.Rule != rulePortName && f.Rule != ruleMismatch && f.Rule != ruleEvidence {
				continue
			}
			svc := res.Resources[f.ResourceIndex]
			m := portFieldRE.FindStringSubmatch(f.Field)
			if m == nil {
				p.refuse(keyOf(svc).String()+"#"+f.Field, svc, f.Field, "the finding is not on a port's name")
				continue
			}
			idx, _ := strconv.Atoi(m[1])
			item, _ := resource.Lookup(svc.Object, fmt.Sprintf("spec.ports[%d]", idx))
			pm, _ := item.(map[string]any)
			if pm == nil {
				continue
			}
			port := mesh.PortOf(pm)
			// a Service's port names are unique; unnamed ports go by number
			key := fmt.Sprintf("%s#%s", keyOf(svc), port.Name)
			if port.Name == "" {
				key = fmt.Sprintf("%s#%d", keyOf(svc), port.Port)
			}
			if refused[key] || skip[key] {
				continue
			}
			if m[2] == "appProtocol" {
				refused[key] = true
				p.refuse(key, svc, f.Field, fmt.Sprintf("appProtocol %q is set by hand; correct it by hand (%s)", port.AppProtocol, f.Message))
				continue
			}
			dup := false
			for _, t := range groups[key] {
				dup = dup || t.vi == vi
			}
			if dup {
				continue
			}
			if port.Name != "" && namedTwice(svc, port.Name) {
				refused[key] = true
				p.refuse(key, svc, f.Field, fmt.Sprintf("the Service names two ports %q (%s); Kubernetes rejects that: give them distinct names by hand", port.Name, p.variants[vi].name))
				continue
			}
			ev, err := s.evidence(res, svc, pm)
			if err != nil {
				return err
			}
			op, ok := mesh.PlanPort(s.version(), res.Resources, f.ResourceIndex, idx, ev, mesh.PortOptions{})
			if ok && op.Kind == mesh.OpAppProtocol {
				refused[key] = true
				p.refuse(key, svc, f.Field, fmt.Sprintf("Istio reads its appProtocol %q, not its name (%s); set appProtocol: %s by hand", port.AppProtocol, f.Message, op.Value))
				continue
			}
			inf := op.Inference
			if !ok {
				refused[key] = true
				p.refuse(key, svc, f.Field, fmt.Sprintf("%s, but the protocol inference finds nothing to correct; name the port by hand or give its protocol with --port-protocol", f.Message))
				continue
			}
			if _, seen := groups[key]; !seen {
				order = append(order, key)
			}
			groups[key] = append(groups[key], &portTask{vi: vi, svc: svc, idx: idx, port: port, inf: inf, f: f})
		}
	}
	if len(order) == 0 {
		return nil
	}
	var targets []string
	nums := map[int32]bool{}
	for _, k := range order {
		t := groups[k][0]
		if t.port.Name != "" {
			targets = append(targets, t.port.Name)
		} else {
			nums[t.port.Port] = true
		}
	}
	probes := make([]*probe, len(p.variants))
	for vi := range p.variants {
		if err := ctx.Err(); err != nil {
			return err
		}
		probes[vi] = s.probeFor(ctx, p, vi, targets, nums)
		probes[vi].ask(sourcemap.New(p.before[vi].Graph, s.fs.src), p.before[vi])
	}
	for _, k := range order {
		if refused[k] {
			continue
		}
		s.planPort(p, probes, k, groups[k])
	}
	return nil
}

// namedTwice tells whether two ports of a Service share a name.
func namedTwice(svc *resource.Resource, name string) bool {
	ports, _ := resource.Lookup(svc.Object, "spec.ports")
	n := 0
	for _, pm := range asMaps(ports) {
		if mesh.PortOf(pm).Name == name {
			n++
		}
	}
	return n > 1
}

// portRefs is a port's name field and every field naming it that must
// follow a rename, in one variant.
type portRefs struct {
	vi      int
	svc     *resource.Resource
	idx     int
	old     string
	name    fieldRef
	fields  []fieldRef // all, name first
	cport   bool       // container ports are among them (15-character limit)
	taken   map[string]bool
	portNum int32
}

// refsFor finds, in one variant's render, the port (by Service and number)
// and the fields that name it (mesh.PortReferences). When another Service
// reaches the container port by name on pods the rename would not touch,
// only the Service's own fields follow.
func refsFor(res *render.Result, vi int, svcKey objKey, num int32, old string) *portRefs {
	objs := index(res.Resources)
	svc := objs[svcKey]
	if svc == nil {
		return nil
	}
	keys := make(map[*resource.Resource]objKey, len(objs))
	for k, r := range objs {
		keys[r] = k
	}
	si := slices.Index(res.Resources, svc)
	ports, _ := resource.Lookup(svc.Object, "spec.ports")
	idx := -1
	for i, pm := range asMaps(ports) {
		if mesh.PortOf(pm).Name == old && (old != "" || mesh.PortOf(pm).Port == num) {
			idx = i
		}
	}
	if idx < 0 || si < 0 {
		return nil
	}
	refs := mesh.PortReferences(res.Resources, si, idx, "")
	list := refs.Refs
	if refs.Pinned != "" {
		list = refs.ServiceSide()
	}
	pr := &portRefs{vi: vi, svc: svc, idx: idx, old: old, portNum: num, taken: map[string]bool{}}
	for _, r := range list {
		pr.fields = append(pr.fields, fieldRef{keys[res.Resources[r.Object]], r.Field})
		pr.cport = pr.cport || r.Kind == mesh.RefContainerPort
	}
	pr.name = pr.fields[0]
	for n := range refs.ServiceNames {
		pr.taken[n] = true
	}
	for n := range refs.PodNames {
		pr.taken[n] = true
	}
	return pr
}

// planPort decides where to rename one port and records the item.
func (s *session) planPort(p *chartPlan, probes []*probe, key string, ts []*portTask) {
	t0 := ts[0]
	svcKey := keyOf(t0.svc)
	old := t0.port.Name
	proto := t0.inf.Protocol
	field := fmt.Sprintf("spec.ports[%d].name", t0.idx)
	for _, t := range ts[1:] {
		if t.inf.Protocol != proto {
			p.refuse(key, t0.svc, field, fmt.Sprintf("the chart's variants disagree on its protocol (%s vs %s); name it by hand", proto.Prefix(), t.inf.Protocol.Prefix()))
			return
		}
	}
	refs := map[int]*portRefs{}
	for vi, res := range p.before {
		if r := refsFor(res, vi, svcKey, t0.port.Port, old); r != nil {
			refs[vi] = r
		}
	}
	it := newItem(key, p.name, t0.svc, field)
	var newName string
	var where []string
	var err error
	if old == "" {
		newName, where, err = s.nameUnnamed(probes, refs, proto, it)
	} else {
		newName, where, err = s.renamePort(p, probes, refs, proto, it)
	}
	if err != nil {
		p.refuse(key, t0.svc, field, s.dependencyNote(p, t0.vi, t0.svc, err).Error())
		return
	}
	for vi, r := range refs {
		for _, f := range r.fields {
			it.want(vi, f.key, f.path, newName)
		}
		it.gone[vi] = append(it.gone[vi], goneRule{key: svcKey, rules: []string{rulePortName, ruleMismatch, ruleEvidence}, field: fmt.Sprintf("spec.ports[%d].", r.idx)})
	}
	what := fmt.Sprintf("port %d", t0.port.Port)
	if old != "" {
		what = fmt.Sprintf("port %d (%s)", t0.port.Port, old)
	}
	it.message = fmt.Sprintf("%s named %s: %s; in %s", what, newName, t0.inf.Reason, strings.Join(where, ", "))
	if n := len(refs[t0.vi].fields) - 1; n > 0 {
		it.message += fmt.Sprintf(" (%d reference(s) follow)", n)
	}
	if len(it.edits) == 0 {
		p.refuse(key, t0.svc, field, "no source of its name was found; name it by hand")
		return
	}
	p.items = append(p.items, it)
}

// inRefs tells whether every field a source reaches, in every variant, is
// one of the port's fields (exactly, for a value).
func inRefs(refs map[int]*portRefs, probes []*probe, foot func(pr *probe) ([]fieldRef, bool)) bool {
	for vi, pr := range probes {
		fs, ok := foot(pr)
		if !ok {
			return false
		}
		allowed := map[fieldRef]bool{}
		if r := refs[vi]; r != nil {
			for _, f := range r.fields {
				allowed[f] = true
			}
		}
		for _, f := range fs {
			if !allowed[f] {
				return false
			}
		}
	}
	return true
}

// valueFoot returns a function giving a values site's footprint in a probe.
func valueFoot(site string) func(pr *probe) ([]fieldRef, bool) {
	return func(pr *probe) ([]fieldRef, bool) {
		var out []fieldRef
		for id, v := range pr.vals {
			if v.site() != site {
				continue
			}
			for _, h := range pr.valFoot[id] {
				if !h.exact {
					return nil, false
				}
				out = append(out, h.fieldRef)
			}
		}
		return out, true
	}
}

func lineFoot(file string, line int) func(pr *probe) ([]fieldRef, bool) {
	return func(pr *probe) ([]fieldRef, bool) {
		var out []fieldRef
		for id, l := range pr.lines {
			if l.file == file && l.line == line {
				out = append(out, pr.lineFoot[id]...)
			}
		}
		return out, true
	}
}

// renamePort renames a named port where its name is written, with every
// reference, and returns the new name and where the edits go.
func (s *session) renamePort(p *chartPlan, probes []*probe, refs map[int]*portRefs, proto mesh.Instance, it *item) (string, []string, error) {
	plainName := newPortName(refs, proto)
	cport := false
	for _, r := range refs {
		cport = cport || r.cport
	}
	// covered: per variant, the fields an edit already renames
	type vfield struct {
		vi int
		f  fieldRef
	}
	covered := map[vfield]bool{}
	newName := ""
	var where []string
	var edits []Edit
	setName := func(n string) error {
		if newName != "" && newName != n {
			return refuse("its sources would rename it to both %s and %s; name it by hand", newName, n)
		}
		if cport && !mesh.ValidPortName(n) {
			return refuse("the container port would be named %s, which is not a valid port name (at most %d lower-case letters, digits and '-'); name it by hand", n, mesh.MaxPortName)
		}
		newName = n
		return nil
	}

	// 1. the Service port's name field: a values entry that feeds nothing else
	site, sv, why := "", markVal{}, ""
	for _, vi := range inOrder(refs) {
		r := refs[vi]
		d := probes[vi].origin(r.name)
		if !d.found {
			why = "its name could not be traced (" + probes[vi].degraded + ")"
			continue
		}
		if d.exactVal >= 0 {
			v := probes[vi].vals[d.exactVal]
			if site == "" {
				site, sv = v.site(), v
			} else if site != v.site() {
				site = "-"
			}
		}
	}
	if site != "" && site != "-" && within(sv.file, s.roots) && inRefs(refs, probes, valueFoot(site)) {
		e, err := sv.doc.replaceScalar(sv.node, plainName)
		if err == nil {
			if err := setName(plainName); err != nil {
				return "", nil, err
			}
			edits = append(edits, e)
			where = append(where, fmt.Sprintf("%s:%d", s.display(sv.file), sv.node.Line))
			for vi := range probes {
				fs, _ := valueFoot(site)(probes[vi])
				for _, f := range fs {
					covered[vfield{vi, f}] = true
				}
			}
		}
	}
	// 2. else the template line that writes it, in each variant
	if newName == "" {
		for _, vi := range inOrder(refs) {
			r := refs[vi]
			if covered[vfield{vi, r.name}] {
				continue
			}
			e, n, w, err := s.lineEdit(probes, vi, r.name, refs, proto, plainName, "")
			if err != nil {
				if site != "" && site != "-" && !within(sv.file, s.roots) {
					return "", nil, refuse("its name comes from %s:%d, %s; %v", s.display(sv.file), sv.node.Line, s.outside(sv.file), err)
				}
				if why != "" {
					return "", nil, refuse("%s", why)
				}
				return "", nil, err
			}
			if err := setName(n); err != nil {
				return "", nil, err
			}
			edits = append(edits, e...)
			where = append(where, w)
			covered[vfield{vi, r.name}] = true
		}
	}
	// 3. every reference follows, where it is written
	for _, vi := range inOrder(refs) {
		r := refs[vi]
		for _, f := range r.fields[1:] {
			if covered[vfield{vi, f}] {
				continue
			}
			d := probes[vi].origin(f)
			if d.exactVal >= 0 {
				v := probes[vi].vals[d.exactVal]
				if within(v.file, s.roots) && inRefs(refs, probes, valueFoot(v.site())) {
					e, err := v.doc.replaceScalar(v.node, newName)
					if err == nil {
						edits = append(edits, e)
						where = append(where, fmt.Sprintf("%s:%d", s.display(v.file), v.node.Line))
						for pvi := range probes {
							fs, _ := valueFoot(v.site())(probes[pvi])
							for _, x := range fs {
								covered[vfield{pvi, x}] = true
							}
						}
						continue
					}
				}
			}
			e, _, w, err := s.lineEdit(probes, vi, f, refs, proto, newName, newName)
			if err != nil {
				return "", nil, refuse("%s %s names the port too and cannot follow: %v", r.objName(f.key), f.path, err)
			}
			edits = append(edits, e...)
			where = append(where, w)
			covered[vfield{vi, f}] = true
		}
	}
	it.edits = dedupe(edits)
	return newName, uniq(where), nil
}

// inOrder lists the variants refs has in order, the values as given
// first: where the first answer or refusal wins, a map's order would make
// the message change from run to run (the line of the variant asked first).
func inOrder(refs map[int]*portRefs) []int {
	return slices.Sorted(maps.Keys(refs))
}

// newPortName is the name a port gets for its protocol (mesh.NewName):
// from its name in the first variant, or its number when it has none,
// clear of the names every variant's Services and pods already use.
func newPortName(refs map[int]*portRefs, proto mesh.Instance) string {
	var first *portRefs
	taken := map[string]bool{}
	for _, r := range refs {
		if first == nil || r.vi < first.vi {
			first = r
		}
		for n := range r.taken {
			taken[n] = true
		}
	}
	base := first.old
	if base == "" {
		base = strconv.Itoa(int(first.portNum))
	}
	return mesh.NewName(proto, base, first.portNum, func(n string) bool { return taken[n] })
}

func (r *portRefs) objName(k objKey) string { return k.Kind + "/" + k.Name }

// lineEdit renames a field at the template line that writes it: a literal
// is replaced by plainName; an expression gets the protocol prefix
// (`http-{{ .Values.x }}`, moving a trailing `-<proto>` to the front). want,
// when set, is the name the result must render.
func (s *session) lineEdit(probes []*probe, vi int, f fieldRef, refs map[int]*portRefs, proto mesh.Instance, plainName, want string) ([]Edit, string, string, error) {
	pr := probes[vi]
	d := pr.origin(f)
	if !d.found || d.line < 0 {
		if len(d.vals) > 0 {
			v := pr.vals[d.vals[0]]
			return nil, "", "", refuse("it is computed from %s:%d by a template meshready cannot edit, and that value feeds other fields too; name it by hand", s.display(v.file), v.node.Line)
		}
		return nil, "", "", refuse("it is computed by a helper, not written in a template line or values.yaml; name it by hand")
	}
	ml := pr.lines[d.line]
	if !within(ml.file, s.roots) {
		return nil, "", "", refuse("it is written in %s:%d, %s", s.display(ml.file), ml.line+1, s.outside(ml.file))
	}
	if !inRefs(refs, probes, lineFoot(ml.file, ml.line)) {
		return nil, "", "", refuse("%s:%d writes other fields too (a loop or a shared helper); name it by hand", s.display(ml.file), ml.line+1)
	}
	b, err := s.fs.read(ml.file)
	if err != nil {
		return nil, "", "", err
	}
	ls := chartsource.ParseTemplate(string(b))
	if ml.line >= len(ls) {
		return nil, "", "", refuse("%s:%d: the line moved", s.display(ml.file), ml.line+1)
	}
	l := ls[ml.line]
	if l.Kind != chartsource.Key || l.ValCol < 0 {
		return nil, "", "", refuse("%s:%d is not a key: value line", s.display(ml.file), ml.line+1)
	}
	if l.InRange {
		return nil, "", "", refuse("%s:%d sits in a range loop: an edit there names every item alike; name the items in values or by hand", s.display(ml.file), ml.line+1)
	}
	old := refs[vi].old
	val := l.Text[l.ValCol:]
	quote := ""
	if val[0] == '"' || val[0] == '\'' {
		quote = val[:1]
		end := strings.LastIndex(val, quote)
		if end <= 0 {
			return nil, "", "", refuse("%s:%d: unbalanced quotes", s.display(ml.file), ml.line+1)
		}
		val = val[1:end]
	} else if i := strings.Index(val, " #"); i >= 0 {
		val = strings.TrimRight(val[:i], " ")
	} else {
		val = strings.TrimRight(val, " ")
	}
	start := l.Off + l.ValCol + len(quote)
	where := fmt.Sprintf("%s:%d", s.display(ml.file), ml.line+1)
	if !strings.Contains(val, "{{") {
		if val != old {
			return nil, "", "", refuse("%s writes %q, not %q", where, val, old)
		}
		n := plainName
		if want != "" {
			n = want
		}
		return []Edit{{File: ml.file, Off: start, Del: len(val), Ins: n}}, n, where, nil
	}
	open, close := strings.Index(val, "{{"), strings.LastIndex(val, "}}")
	if close < open {
		return nil, "", "", refuse("%s: cannot read the expression", where)
	}
	lit0, litN := val[:open], val[close+2:]
	expr := val[open : close+2]
	if regexp.MustCompile(`\b(quote|squote|toYaml|toJson|printf|upper|title|trunc)\b`).MatchString(expr) {
		return nil, "", "", refuse("%s: the name is built by %s; name it by hand", where, expr)
	}
	if !strings.HasPrefix(old, lit0) || !strings.HasSuffix(old, litN) || len(old) < len(lit0)+len(litN) {
		return nil, "", "", refuse("%s does not render %q", where, old)
	}
	mid := old[len(lit0) : len(old)-len(litN)]
	newLit0 := proto.Prefix() + "-" + stripClaim(lit0)
	newLitN := litN
	if strings.EqualFold(litN, "-"+proto.Prefix()) {
		newLitN = ""
	}
	n := newLit0 + mid + newLitN
	if want != "" && n != want {
		return nil, "", "", refuse("%s would render %s, not %s like the port it names", where, n, want)
	}
	if !dnsLabel(n) {
		return nil, "", "", refuse("%s would render %s, which is not a valid port name", where, n)
	}
	edits := []Edit{{File: ml.file, Off: start, Del: len(lit0), Ins: newLit0}}
	if newLitN != litN {
		edits = append(edits, Edit{File: ml.file, Off: start + close + 2, Del: len(litN), Ins: newLitN})
	}
	return edits, n, where, nil
}

// stripClaim drops a protocol claim at the start of a literal ("http-").
func stripClaim(lit string) string {
	head, rest, ok := strings.Cut(lit, "-")
	if ok && mesh.Parse(head) != mesh.Unsupported {
		return rest
	}
	return lit
}

var dnsLabelRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func dnsLabel(s string) bool { return len(s) <= 63 && dnsLabelRE.MatchString(s) }

// nameUnnamed gives a port without a name `<proto>-<port>`, on a new line
// of the literal port item in the template or in the values item.
func (s *session) nameUnnamed(probes []*probe, refs map[int]*portRefs, proto mesh.Instance, it *item) (string, []string, error) {
	name := newPortName(refs, proto)
	var edits []Edit
	var where []string
	for _, vi := range inOrder(refs) {
		r := refs[vi]
		// a name line that renders empty (its value is unset) is the
		// author's to fill: a second name key would lose to it, or win
		if nd := probes[vi].origin(r.name); nd.found && nd.line >= 0 {
			ml := probes[vi].lines[nd.line]
			return "", nil, refuse("%s:%d writes the port's name, but it renders empty (its value is not set); set that value by hand", s.display(ml.file), ml.line+1)
		}
		pf := fieldRef{r.name.key, fmt.Sprintf("spec.ports[%d].port", r.idx)}
		d := probes[vi].origin(pf)
		switch {
		case d.line >= 0:
			ml := probes[vi].lines[d.line]
			if !within(ml.file, s.roots) {
				return "", nil, refuse("the port item is written in %s:%d, %s", s.display(ml.file), ml.line+1, s.outside(ml.file))
			}
			lf, _ := lineFoot(ml.file, ml.line)(probes[vi])
			if len(lf) != 1 || lf[0] != pf {
				return "", nil, refuse("the port item at %s:%d renders several ports (a loop); give them names in the template or values by hand", s.display(ml.file), ml.line+1)
			}
			b, err := s.fs.read(ml.file)
			if err != nil {
				return "", nil, err
			}
			ls := chartsource.ParseTemplate(string(b))
			l := ls[ml.line]
			if l.InRange {
				return "", nil, refuse("the port item at %s:%d sits in a range loop: a name added there would repeat for every item; name the items in values or by hand", s.display(ml.file), ml.line+1)
			}
			e := insertLines(ml.file, string(b), ls, ml.line+1, strings.Repeat(" ", l.KeyCol)+"name: "+name+"\n")
			edits = append(edits, e)
			where = append(where, fmt.Sprintf("%s:%d", s.display(ml.file), ml.line+2))
		case d.exactVal >= 0:
			v := probes[vi].vals[d.exactVal]
			if !within(v.file, s.roots) {
				return "", nil, refuse("the port comes from %s:%d, %s", s.display(v.file), v.node.Line, s.outside(v.file))
			}
			m := parentMapOf(v)
			if m == nil {
				return "", nil, refuse("the port number comes from %s:%d, which is not a port item; name the port by hand", s.display(v.file), v.node.Line)
			}
			e, err := v.doc.addToMapping(m, "name", name)
			if err != nil {
				return "", nil, refuse("%v", err)
			}
			edits = append(edits, e)
			where = append(where, fmt.Sprintf("%s:%d", s.display(v.file), v.node.Line))
		default:
			return "", nil, refuse("the port has no name and its item is not written where a name can be added safely; name it by hand")
		}
	}
	it.edits = dedupe(edits)
	return name, uniq(where), nil
}

// parentMapOf finds the mapping (a list item) holding a values scalar.
func parentMapOf(v markVal) *yaml.Node {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found != nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i+1] == v.node {
					found = n
					return
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(v.doc.Root)
	return found
}

func uniq(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range l {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
