// Package config reads .meshready.yaml: which rules run and how severe they
// are, what to ignore, how the target namespace is labelled, the mesh's
// trace format, and extra values files per chart.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"sigs.k8s.io/yaml"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/mesh"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/internal/safeio"
)

// FileName is looked for upward from the linted path.
const FileName = ".meshready.yaml"

// MaxBytes bounds the configuration file.
const MaxBytes = 1 << 20

// Config is the content of .meshready.yaml.
type Config struct {
	Rules Rules `json:"rules,omitempty"`
	// Ignore drops findings by rule, chart, kind and name (globs).
	Ignore []Ignore `json:"ignore,omitempty"`
	// NamespaceLabels are the labels the target namespace carries in the
	// cluster (e.g. istio-injection: enabled).
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`
	// TraceFormat is the mesh's trace header format: b3 (default) or w3c.
	TraceFormat string `json:"traceFormat,omitempty"`
	// NativeSidecars says istiod runs with ENABLE_NATIVE_SIDECARS=true
	// (Istio 1.20-1.23: the only switch; 1.24-1.26: unless the pod's
	// sidecar.istio.io/nativeSidecar says otherwise; 1.27+: forces what
	// the default "auto" decides from the Kubernetes version).
	NativeSidecars bool `json:"nativeSidecars,omitempty"`
	// KubernetesVersion is the cluster's Kubernetes release ("1.33"). From
	// Istio 1.27 the default ENABLE_NATIVE_SIDECARS=auto injects native
	// sidecars when every node runs Kubernetes >= 1.33. Empty means unknown,
	// and auto is then not assumed to turn them on.
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// IstioVersion is the target Istio release ("1.24"); empty is the newest
	// release meshready's model covers (internal/mesh).
	IstioVersion string `json:"istioVersion,omitempty"`
	// IstioFlavor is "istio" (default) or "openshift-servicemesh-2", whose
	// injection needs the pod to ask for the sidecar.
	IstioFlavor string `json:"istioFlavor,omitempty"`
	// Revisions are the installed Istio revisions and revision tags a
	// namespace's istio.io/rev may name. Empty is a default install, which
	// answers istio-injection=enabled and istio.io/rev=default only; a list
	// without "default" is a revision-only install, where istio-injection=enabled
	// and the pod label sidecar.istio.io/inject reach no webhook.
	Revisions []string `json:"revisions,omitempty"`
	// Values adds values files per chart: chart glob -> files (relative to
	// the configuration file).
	Values map[string][]string `json:"values,omitempty"`
	// FailOn is the default for --fail-on.
	FailOn string `json:"failOn,omitempty"`
	// WellKnown extends the well-known ports and images the port evidence
	// falls back on (internal/mesh/wellknown.yaml, same schema); these
	// entries come first.
	WellKnown *mesh.WellKnown `json:"wellKnown,omitempty"`
	// HelmCompat renders charts as an older Helm release does, for trees
	// built with it: "3.6" (Helm v3.6.3, OOM frankfurt to istanbul); empty
	// is today's Helm. --helm-compat overrides it (render.HelmCompats).
	HelmCompat string `json:"helmCompat,omitempty"`
	// Exclude leaves charts out of every run (e.g. one that cannot render
	// offline), each with the reason the run prints.
	Exclude []Exclude `json:"exclude,omitempty"`

	// Dir is the folder the file was read from.
	Dir string `json:"-"`
	// Path is the file read ("" when none was found).
	Path string `json:"-"`
	// raw is the file's text, for the lines of errors.
	raw []byte
}

// Rules enables, disables and re-grades rules.
type Rules struct {
	// Enable, when set, runs only these rules.
	Enable []string `json:"enable,omitempty"`
	// Disable never runs these rules.
	Disable []string `json:"disable,omitempty"`
	// Severity overrides a rule's severity.
	Severity map[string]finding.Severity `json:"severity,omitempty"`
}

// Ignore matches findings to drop. Empty fields match anything; globs
// follow path.Match.
type Ignore struct {
	Rules []string `json:"rules,omitempty"`
	Chart string   `json:"chart,omitempty"`
	Kind  string   `json:"kind,omitempty"`
	Name  string   `json:"name,omitempty"`
}

// Load reads a configuration file strictly: unknown fields are errors.
func Load(p string) (*Config, error) {
	b, err := safeio.Input{What: "config", Max: MaxBytes}.ReadFile(p)
	if err != nil {
		return nil, err
	}
	c, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", p, err)
	}
	c.raw = b
	c.Path = p
	c.Dir = filepath.Dir(p)
	if err := c.Validate(); err != nil {
		var se *settingError
		if errors.As(err, &se) {
			if line := c.idLines()[se.key]; line > 0 {
				return nil, fmt.Errorf("config %s:%d: %w", p, line, err)
			}
		}
		return nil, fmt.Errorf("config %s: %w", p, err)
	}
	return c, nil
}

// Parse reads configuration text strictly and validates it.
func Parse(b []byte) (*Config, error) {
	c, err := decode(b)
	if err != nil {
		return nil, err
	}
	return c, c.Validate()
}

func decode(b []byte) (*Config, error) {
	c := &Config{}
	if err := decodeStrict(b, c); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseWellKnown reads a well-known table alone (what `wellKnown:` holds in
// .meshready.yaml, the same schema and checks): the KRM function's
// functionConfig carries it under spec.wellKnown.
func ParseWellKnown(b []byte) (*mesh.WellKnown, error) {
	w := &mesh.WellKnown{}
	if err := decodeStrict(b, w); err != nil {
		return nil, fmt.Errorf("wellKnown: %w", err)
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, nil
}

// decodeStrict decodes YAML into v; unknown fields are errors.
func decodeStrict(b []byte, v any) error {
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		return err
	}
	if string(bytes.TrimSpace(js)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// settingError is a bad value of a top-level setting, which Load reports
// at the setting's line.
type settingError struct {
	key string
	err error
}

func (e *settingError) Error() string { return e.key + ": " + e.err.Error() }
func (e *settingError) Unwrap() error { return e.err }

// Validate checks values that have a fixed set of choices.
func (c *Config) Validate() error {
	for id, s := range c.Rules.Severity {
		if _, ok := finding.ParseSeverity(string(s)); !ok {
			return fmt.Errorf("rules.severity.%s: %q is not error, warning or info", id, s)
		}
	}
	switch c.TraceFormat {
	case "", "b3", "w3c":
	default:
		return fmt.Errorf("traceFormat: %q is not b3 or w3c", c.TraceFormat)
	}
	if _, err := mesh.ParseVersion(c.IstioVersion); err != nil {
		return fmt.Errorf("istioVersion: %w", err)
	}
	if _, err := mesh.ParseKubernetesVersion(c.KubernetesVersion); err != nil {
		return fmt.Errorf("kubernetesVersion: %w", err)
	}
	switch c.IstioFlavor {
	case "", mesh.FlavorIstio, mesh.FlavorOpenShift2:
	default:
		return fmt.Errorf("istioFlavor: %q is not %s or %s", c.IstioFlavor, mesh.FlavorIstio, mesh.FlavorOpenShift2)
	}
	if err := render.CheckHelmCompat(c.HelmCompat); err != nil {
		return &settingError{key: "helmCompat", err: err}
	}
	switch c.FailOn {
	case "", "error", "warning", "info", "none":
	default:
		return fmt.Errorf("failOn: %q is not error, warning, info or none", c.FailOn)
	}
	for i, ig := range c.Ignore {
		for _, g := range []string{ig.Chart, ig.Kind, ig.Name} {
			if _, err := path.Match(g, ""); err != nil {
				return fmt.Errorf("ignore[%d]: bad glob %q", i, g)
			}
		}
	}
	if c.WellKnown != nil {
		if err := c.WellKnown.Validate(); err != nil {
			return err
		}
	}
	for i, e := range c.Exclude {
		if _, err := path.Match(e.Chart, ""); err != nil || e.Chart == "" {
			return fmt.Errorf("exclude[%d]: bad chart glob %q", i, e.Chart)
		}
	}
	for g := range c.Values {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("values: bad chart glob %q", g)
		}
	}
	return nil
}

// Find looks for .meshready.yaml from start upward, but never above the
// repository's top level (the nearest folder holding .git) and never in or
// above a folder anyone may write to (/tmp and the like, world-writable):
// a file planted in a shared folder must not configure every tree below it.
// No file found is an empty configuration.
func Find(start string) (*Config, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return &Config{}, nil
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	top := safeio.RepoRoot(abs)
	for d := abs; ; d = filepath.Dir(d) {
		if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o002 != 0 {
			return &Config{}, nil // a shared folder: stop before it
		}
		p := filepath.Join(d, FileName)
		if _, err := os.Lstat(p); err == nil {
			return Load(p)
		}
		if d == top || d == filepath.Dir(d) {
			return &Config{}, nil
		}
	}
}

// MaxValuesBytes bounds a values file named by values:.
const MaxValuesBytes = safeio.MaxValuesBytes

// CheckFiles applies the input policy (internal/safeio) to every values
// file the configuration names: each must be a regular file of at most
// MaxValuesBytes inside the repository holding the configuration (its
// folder when it is in none) unless allowOutside (--allow-outside-root).
// The configuration is part of a change: it must not read the worker's
// files (~/.docker/config.json) into a finding.
func (c *Config) CheckFiles(allowOutside bool) error {
	root := c.Dir
	if top := safeio.RepoRoot(c.Dir); top != "" {
		root = top
	}
	in := safeio.Input{What: "config " + c.Path + ": values file", Root: root, AllowOutside: allowOutside, OptIn: "--allow-outside-root", Max: MaxValuesBytes}
	globs := make([]string, 0, len(c.Values))
	for g := range c.Values {
		globs = append(globs, g)
	}
	sort.Strings(globs)
	for _, g := range globs {
		for _, f := range c.Values[g] {
			if !filepath.IsAbs(f) {
				f = filepath.Join(c.Dir, f)
			}
			if _, err := in.Check(f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Config) RuleEnabled(id string) bool {
	for _, d := range c.Rules.Disable {
		if d == id {
			return false
		}
	}
	if len(c.Rules.Enable) == 0 {
		return true
	}
	for _, e := range c.Rules.Enable {
		if e == id {
			return true
		}
	}
	return false
}

// Ignored reports whether a finding is dropped by an ignore entry.
func (c *Config) Ignored(f finding.Finding) bool {
	for _, ig := range c.Ignore {
		if len(ig.Rules) > 0 && !contains(ig.Rules, f.Rule) {
			continue
		}
		if match(ig.Chart, f.Chart) && match(ig.Kind, f.Resource.Kind) && match(ig.Name, f.Resource.Name) {
			return true
		}
	}
	return false
}

// ValuesFor lists the extra values files for a chart (by its name relative
// to the linted root), made absolute.
func (c *Config) ValuesFor(chart string) []string {
	var out []string
	globs := make([]string, 0, len(c.Values))
	for g := range c.Values {
		globs = append(globs, g)
	}
	sort.Strings(globs) // a stable merge order
	for _, g := range globs {
		files := c.Values[g]
		if match(g, chart) || match(g, path.Base(chart)) {
			for _, f := range files {
				if !filepath.IsAbs(f) {
					f = filepath.Join(c.Dir, f)
				}
				out = append(out, f)
			}
		}
	}
	return out
}

func match(glob, s string) bool {
	if glob == "" {
		return true
	}
	ok, _ := path.Match(glob, s)
	return ok
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
