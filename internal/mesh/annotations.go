package mesh

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Annotations the injector validates before it injects a pod
// (pkg/kube/inject/validate.go AnnotationValidation, read at every tag
// 1.20.0-1.30.3). An invalid value makes the webhook refuse the pod
// (RunTemplate returns the error and the webhook's failurePolicy is Fail):
// the pod is never created.
const (
	IncludeOutboundIPRanges = "traffic.sidecar.istio.io/includeOutboundIPRanges"
	ExcludeOutboundIPRanges = "traffic.sidecar.istio.io/excludeOutboundIPRanges"
	IncludeInboundPorts     = "traffic.sidecar.istio.io/includeInboundPorts"
	ExcludeInboundPorts     = "traffic.sidecar.istio.io/excludeInboundPorts"
	ExcludeOutboundPorts    = "traffic.sidecar.istio.io/excludeOutboundPorts"

	InterceptionModeKey   = "sidecar.istio.io/interceptionMode"
	StatusPortKey         = "status.sidecar.istio.io/port"
	ReadinessInitialDelay = "readiness.status.sidecar.istio.io/initialDelaySeconds"
	ReadinessPeriod       = "readiness.status.sidecar.istio.io/periodSeconds"
	ReadinessFailures     = "readiness.status.sidecar.istio.io/failureThreshold"
	MergeMetricsKey       = "prometheus.istio.io/merge-metrics"
	ProxyConfigKey        = "proxy.istio.io/config"
	EnableCoreDumpKey     = "sidecar.istio.io/enableCoreDump"
	ProxyCPUKey           = "sidecar.istio.io/proxyCPU"
	ProxyMemoryKey        = "sidecar.istio.io/proxyMemory"
	ProxyCPULimitKey      = "sidecar.istio.io/proxyCPULimit"
	ProxyMemoryLimitKey   = "sidecar.istio.io/proxyMemoryLimit"
	ExcludeInterfacesKey  = "traffic.sidecar.istio.io/excludeInterfaces"
	KubevirtInterfacesKey = "traffic.sidecar.istio.io/kubevirtInterfaces"
	RerouteInterfacesKey  = "istio.io/reroute-virtual-interfaces"
)

// Releases in which the injector's validation changed (validate.go).
var (
	// coreDumpValidated: enableCoreDump is validated up to 1.24 (1.24.6
	// still has it; 1.25.0 dropped the key from AnnotationValidation).
	coreDumpValidated = Version{Major: 1, Minor: 24}
	// resourceQuantityPatches: proxyCPU, proxyMemory and their limits are
	// validated (validateResourceQuantity) from 1.27.6, 1.28.4 and 1.29.0;
	// 1.27.5 and 1.28.3 do not validate them.
	resourceQuantityPatches = []Version{{Major: 1, Minor: 27, Patch: 6}, {Major: 1, Minor: 28, Patch: 4}, {Major: 1, Minor: 29, Patch: 0}}
	// interfaceNamesValidated: excludeInterfaces, kubevirtInterfaces and
	// reroute-virtual-interfaces are validated (netutil.ValidateInterfaceNames)
	// from 1.30.0.
	interfaceNamesValidated = Version{Major: 1, Minor: 30}
)

// ValidateInjectAnnotation is the check the injector of release v makes of
// one pod annotation: nil when valid or not validated by that release.
func ValidateInjectAnnotation(v Version, key, value string) error {
	v = v.orLatest()
	switch key {
	case InterceptionModeKey:
		// validateInterceptionMode: the enum names, case-sensitive.
		switch value {
		case "REDIRECT", "TPROXY", "NONE":
			return nil
		}
		return fmt.Errorf("%q is not REDIRECT, TPROXY or NONE", value)
	case StatusPortKey:
		// validateStatusPort: parsePort (trimmed, 16-bit).
		if _, err := strconv.ParseUint(strings.TrimSpace(value), 10, 16); err != nil {
			return fmt.Errorf("%q is not a port (0-65535)", value)
		}
		return nil
	case ReadinessInitialDelay, ReadinessPeriod, ReadinessFailures:
		// validateUInt32: strconv.ParseUint(value, 10, 32), not trimmed.
		if _, err := strconv.ParseUint(value, 10, 32); err != nil {
			return fmt.Errorf("%q is not an unsigned 32-bit number", value)
		}
		return nil
	case MergeMetricsKey:
		return parseBool(value)
	case EnableCoreDumpKey:
		if !coreDumpValidated.Less(v) {
			return parseBool(value)
		}
		return nil
	case ProxyCPUKey, ProxyMemoryKey, ProxyCPULimitKey, ProxyMemoryLimitKey:
		if v.Patched(resourceQuantityPatches...) {
			return resourceQuantity(value)
		}
		return nil
	case ExcludeInterfacesKey, KubevirtInterfacesKey, RerouteInterfacesKey:
		if v.AtLeast(interfaceNamesValidated) {
			return interfaceNames(value)
		}
		return nil
	case ProxyConfigKey:
		return proxyConfig(value)
	}
	return validateTraffic(key, value)
}

// parseBool is validateBool: strconv.ParseBool (1, t, T, TRUE, true, True,
// 0, f, F, FALSE, false, False; not "yes" or "on").
func parseBool(value string) error {
	if _, err := strconv.ParseBool(value); err != nil {
		return fmt.Errorf("%q is not a boolean Go's strconv.ParseBool reads (true, false, 1, 0, ...)", value)
	}
	return nil
}

// resourceQuantity is validateResourceQuantity: no control characters, and a
// Kubernetes resource quantity.
func resourceQuantity(value string) error {
	for _, r := range value {
		if unicode.IsControl(r) {
			return fmt.Errorf("%q contains control characters", value)
		}
	}
	if _, err := resource.ParseQuantity(value); err != nil {
		return fmt.Errorf("%q is not a Kubernetes resource quantity", value)
	}
	return nil
}

// interfaceNamesRE is pkg/util/net/ip.go interfaceNameRegex (1.30.0).
var interfaceNamesRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.\-]*$`)

// interfaceNames is netutil.ValidateInterfaceNames (pkg/util/net/ip.go:107-124
// @1.30.0): comma-separated, each entry trimmed, non-empty, at most 15
// characters, a letter then letters, digits, "_", ".", "-".
func interfaceNames(value string) error {
	if value == "" {
		return nil
	}
	for _, n := range strings.Split(value, ",") {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			return fmt.Errorf("empty interface name in %q", value)
		case len(n) > 15:
			return fmt.Errorf("interface name %q is longer than 15 characters", n)
		case !interfaceNamesRE.MatchString(n):
			return fmt.Errorf("interface name %q contains invalid characters", n)
		}
	}
	return nil
}

// ValidateTrafficAnnotation is ValidateInjectAnnotation at the newest
// release the model covers.
func ValidateTrafficAnnotation(key, value string) error {
	return ValidateInjectAnnotation(LatestVersion, key, value)
}

// validateTraffic checks the five traffic annotations every covered release
// validates the same way.
func validateTraffic(key, value string) error {
	switch key {
	case IncludeOutboundIPRanges:
		if value == "*" {
			return nil
		}
		return cidrList(value)
	case ExcludeOutboundIPRanges:
		return cidrList(value)
	case IncludeInboundPorts:
		if value == "*" {
			return nil
		}
		_, err := ParsePortList(value)
		return err
	case ExcludeInboundPorts, ExcludeOutboundPorts:
		_, err := ParsePortList(value)
		return err
	}
	return nil
}

// cidrList: comma-separated prefixes, not trimmed (netip.ParsePrefix each).
func cidrList(s string) error {
	if s == "" {
		return nil
	}
	for _, c := range strings.Split(s, ",") {
		if _, err := netip.ParsePrefix(c); err != nil {
			return fmt.Errorf("%q is not a CIDR", c)
		}
	}
	return nil
}

// ParsePortList reads a port list as the injector does (parsePorts): the
// list is trimmed, split at commas, each entry trimmed and read as a 16-bit
// unsigned number.
func ParsePortList(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	var out []int
	if s == "" {
		return out, nil
	}
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 16)
		if err != nil {
			return nil, fmt.Errorf("%q is not a port (0-65535)", p)
		}
		out = append(out, int(n))
	}
	return out, nil
}

// ProxyPorts are the ports istio-proxy itself listens on; the injector
// writes some of them into excludeInboundPorts (15020 under CNI), and
// listing them there takes no application port out of the mesh.
var ProxyPorts = map[int]string{
	15000: "Envoy admin",
	15001: "outbound capture",
	15004: "debug",
	15006: "inbound capture",
	15008: "HBONE mTLS tunnel",
	15009: "HBONE plain-text tunnel",
	15020: "merged Prometheus telemetry and health",
	15021: "health checks",
	15053: "DNS proxy",
	15090: "Envoy Prometheus telemetry",
}

// TrafficAnnotationError is an invalid traffic annotation of a pod template.
type TrafficAnnotationError struct {
	Key, Value, Cause string
}

// RejectedAnnotations lists the pod template's annotations the injector of
// release v would refuse, sorted by key.
func RejectedAnnotations(v Version, annotations map[string]string) []TrafficAnnotationError {
	var out []TrafficAnnotationError
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if err := ValidateInjectAnnotation(v, k, annotations[k]); err != nil {
			out = append(out, TrafficAnnotationError{Key: k, Value: annotations[k], Cause: err.Error()})
		}
	}
	return out
}
