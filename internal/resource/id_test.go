package resource

import "testing"

func TestRefID(t *testing.T) {
	for _, c := range []struct {
		ref  Ref
		want ID
		str  string
	}{
		{Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "onap", Name: "so"}, ID{"apps", "Deployment", "onap", "so"}, "Deployment/onap/so"},
		{Ref{APIVersion: "v1", Kind: "Service", Name: "so"}, ID{"", "Service", "", "so"}, "Service/so"},
		{Ref{APIVersion: "networking.istio.io/v1beta1", Kind: "DestinationRule", Namespace: "x", Name: "d"}, ID{"networking.istio.io", "DestinationRule", "x", "d"}, "DestinationRule/x/d"},
	} {
		if got := c.ref.ID(); got != c.want || got.String() != c.str || c.ref.String() != c.str {
			t.Errorf("%+v: ID %+v (%s), want %+v (%s)", c.ref, got, got, c.want, c.str)
		}
	}
	// apps/v1beta2 -> apps/v1 is the same object
	if (Ref{APIVersion: "apps/v1beta2", Kind: "Deployment", Name: "a"}).ID() != (Ref{APIVersion: "apps/v1", Kind: "Deployment", Name: "a"}).ID() {
		t.Error("a version change changed the identity")
	}
}
