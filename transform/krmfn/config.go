package krmfn

import (
	"fmt"
	pathpkg "path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/mesh"
)

// The function's own config kind.
const (
	ConfigAPIVersion = "fn.meshready.dev/v1alpha1"
	ConfigKind       = "MeshReady"
)

// Spec is the MeshReady functionConfig's spec. A ConfigMap functionConfig
// sets the same fields with flat keys (`injection.style: annotation`).
type Spec struct {
	// Namespace is assumed for items without metadata.namespace.
	Namespace string `yaml:"namespace"`
	// ClusterDomain builds Service hosts and is the SPIFFE trust domain.
	ClusterDomain       string                  `yaml:"clusterDomain"`
	Injection           InjectionSpec           `yaml:"injection"`
	Ports               PortsSpec               `yaml:"ports"`
	PeerAuthentication  PeerAuthenticationSpec  `yaml:"peerAuthentication"`
	DestinationRule     DestinationRuleSpec     `yaml:"destinationRule"`
	AuthorizationPolicy AuthorizationPolicySpec `yaml:"authorizationPolicy"`
	Sidecar             SidecarSpec             `yaml:"sidecar"`
	Istio               IstioSpec               `yaml:"istio"`
	Generated           GeneratedSpec           `yaml:"generated"`
	Validation          ValidationSpec          `yaml:"validation"`
	// WellKnown extends the well-known ports and images the port evidence
	// falls back on: the schema of `wellKnown:` in .meshready.yaml
	// (internal/mesh/wellknown.yaml), read by the config package's parser.
	// Its entries come before the built-in ones.
	WellKnown *mesh.WellKnown `yaml:"-"`
}

// InjectionSpec: operation 1, sidecar injection on pod templates.
type InjectionSpec struct {
	Enabled bool `yaml:"enabled"`
	// Style is "label" (Istio's current form) or "annotation" (the older form ONAP used).
	Style string `yaml:"style"`
	// Force overrides an explicit "false".
	Force bool `yaml:"force"`
}

// PortsSpec: operation 2, protocol-naming of Service ports.
type PortsSpec struct {
	Enabled bool `yaml:"enabled"`
	// Mode is "prefix" (rename to <protocol>-<name>) or "appProtocol".
	Mode string `yaml:"mode"`
	// Protocols maps a port number or name to a protocol; it beats inference.
	Protocols map[string]string `yaml:"protocols"`
}

// PeerAuthenticationSpec: operation 3, mTLS mode.
type PeerAuthenticationSpec struct {
	Enabled bool   `yaml:"enabled"`
	Mode    string `yaml:"mode"`  // STRICT or PERMISSIVE
	Scope   string `yaml:"scope"` // namespace or workload
}

// DestinationRuleSpec: operation 3, ISTIO_MUTUAL per Service host.
type DestinationRuleSpec struct {
	Enabled bool `yaml:"enabled"`
}

// AuthorizationPolicySpec: operation 3, one ALLOW policy per workload in
// ONAP's shape. Off by default: an ALLOW policy needs the callers it allows.
type AuthorizationPolicySpec struct {
	Enabled bool `yaml:"enabled"`
	// ServiceAccounts are the callers, "name" (the workload's namespace) or "namespace/name".
	ServiceAccounts []string `yaml:"serviceAccounts"`
	// Methods are the HTTP methods allowed (ONAP's default list).
	Methods []string `yaml:"methods"`
}

// SidecarSpec: operation 3, a namespace-wide Sidecar scoping egress.
type SidecarSpec struct {
	Enabled     bool     `yaml:"enabled"`
	EgressHosts []string `yaml:"egressHosts"`
}

// IstioSpec picks the Istio API versions generated.
type IstioSpec struct {
	APIVersion string `yaml:"apiVersion"` // v1 or v1beta1
	// Version is the target Istio release ("1.24"); empty is the newest
	// release internal/mesh covers.
	Version string `yaml:"version"`
	// KubernetesVersion is the cluster's Kubernetes release ("1.30"); empty
	// is unknown, and native sidecars are then not assumed.
	KubernetesVersion string `yaml:"kubernetesVersion"`
}

// GeneratedSpec says where kpt and kustomize write generated resources.
type GeneratedSpec struct {
	Path string `yaml:"path"`
}

// ValidationSpec: operation 4, lint findings as results.
type ValidationSpec struct {
	Enabled bool `yaml:"enabled"`
	// FailOn is the severity at which the function exits 1: error, warning, info or none.
	FailOn string `yaml:"failOn"`
}

// DefaultSpec is the configuration when none is given.
func DefaultSpec() Spec {
	return Spec{
		ClusterDomain:       "cluster.local",
		Injection:           InjectionSpec{Enabled: true, Style: "label"},
		Ports:               PortsSpec{Enabled: true, Mode: "prefix"},
		PeerAuthentication:  PeerAuthenticationSpec{Enabled: true, Mode: "STRICT", Scope: "namespace"},
		DestinationRule:     DestinationRuleSpec{Enabled: true},
		AuthorizationPolicy: AuthorizationPolicySpec{Methods: []string{"GET", "POST", "PUT", "PATCH", "DELETE"}},
		Sidecar:             SidecarSpec{EgressHosts: []string{"./*", "istio-system/*"}},
		Istio:               IstioSpec{APIVersion: "v1"},
		Generated:           GeneratedSpec{Path: "meshready-istio.yaml"},
		Validation:          ValidationSpec{Enabled: true, FailOn: "none"},
	}
}

// wellKnownKey is the functionConfig field (and ConfigMap data key) of the
// well-known table.
const wellKnownKey = "wellKnown"

// parseWellKnown reads the table with the config package's parser, the
// one .meshready.yaml's wellKnown: goes through.
func parseWellKnown(spec *Spec, text []byte, field string) []ConfigError {
	w, err := config.ParseWellKnown(text)
	if err != nil {
		return []ConfigError{{Field: field, Message: err.Error()}}
	}
	spec.WellKnown = w
	return nil
}

// takeWellKnown parses spec.wellKnown of a MeshReady spec mapping (its
// schema is the config package's, not the Spec's) and returns the mapping
// without it, a copy: the functionConfig itself is left as it was.
func takeWellKnown(spec *Spec, s *yaml.Node) (*yaml.Node, []ConfigError) {
	d := deref(s)
	if !isMap(d) {
		return s, nil
	}
	for i := 0; i+1 < len(d.Content); i += 2 {
		if d.Content[i].Value != wellKnownKey {
			continue
		}
		rest := *d
		rest.Content = append(append([]*yaml.Node{}, d.Content[:i]...), d.Content[i+2:]...)
		v := d.Content[i+1]
		if isNull(deref(v)) {
			return &rest, nil
		}
		text, err := yaml.NewRNode(v).String()
		if err != nil {
			return &rest, []ConfigError{{Field: "spec." + wellKnownKey, Message: err.Error()}}
		}
		return &rest, parseWellKnown(spec, []byte(text), "spec."+wellKnownKey)
	}
	return s, nil
}

// ConfigError is one problem with the functionConfig, at a field path.
type ConfigError struct {
	Field   string
	Message string
}

func (e ConfigError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// ParseConfig reads a functionConfig: nil means the defaults; a MeshReady
// is decoded over the defaults; a ConfigMap's data keys are flat field
// paths. Unknown fields and bad values are errors, all of them reported.
func ParseConfig(fc *yaml.RNode) (Spec, []ConfigError) {
	spec := DefaultSpec()
	if fc == nil || deref(fc.YNode()) == nil || isNull(deref(fc.YNode())) {
		return spec, nil
	}
	root := deref(fc.YNode())
	if !isMap(root) {
		return spec, []ConfigError{{Message: "functionConfig is not a mapping"}}
	}
	apiVersion, kind := str(root, "apiVersion"), str(root, "kind")
	var errs []ConfigError
	switch {
	case kind == ConfigKind && apiVersion == ConfigAPIVersion:
		var specNode *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			switch k := root.Content[i].Value; k {
			case "apiVersion", "kind", "metadata":
			case "spec":
				rest, werrs := takeWellKnown(&spec, root.Content[i+1])
				errs = append(errs, werrs...)
				errs = append(errs, checkFields(rest, reflect.TypeOf(spec), "spec")...)
				specNode = rest
			default:
				errs = append(errs, ConfigError{Field: k, Message: "unknown field (MeshReady has apiVersion, kind, metadata and spec)"})
			}
		}
		if len(errs) > 0 {
			return spec, errs
		}
		if s := deref(specNode); s != nil && !isNull(s) {
			if err := s.Decode(&spec); err != nil {
				return spec, []ConfigError{{Field: "spec", Message: err.Error()}}
			}
		}
	case kind == ConfigKind:
		return spec, []ConfigError{{Field: "apiVersion", Message: fmt.Sprintf("%q is not supported; use %s", apiVersion, ConfigAPIVersion)}}
	case kind == "ConfigMap" && (apiVersion == "v1" || apiVersion == ""):
		for i := 0; i+1 < len(root.Content); i += 2 {
			switch k := root.Content[i].Value; k {
			case "apiVersion", "kind", "metadata":
			case "data":
				errs = append(errs, setFlat(&spec, root.Content[i+1])...)
			default:
				errs = append(errs, ConfigError{Field: k, Message: "unknown field (a ConfigMap functionConfig takes its settings in data)"})
			}
		}
	default:
		return spec, []ConfigError{{Field: "kind", Message: fmt.Sprintf("functionConfig %s %q is not supported; use %s %s or a ConfigMap", apiVersion, kind, ConfigAPIVersion, ConfigKind)}}
	}
	if len(errs) > 0 {
		return spec, errs
	}
	return spec, spec.Validate()
}

// checkFields walks a config node against the Go type, reporting unknown
// fields and values of the wrong shape with their paths.
func checkFields(n *yaml.Node, t reflect.Type, at string) []ConfigError {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	var errs []ConfigError
	switch t.Kind() {
	case reflect.Struct:
		if !isMap(n) {
			return []ConfigError{{Field: at, Message: "must be a mapping"}}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			f, ok := fieldByTag(t, k)
			if !ok {
				errs = append(errs, ConfigError{Field: at + "." + k, Message: "unknown field (known: " + strings.Join(tagNames(t), ", ") + ")"})
				continue
			}
			errs = append(errs, checkFields(n.Content[i+1], f.Type, at+"."+k)...)
		}
	case reflect.Map:
		if !isMap(n) {
			return []ConfigError{{Field: at, Message: "must be a mapping"}}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			errs = append(errs, checkFields(n.Content[i+1], t.Elem(), at+"."+n.Content[i].Value)...)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return []ConfigError{{Field: at, Message: "must be a list"}}
		}
		for i, e := range n.Content {
			errs = append(errs, checkFields(e, t.Elem(), fmt.Sprintf("%s[%d]", at, i))...)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return []ConfigError{{Field: at, Message: fmt.Sprintf("must be true or false, not %q", n.Value)}}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return []ConfigError{{Field: at, Message: "must be a string"}}
		}
	}
	return errs
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); yamlName(f) == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func tagNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if n := yamlName(t.Field(i)); n != "-" {
			out = append(out, n)
		}
	}
	if t == reflect.TypeOf(Spec{}) {
		out = append(out, wellKnownKey)
	}
	return out
}

// setFlat applies a ConfigMap's data: each key is a dotted field path
// (an optional "spec." prefix is allowed); lists are comma-separated; the
// protocol table takes the rest of the key (`ports.protocols.9300: tcp`).
func setFlat(spec *Spec, data *yaml.Node) []ConfigError {
	data = deref(data)
	if isNull(data) {
		return nil
	}
	if !isMap(data) {
		return []ConfigError{{Field: "data", Message: "must be a mapping"}}
	}
	var errs []ConfigError
	for i := 0; i+1 < len(data.Content); i += 2 {
		key, val := data.Content[i].Value, deref(data.Content[i+1])
		field := "data." + key
		if val == nil || val.Kind != yaml.ScalarNode {
			errs = append(errs, ConfigError{Field: field, Message: "ConfigMap data values are strings"})
			continue
		}
		if strings.TrimPrefix(key, "spec.") == wellKnownKey {
			// the table as YAML text, the schema of .meshready.yaml's wellKnown:
			errs = append(errs, parseWellKnown(spec, []byte(val.Value), field)...)
			continue
		}
		parts := strings.Split(strings.TrimPrefix(key, "spec."), ".")
		v := reflect.ValueOf(spec).Elem()
		for j := 0; j < len(parts); j++ {
			if v.Kind() == reflect.Map {
				k := strings.Join(parts[j:], ".")
				if v.IsNil() {
					v.Set(reflect.MakeMap(v.Type()))
				}
				v.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(val.Value))
				break
			}
			if v.Kind() != reflect.Struct {
				errs = append(errs, ConfigError{Field: field, Message: "unknown setting"})
				break
			}
			f, ok := fieldByTag(v.Type(), parts[j])
			if !ok {
				errs = append(errs, ConfigError{Field: field, Message: fmt.Sprintf("unknown setting %q (known: %s)", parts[j], strings.Join(tagNames(v.Type()), ", "))})
				break
			}
			v = v.FieldByIndex(f.Index)
			if j < len(parts)-1 {
				continue
			}
			switch v.Kind() {
			case reflect.String:
				v.SetString(val.Value)
			case reflect.Bool:
				b, err := strconv.ParseBool(val.Value)
				if err != nil {
					errs = append(errs, ConfigError{Field: field, Message: fmt.Sprintf("must be true or false, not %q", val.Value)})
					break
				}
				v.SetBool(b)
			case reflect.Slice:
				var list []string
				for _, s := range strings.Split(val.Value, ",") {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
				v.Set(reflect.ValueOf(list))
			default:
				errs = append(errs, ConfigError{Field: field, Message: "is a group of settings; set its fields (" + field + ".<field>)"})
			}
		}
	}
	return errs
}

var (
	dnsLabel  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsDomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// Validate checks enums and values, returning every problem found.
func (s *Spec) Validate() []ConfigError {
	var errs []ConfigError
	enum := func(field, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		errs = append(errs, ConfigError{Field: field, Message: fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", "))})
	}
	if s.Namespace != "" && !dnsLabel.MatchString(s.Namespace) {
		errs = append(errs, ConfigError{Field: "spec.namespace", Message: fmt.Sprintf("%q is not a valid namespace name", s.Namespace)})
	}
	if !dnsDomain.MatchString(s.ClusterDomain) {
		errs = append(errs, ConfigError{Field: "spec.clusterDomain", Message: fmt.Sprintf("%q is not a DNS domain", s.ClusterDomain)})
	}
	enum("spec.injection.style", s.Injection.Style, "label", "annotation")
	enum("spec.ports.mode", s.Ports.Mode, "prefix", "appProtocol")
	keys := make([]string, 0, len(s.Ports.Protocols))
	for k := range s.Ports.Protocols {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := mesh.ParseMesh(s.Ports.Protocols[k]); !ok {
			var names []string
			for _, p := range mesh.MeshProtocols {
				names = append(names, p.Prefix())
			}
			errs = append(errs, ConfigError{Field: "spec.ports.protocols." + k, Message: fmt.Sprintf("%q is not one of %s", s.Ports.Protocols[k], strings.Join(names, ", "))})
		}
	}
	enum("spec.peerAuthentication.mode", s.PeerAuthentication.Mode, "STRICT", "PERMISSIVE")
	enum("spec.peerAuthentication.scope", s.PeerAuthentication.Scope, "namespace", "workload")
	if s.AuthorizationPolicy.Enabled && len(s.AuthorizationPolicy.ServiceAccounts) == 0 {
		errs = append(errs, ConfigError{Field: "spec.authorizationPolicy.serviceAccounts", Message: "required when authorizationPolicy is enabled: an ALLOW policy without callers denies all traffic"})
	}
	for i, sa := range s.AuthorizationPolicy.ServiceAccounts {
		ns, name, found := strings.Cut(sa, "/")
		if !found {
			ns, name = "", sa
		}
		if found && !dnsLabel.MatchString(ns) || !dnsDomain.MatchString(name) {
			errs = append(errs, ConfigError{Field: fmt.Sprintf("spec.authorizationPolicy.serviceAccounts[%d]", i), Message: fmt.Sprintf("%q is not a service account (name or namespace/name)", sa)})
		}
	}
	if len(s.AuthorizationPolicy.Methods) == 0 {
		errs = append(errs, ConfigError{Field: "spec.authorizationPolicy.methods", Message: "must list at least one HTTP method"})
	}
	for i, m := range s.AuthorizationPolicy.Methods {
		if m == "" || strings.ToUpper(m) != m {
			errs = append(errs, ConfigError{Field: fmt.Sprintf("spec.authorizationPolicy.methods[%d]", i), Message: fmt.Sprintf("%q is not an upper-case HTTP method", m)})
		}
	}
	if s.Sidecar.Enabled && len(s.Sidecar.EgressHosts) == 0 {
		errs = append(errs, ConfigError{Field: "spec.sidecar.egressHosts", Message: "required when sidecar is enabled (e.g. ./*, istio-system/*)"})
	}
	for i, h := range s.Sidecar.EgressHosts {
		if ns, host, ok := strings.Cut(h, "/"); !ok || ns == "" || host == "" {
			errs = append(errs, ConfigError{Field: fmt.Sprintf("spec.sidecar.egressHosts[%d]", i), Message: fmt.Sprintf("%q is not namespace/host (e.g. ./*, istio-system/*)", h)})
		}
	}
	enum("spec.istio.apiVersion", s.Istio.APIVersion, "v1", "v1beta1")
	if _, err := mesh.ParseVersion(s.Istio.Version); err != nil {
		errs = append(errs, ConfigError{Field: "spec.istio.version", Message: err.Error()})
	}
	if _, err := mesh.ParseKubernetesVersion(s.Istio.KubernetesVersion); err != nil {
		errs = append(errs, ConfigError{Field: "spec.istio.kubernetesVersion", Message: err.Error()})
	}
	if p := s.Generated.Path; p == "" || pathpkg.IsAbs(p) || strings.HasPrefix(pathpkg.Clean(p), "..") || strings.Contains(p, "\\") {
		errs = append(errs, ConfigError{Field: "spec.generated.path", Message: fmt.Sprintf("%q must be a relative path inside the package", p)})
	}
	enum("spec.validation.failOn", s.Validation.FailOn, "error", "warning", "info", "none")
	return errs
}
