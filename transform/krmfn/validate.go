package krmfn

import (
	"context"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
)

// Validator runs lint rules over the function's items. The rules engine
// implements it; the function only converts items in and findings out.
type Validator interface {
	Validate(ctx context.Context, items []*resource.Resource) ([]finding.Finding, error)
}

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(ctx context.Context, items []*resource.Resource) ([]finding.Finding, error)

// Validate implements Validator.
func (f ValidatorFunc) Validate(ctx context.Context, items []*resource.Resource) ([]finding.Finding, error) {
	return f(ctx, items)
}

// Resources converts kyaml items to meshready resources: Object from the
// item's map, Source and File from the kpt/kustomize path annotation (or a
// Helm "# Source:" comment), Index from the position in the list.
// defaultNS fills metadata.namespace where the item has none.
func Resources(items []*yaml.RNode, defaultNS string) ([]*resource.Resource, error) {
	out := make([]*resource.Resource, 0, len(items))
	for i, rn := range items {
		obj, err := rn.Map()
		if err != nil {
			return nil, err
		}
		it := newItem(rn, i, defaultNS)
		r := &resource.Resource{
			Ref:    resource.Ref{APIVersion: it.apiVersion, Kind: it.kind, Namespace: it.ns, Name: it.name},
			Index:  i,
			Object: obj,
			Raw:    rn.MustString(),
		}
		if p, _, ok := it.file(); ok {
			r.Source, r.File = p, p
		} else if src := helmSource(rn); src != "" {
			r.Source = src
		}
		if r.Source != "" {
			r.Chart, _, _ = strings.Cut(r.Source, "/")
		}
		out = append(out, r)
	}
	return out, nil
}

// helmSource reads Helm's "# Source: chart/templates/x.yaml" head comment.
func helmSource(rn *yaml.RNode) string {
	comments := []string{rn.YNode().HeadComment, rn.Document().HeadComment}
	if n := rn.YNode(); n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		comments = append(comments, n.Content[0].HeadComment) // yaml.v3 puts a leading comment on the first key
	}
	for _, c := range comments {
		for _, l := range strings.Split(c, "\n") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(l), "# Source: "); ok {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// validate runs v and turns its findings into results.
func validate(ctx context.Context, v Validator, items []*yaml.RNode, defaultNS string) (framework.Results, error) {
	rs, err := Resources(items, defaultNS)
	if err != nil {
		return nil, err
	}
	fs, err := v.Validate(ctx, rs)
	if err != nil {
		return nil, err
	}
	out := make(framework.Results, 0, len(fs))
	for _, f := range fs {
		out = append(out, FindingResult(f, items))
	}
	return out, nil
}

// FindingResult maps one finding to a KRM result: severity error, warning,
// info as they are; resourceRef from the finding; the field path; and the
// file from the item's path annotation.
func FindingResult(f finding.Finding, items []*yaml.RNode) *framework.Result {
	res := &framework.Result{
		Message:  f.Message,
		Severity: severity(f.Severity),
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: f.Resource.APIVersion, Kind: f.Resource.Kind},
			NameMeta: yaml.NameMeta{Name: f.Resource.Name, Namespace: f.Resource.Namespace},
		},
	}
	if f.Rule != "" {
		res.Tags = map[string]string{"rule": f.Rule}
	}
	if f.Field != "" {
		res.Field = &framework.Field{Path: f.Field}
		if f.Value != "" {
			res.Field.CurrentValue = f.Value
		}
	}
	if it := findItem(f, items); it != nil {
		if p, idx, ok := it.file(); ok {
			res.File = &framework.File{Path: p, Index: idx}
		}
	}
	if res.File == nil && f.File != "" {
		res.File = &framework.File{Path: f.File}
	}
	return res
}

// findItem is the item a finding is about: by its index when that item has
// the finding's identity, else by identity.
func findItem(f finding.Finding, items []*yaml.RNode) *item {
	match := func(i int) *item {
		it := newItem(items[i], i, "")
		if it.kind == f.Resource.Kind && it.name == f.Resource.Name && (f.Resource.Namespace == "" || it.ns == "" || it.ns == f.Resource.Namespace) {
			return it
		}
		return nil
	}
	if f.ResourceIndex >= 0 && f.ResourceIndex < len(items) {
		if it := match(f.ResourceIndex); it != nil {
			return it
		}
	}
	for i := range items {
		if it := match(i); it != nil {
			return it
		}
	}
	return nil
}

func severity(s finding.Severity) framework.Severity {
	switch s {
	case finding.Error:
		return framework.Error
	case finding.Warning:
		return framework.Warning
	}
	return framework.Info
}

// failing are the results at or above failOn ("none" never fails).
func failing(rs framework.Results, failOn string) framework.Results {
	if failOn == "none" {
		return nil
	}
	min := finding.Severity(failOn).Rank()
	var out framework.Results
	for _, r := range rs {
		if finding.Severity(r.Severity).Rank() >= min {
			out = append(out, r)
		}
	}
	return out
}
