package mesh

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Traffic annotations the injector validates before it injects a pod
// (pkg/kube/inject/validate.go AnnotationValidation, 1.20-1.30). An invalid
// value makes the webhook refuse the pod (RunTemplate returns the error and
// the webhook's failurePolicy is Fail): the pod is never created.
const (
	IncludeOutboundIPRanges = "traffic.sidecar.istio.io/includeOutboundIPRanges"
	ExcludeOutboundIPRanges = "traffic.sidecar.istio.io/excludeOutboundIPRanges"
	IncludeInboundPorts     = "traffic.sidecar.istio.io/includeInboundPorts"
	ExcludeInboundPorts     = "traffic.sidecar.istio.io/excludeInboundPorts"
	ExcludeOutboundPorts    = "traffic.sidecar.istio.io/excludeOutboundPorts"
)

// ValidateTrafficAnnotation is the injector's check of one annotation: nil
// when valid or not a traffic annotation.
func ValidateTrafficAnnotation(key, value string) error {
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

// RejectedAnnotations lists the pod template's traffic annotations the
// injector would refuse, sorted by key.
func RejectedAnnotations(annotations map[string]string) []TrafficAnnotationError {
	var out []TrafficAnnotationError
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if err := ValidateTrafficAnnotation(k, annotations[k]); err != nil {
			out = append(out, TrafficAnnotationError{Key: k, Value: annotations[k], Cause: err.Error()})
		}
	}
	return out
}
