package mesh

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is an Istio release: a minor release (1.x), or a patch release
// (1.x.y) when the patch is given. The model covers the releases from
// FirstVersion to LatestVersion; behaviour that changed between them is
// decided by the target version (istioVersion in .meshready.yaml,
// --istio-version). A version without a patch means the newest patch of
// that minor release: Istio backports some changes in patch releases (the
// injector's proxyCPU/proxyMemory validation in 1.27.6 and 1.28.4), and
// "1.28" gets them.
type Version struct {
	Major, Minor int
	// Patch is the patch release when HasPatch.
	Patch    int
	HasPatch bool
}

var (
	// FirstVersion is the oldest release the model covers.
	FirstVersion = Version{Major: 1, Minor: 20}
	// LatestVersion is the newest release the model covers, the default target.
	LatestVersion = Version{Major: 1, Minor: 30}
)

// Behaviour that changed between releases, each with the release that
// changed it (read from istio/istio at the release tags).
var (
	// injectBoolStrict: pkg/kube/inject/inject.go injectRequired reads only
	// "true" and "false" from 1.27 on (any other value falls back to the
	// default policy); up to 1.26 it read "y", "yes", "true", "on" in any case
	// as inject and every other non-empty value as do not inject.
	injectBoolStrict = Version{Major: 1, Minor: 27}
	// appProtocolWebSocket: pkg/config/kube/conversion.go ConvertProtocol maps
	// kubernetes.io/ws and kubernetes.io/wss from 1.24 on (kubernetes.io/h2c
	// since before 1.20).
	appProtocolWebSocket = Version{Major: 1, Minor: 24}
	// externalNameAlias: since 1.21 an ExternalName Service (type
	// ExternalName with a non-empty spec.externalName,
	// pilot/pkg/serviceregistry/kube/conversion.go:52-55 @1.21.0) is a DNS
	// alias of its external name: ENABLE_EXTERNAL_NAME_ALIAS is on by default
	// (pilot/pkg/features/pilot.go:198 @1.21.0; off at :657 @1.20.0), turned
	// on by istio/istio#47664 (#46332 added the flag off by default). Release
	// note releasenotes/notes/external-name-on.yaml: its ports "will have no
	// impact" and "DestinationRule can no longer apply to ExternalName
	// services". Setting ENABLE_EXTERNAL_NAME_ALIAS=false on istiod restores
	// the old behaviour, which the model does not cover.
	externalNameAlias = Version{Major: 1, Minor: 21}
)

// ParseVersion reads "1.24", "v1.24" or "1.24.3" (the patch is kept). An
// empty string is LatestVersion. A release the model does not cover is an
// error naming the covered range.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if t == "" {
		return LatestVersion, nil
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("istio version %q is not MAJOR.MINOR (for example %s)", s, LatestVersion)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("istio version %q is not MAJOR.MINOR (for example %s)", s, LatestVersion)
		}
		n[i] = v
	}
	v := Version{Major: n[0], Minor: n[1], Patch: n[2], HasPatch: len(parts) == 3}
	if v.Less(FirstVersion) || LatestVersion.Less(v) {
		return Version{}, fmt.Errorf("istio version %q is not covered: meshready models Istio %s to %s", s, FirstVersion, LatestVersion)
	}
	return v, nil
}

// Less orders minor releases (the patch is not compared; see Patched).
func (v Version) Less(o Version) bool {
	return v.Major < o.Major || v.Major == o.Major && v.Minor < o.Minor
}

// AtLeast: v is o or newer.
func (v Version) AtLeast(o Version) bool { return !v.Less(o) }

func (v Version) String() string {
	if v.HasPatch {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// Patched reports whether release v has a change that Istio made in the
// given patch releases, one per minor release (the first patch of each minor
// release that has it): v's minor release is newer than all of them, or it
// is one of them and v is that patch or later (or gives no patch, which
// means the newest patch).
func (v Version) Patched(fixes ...Version) bool {
	newest := Version{}
	for _, f := range fixes {
		if v.Major == f.Major && v.Minor == f.Minor {
			return !v.HasPatch || v.Patch >= f.Patch
		}
		if newest.Less(f) {
			newest = f
		}
	}
	return len(fixes) > 0 && newest.Less(v)
}

// orLatest is v, or LatestVersion for the zero Version.
func (v Version) orLatest() Version {
	if v.Major == 0 {
		return LatestVersion
	}
	return v
}
