package mesh

import (
	"fmt"
	"slices"
)

// Istio's own containers, written into a pod by the injector
// (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml):
// the proxy, the iptables init container, and the CNI validation init container.
const (
	ProxyContainer      = "istio-proxy"
	InitContainer       = "istio-init"
	ValidationContainer = "istio-validation"
	// StatusAnnotation is written by the injector on every pod it injects.
	StatusAnnotation = "sidecar.istio.io/status"
	// ManagedGatewayLabel marks the Deployments and Services Istio creates for
	// a Gateway API Gateway or waypoint (pilot/pkg/config/kube/gateway).
	ManagedGatewayLabel = "gateway.istio.io/managed"
	// ComponentLabel marks the objects of Istio's own installation (istiod,
	// gateways) in the istio charts.
	ComponentLabel = "operator.istio.io/component"
)

// ProxyUID is the UID istio-proxy runs as (and istio-init exempts).
const ProxyUID = 1337

// IstioContainer reports whether a container of a pod template is one of
// Istio's own, which no rule judges as an application container.
func IstioContainer(name string) bool {
	switch name {
	case ProxyContainer, InitContainer, ValidationContainer:
		return true
	}
	return false
}

// NativeSidecar reports whether an init container is istio-proxy running as
// a Kubernetes native sidecar (restartPolicy Always), which ends with the
// pod's main containers.
func NativeSidecar(c map[string]any) bool {
	return text(c["name"]) == ProxyContainer && text(c["restartPolicy"]) == "Always"
}

// IstioObject says why Istio manages an object itself (a managed gateway or
// waypoint, a control-plane component, an object in a namespace the injector
// ignores), or "" when it is an application object.
func IstioObject(labels map[string]string, namespace string) string {
	if v, ok := labels[ManagedGatewayLabel]; ok {
		return fmt.Sprintf("Istio manages it (%s=%s)", ManagedGatewayLabel, v)
	}
	if v, ok := labels[ComponentLabel]; ok {
		return fmt.Sprintf("it is part of Istio's control plane (%s=%s)", ComponentLabel, v)
	}
	if slices.Contains(IgnoredNamespaces, namespace) {
		return fmt.Sprintf("namespace '%s' is a system namespace Istio ignores", namespace)
	}
	return ""
}
