package krmfn

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/resource"
)

// item is one input object with what the operations look up repeatedly.
type item struct {
	rn                         *yaml.RNode
	root                       *yaml.Node
	apiVersion, kind, name, ns string
	group                      string
	index                      int
	// template is the pod template (metadata + spec) of a pod-bearing kind.
	template *yaml.Node
	labels   map[string]string // pod template labels, read once
	labelsOK bool
}

func newItem(rn *yaml.RNode, i int, defaultNS string) *item {
	root := deref(rn.YNode())
	it := &item{rn: rn, root: root, index: i}
	it.apiVersion, it.kind = str(root, "apiVersion"), str(root, "kind")
	it.name, it.ns = str(root, "metadata", "name"), str(root, "metadata", "namespace")
	if it.ns == "" {
		it.ns = defaultNS
	}
	if g, _, ok := strings.Cut(it.apiVersion, "/"); ok {
		it.group = g
	}
	if p := resource.PodTemplatePath(it.kind); p != nil && (isBuiltinGroup(it.group) || it.apiVersion == "v1") {
		if len(p) == 0 {
			it.template = root
		} else {
			it.template = path(root, p...)
		}
		if !isMap(it.template) {
			it.template = nil
		}
	}
	return it
}

// podSpec is the pod spec of a workload.
func (it *item) podSpec() *yaml.Node { return get(it.template, "spec") }

// podLabels are the pod template's labels.
func (it *item) podLabels() map[string]string {
	if !it.labelsOK {
		it.labels, it.labelsOK = stringMap(path(it.template, "metadata", "labels")), true
	}
	return it.labels
}

// ref is the item's identity for results and findings.
func (it *item) ref() *yaml.ResourceIdentifier {
	return &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: it.apiVersion, Kind: it.kind},
		NameMeta: yaml.NameMeta{Name: it.name, Namespace: str(it.root, "metadata", "namespace")},
	}
}

// file is the path and index kpt or kustomize recorded for the item.
func (it *item) file() (string, int, bool) {
	ann := path(it.root, "metadata", "annotations")
	p := str(ann, kioutil.PathAnnotation)
	if p == "" {
		p = str(ann, kioutil.LegacyPathAnnotation)
	}
	if p == "" {
		return "", 0, false
	}
	idx := str(ann, kioutil.IndexAnnotation)
	if idx == "" {
		idx = str(ann, kioutil.LegacyIndexAnnotation)
	}
	n := 0
	for _, c := range idx {
		if c < '0' || c > '9' {
			n = 0
			break
		}
		n = n*10 + int(c-'0')
	}
	return p, n, true
}

// isBuiltinGroup: the API groups of the built-in pod-bearing kinds, so a
// CRD that happens to be called Deployment is left alone.
func isBuiltinGroup(group string) bool {
	return group == "apps" || group == "batch" || group == "extensions" || group == "apps.openshift.io"
}
