package resource

import "fmt"

// flattenList returns the objects a document stands for: itself, or, when
// it is a list, its items. Helm creates what kube's resource builder reads:
// apimachinery's unstructured decoder treats every object with an "items"
// field as a list (k8s.io/apimachinery v0.37.0,
// pkg/apis/meta/v1/unstructured/helpers.go, UnstructuredJSONScheme.decode:
// `if det.Items != nil`), and Helm's kube client flattens lists
// (helm.sh/helm/v3 pkg/kube/client.go, Build: resource.NewBuilder ...
// .Flatten()), so each item of a `kind: List` (or any *List) is created as
// its own object and must be linted as one. Items keep the list's source,
// text and line.
func flattenList(r *Resource) ([]*Resource, error) {
	raw, isList := r.Object["items"]
	if !isList {
		return []*Resource{r}, nil
	}
	if raw == nil {
		return nil, nil // "items: null" is an empty list to the decoder
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%s has items that are a %T, not a list of objects", describe(r), raw)
	}
	out := make([]*Resource, 0, len(items))
	for i, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: item %d is a %T, not a Kubernetes object", describe(r), i, it)
		}
		sub, err := flattenList(&Resource{Raw: r.Raw, Object: obj, Source: r.Source, File: r.File, StartLine: r.StartLine, Warnings: r.Warnings})
		if err != nil {
			return nil, err
		}
		for _, s := range sub {
			s.APIVersion, _ = s.Object["apiVersion"].(string)
			s.Kind, _ = s.Object["kind"].(string)
			if md, ok := s.Object["metadata"].(map[string]any); ok {
				s.Name, _ = md["name"].(string)
				s.Namespace, _ = md["namespace"].(string)
			}
		}
		out = append(out, sub...)
	}
	return out, nil
}

func describe(r *Resource) string {
	if r.Kind == "" {
		return "the list"
	}
	return "the " + r.Kind
}
