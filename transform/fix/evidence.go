package fix

import (
	"os"
	"path/filepath"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

// evidence collects what is known about a Service port with the mesh
// model's collector: the pods behind it (mesh.BackendsOf), and the
// render's evidence sources (mesh.RenderSources: its objects, the client
// URLs in them and those of the whole OOM tree the chart lives in, read
// once per run, cached per tree). An object the chart renders without a
// namespace lives in the release namespace, as lint reads it (Helm
// installs it there), so that a client URL reaches it for both.
func (s *session) evidence(res *render.Result, svc *resource.Resource, item map[string]any) (mesh.Evidence, error) {
	re := s.evc.last
	if re == nil || re.res != res {
		tree, err := s.treeURLs(res.ChartDir)
		if err != nil {
			return mesh.Evidence{}, err
		}
		objects := make([]map[string]any, len(res.Resources))
		for i, r := range res.Resources {
			objects[i] = r.Object
		}
		re = &renderEvidence{res: res, workloads: mesh.Workloads(objects, s.namespace()), src: mesh.NewRenderSources(objects, s.namespace(), s.opts.Protocols, "", tree)}
		s.evc.last = re
	}
	ports, _ := resource.Lookup(svc.Object, "spec.ports")
	labels, _ := resource.Lookup(svc.Object, "metadata.labels")
	ns := svc.Namespace
	if ns == "" {
		ns = s.namespace()
	}
	q := mesh.PortQuery{Service: svc.Name, Namespace: ns, Labels: labelSet(labels), Item: item, NPorts: len(asList(ports)),
		Pods: mesh.BackendsOf(svc.Object, ns, re.workloads), OOMPorts: s.oomPorts(res, svc)}
	return mesh.Collect(q, re.src.Sources()), nil
}

// oomPorts are the service.ports entries with both sides of OOM's TLS
// switch in the values.yaml of the chart whose template renders svc (read
// once per file), placed relative to the OOM tree like the client URLs.
func (s *session) oomPorts(res *render.Result, svc *resource.Resource) []mesh.OOMServicePort {
	if res.Graph == nil || svc.Source == "" {
		return nil
	}
	chain, _ := res.Graph.Owner(svc.Source)
	if len(chain) == 0 || chain[len(chain)-1].Dir == "" {
		return nil
	}
	file := filepath.Join(chain[len(chain)-1].Dir, "values.yaml")
	if s.evc.oom == nil {
		s.evc.oom = map[string][]mesh.OOMServicePort{}
	}
	if e, ok := s.evc.oom[file]; ok {
		return e
	}
	root := charttree.TreeRoot(res.ChartDir)
	if root == "" {
		root = filepath.Dir(res.ChartDir)
	}
	rel, err := filepath.Rel(root, file)
	if err != nil {
		rel = file
	}
	var e []mesh.OOMServicePort
	if b, err := os.ReadFile(file); err == nil { // no values.yaml: no entries
		e = mesh.ParseOOMServicePorts(b, filepath.ToSlash(rel))
	}
	s.evc.oom[file] = e
	return e
}

// evidenceCache holds the evidence sources of one run.
type evidenceCache struct {
	// oom: values.yaml path -> its service.ports with OOM's TLS switch
	oom   map[string][]mesh.OOMServicePort
	trees mesh.TreeURLs
	// last is the render the previous port came from (ports are planned
	// render by render).
	last *renderEvidence
}

// renderEvidence is what one render gives every port of it.
type renderEvidence struct {
	res       *render.Result
	workloads []mesh.Workload
	src       *mesh.RenderSources
}

// treeURLs indexes the client URLs of the OOM tree holding chartDir, once.
func (s *session) treeURLs(chartDir string) (*mesh.URLIndex, error) {
	root := charttree.TreeRoot(chartDir)
	if root == "" {
		root = chartDir
	}
	return s.evc.trees.For(root)
}

// namespace is the release namespace, as lint reads it.
func (s *session) namespace() string {
	return lint.ReleaseNamespace(s.opts.Settings, s.opts.Render)
}
