package fix

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/meshready/meshready/internal/charttree"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/resource"
)

// evidence collects what is known about a Service port with the mesh
// model's collector: the pods behind it, the chart's rendered objects, and
// the client URLs of the whole OOM tree the chart lives in (read once per
// run, cached per tree) and of the chart's render.
func (s *session) evidence(res *render.Result, svc *resource.Resource, item map[string]any) (mesh.Evidence, error) {
	ports, _ := resource.Lookup(svc.Object, "spec.ports")
	var pods []mesh.Backend
	for _, w := range backends(res, svc) {
		t, _ := resource.Lookup(w.Object, resource.FormatPath(podPath(w.Kind)))
		if m := asMap(t); m != nil {
			pods = append(pods, mesh.Backend{Where: fmt.Sprintf("%s %s/%s", w.Kind, w.Namespace, w.Name), Template: m})
		}
	}
	tree, err := s.treeURLs(res.ChartDir)
	if err != nil {
		return mesh.Evidence{}, err
	}
	re := s.evc.last
	if re == nil || re.res != res {
		re = &renderEvidence{res: res, urls: mesh.NewURLIndex()}
		for _, r := range res.Resources {
			re.urls.AddObject(r.Kind, r.Namespace, r.Name, r.Object)
			re.objects = append(re.objects, r.Object)
		}
		s.evc.last = re
	}
	labels, _ := resource.Lookup(svc.Object, "metadata.labels")
	q := mesh.PortQuery{Service: svc.Name, Namespace: svc.Namespace, Labels: labelSet(labels), Item: item, NPorts: len(asList(ports)), Pods: pods,
		OOMPorts: s.oomPorts(res, svc)}
	return mesh.Collect(q, mesh.Sources{Table: s.opts.Protocols, URLs: []*mesh.URLIndex{tree, re.urls}, Objects: re.objects}), nil
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
	res     *render.Result
	urls    *mesh.URLIndex
	objects []map[string]any
}

// treeURLs indexes the client URLs of the OOM tree holding chartDir, once.
func (s *session) treeURLs(chartDir string) (*mesh.URLIndex, error) {
	root := charttree.TreeRoot(chartDir)
	if root == "" {
		root = chartDir
	}
	return s.evc.trees.For(root)
}
