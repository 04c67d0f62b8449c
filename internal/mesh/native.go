package mesh

import (
	"fmt"
	"strconv"
	"strings"
)

// Native sidecars: whether the injector of the target release writes
// istio-proxy as a Kubernetes native sidecar (an init container with
// restartPolicy Always, which ends with the pod's main containers), read
// from manifests/charts/istio-control/istio-discovery/files/injection-template.yaml:
//   - 1.20-1.23 (line 27 @1.23.0): only istiod's ENABLE_NATIVE_SIDECARS=true
//     counts; the pod annotation is ignored.
//   - 1.24-1.26 (line 27 @1.24.0): an annotation that is set decides, native
//     iff exactly "true" ("True", "yes" and "" are not); unset, the env var.
//   - 1.27+ (line 29 @1.27.0): native unless the annotation is exactly
//     "false" ("yes", "True" are native); unset or empty, .NativeSidecars,
//     which under the default ENABLE_NATIVE_SIDECARS=auto
//     (pilot/pkg/features/pilot.go:307 @1.27.0) is DetectNativeSidecar: the
//     pod's node, or every node, runs kubelet >= 1.33
//     (pkg/kube/inject/webhook.go:1235-1286 @1.27.0, minVersion 33).
var (
	nativeAnnotationRead = Version{Major: 1, Minor: 24}
	nativeAuto           = Version{Major: 1, Minor: 27}
)

// nativeAutoKubernetes is the Kubernetes minor release from which Istio's
// "auto" turns native sidecars on.
const nativeAutoKubernetes = 33

// ParseKubernetesVersion reads a Kubernetes release ("1.33", "v1.33.2"),
// returning its minor number; "" is 0 (unknown).
func ParseKubernetesVersion(s string) (int, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if t == "" {
		return 0, nil
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "1" {
		return 0, fmt.Errorf("kubernetes version %q is not 1.MINOR (for example 1.33)", s)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("kubernetes version %q is not 1.MINOR (for example 1.33)", s)
	}
	return n, nil
}

// NativeSidecarFor is whether the injector of release v makes a pod's
// istio-proxy a native sidecar. annotation is the pod's
// sidecar.istio.io/nativeSidecar (set reports whether it has one); env is
// istiod's ENABLE_NATIVE_SIDECARS set to true (Settings.NativeSidecars);
// kubernetesMinor is the cluster's Kubernetes minor release, 0 when unknown,
// which "auto" then takes as too old (the gate does not assume a cluster it
// was not told about).
func NativeSidecarFor(v Version, annotation string, set, env bool, kubernetesMinor int) bool {
	v = v.orLatest()
	switch {
	case v.Less(nativeAnnotationRead):
		return env
	case v.Less(nativeAuto):
		if set {
			return annotation == "true"
		}
		return env
	}
	if annotation != "" {
		return annotation != "false"
	}
	return env || kubernetesMinor >= nativeAutoKubernetes
}
