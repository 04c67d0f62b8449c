package resource

import (
	"fmt"
	"strings"
)

// ID is an object's identity, the one meshready uses wherever it must say
// "the same object": across the renders of one chart (the fixer's
// before/after and sentinel renders), across runs (the baseline's
// fingerprint) and among a KRM function's items. It holds the API group,
// not the version, so apps/v1beta2 -> apps/v1 keeps it, as Kubernetes
// serves one object under every version of its group.
type ID struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// Group is "apps" for "apps/v1" and "" for the core group's "v1".
func Group(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// ID is the identity of the object r refers to.
func (r Ref) ID() ID {
	return ID{Group: Group(r.APIVersion), Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
}

// String is "Kind/namespace/name", or "Kind/name" without a namespace.
func (id ID) String() string {
	if id.Namespace != "" {
		return fmt.Sprintf("%s/%s/%s", id.Kind, id.Namespace, id.Name)
	}
	return fmt.Sprintf("%s/%s", id.Kind, id.Name)
}
