package mesh

import (
	"fmt"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/meshready/meshready/internal/resource"
)

// RenderSources are the evidence sources of one render (Sources): its
// objects and the client URLs in their strings, then the client URLs of
// the chart tree it came from (TreeURLs), the user's port table and the
// cluster domain. lint's rules (Judge) and suggestions, fix and fn all
// build them here; the render's URLs are indexed once, on first use,
// however many ports and callers ask.
type RenderSources struct {
	objects   []map[string]any
	namespace string
	tree      []*URLIndex
	table     map[string]string
	domain    string
	once      sync.Once
	src       Sources
}

// renderIndexes counts the renders whose URLs RenderSources indexed.
var renderIndexes atomic.Int64

// RenderIndexes is how many renders' object URLs have been indexed so far
// in this process (tests show that a chart's are indexed once).
func RenderIndexes() int64 { return renderIndexes.Load() }

// NewRenderSources returns the evidence sources of the render whose
// objects are given (nil entries are skipped); namespace is the one of
// objects that name none ("" keeps them unnamed), table the user's port ->
// protocol table, domain the cluster domain, tree the client URLs of the
// chart tree (nil entries are skipped). Nothing is indexed until Sources.
func NewRenderSources(objects []map[string]any, namespace string, table map[string]string, domain string, tree ...*URLIndex) *RenderSources {
	r := &RenderSources{objects: objects, namespace: namespace, table: table, domain: domain}
	for _, ix := range tree {
		if ix != nil {
			r.tree = append(r.tree, ix)
		}
	}
	return r
}

// Sources returns the sources, indexing the render's URLs on first use.
func (r *RenderSources) Sources() Sources {
	r.once.Do(func() {
		renderIndexes.Add(1)
		urls := NewURLIndex()
		for _, o := range r.objects {
			if o != nil {
				urls.AddObject(text(o["kind"]), objNS(o, r.namespace), text(field(o, "metadata", "name")), o)
			}
		}
		r.src = Sources{Table: r.table, URLs: append([]*URLIndex{urls}, r.tree...), Objects: r.objects, Domain: r.domain}
	})
	return r.src
}

// Tree are the chart tree's client URLs the sources were made with.
func (r *RenderSources) Tree() []*URLIndex { return r.tree }

// Workload is a pod-bearing object a Service may select.
type Workload struct {
	// Index is its position in the input.
	Index                 int
	Kind, Namespace, Name string
	// Labels are its pod template's labels.
	Labels map[string]string
	// Template returns its pod template (metadata and spec), read only
	// when a Service selects it (fn decodes it afresh: renames edit it).
	Template func() map[string]any
}

// Workloads are the pod-bearing objects among objects (nil entries are
// skipped); namespace is the one of objects that name none, as in
// NewRenderSources.
func Workloads(objects []map[string]any, namespace string) []Workload {
	var out []Workload
	for i, o := range objects {
		if w, ok := workloadOf(i, o, namespace); ok {
			out = append(out, w)
		}
	}
	return out
}

// workloadOf is object o at index i as a Workload, if it bears pods.
func workloadOf(i int, o map[string]any, namespace string) (Workload, bool) {
	kind := text(o["kind"])
	if o == nil || !resource.IsWorkload(kind) {
		return Workload{}, false
	}
	t := PodTemplate(kind, o)
	return Workload{Index: i, Kind: kind, Namespace: objNS(o, namespace), Name: text(field(o, "metadata", "name")),
		Labels: StringMap(field(t, "metadata", "labels")), Template: func() map[string]any { return t }}, true
}

// BackendsOf are the pod templates behind the Service svc: the workloads
// in its namespace (namespace for a Service that names none) whose pod
// template labels its selector matches (Selects: no selector, no pods),
// each named by Where ("Deployment onap/msb-eag"). Judge, lint's
// suggestions, fix and fn ask "which pods sit behind this Service" here.
func BackendsOf(svc map[string]any, namespace string, ws []Workload) []Backend {
	sel := StringMap(field(svc, "spec", "selector"))
	if len(sel) == 0 {
		return nil
	}
	ns := objNS(svc, namespace)
	matches := labels.SelectorFromValidatedSet(sel) // parsed once, as Selects would
	var out []Backend
	for _, w := range ws {
		if w.Namespace != ns || !matches.Matches(labels.Set(w.Labels)) {
			continue
		}
		if t := w.Template(); t != nil {
			out = append(out, Backend{Index: w.Index, Where: fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name), Template: t})
		}
	}
	return out
}
