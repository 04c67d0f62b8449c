package action

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/meshready/meshready/internal/config"
	"github.com/meshready/meshready/internal/lint"
	"github.com/meshready/meshready/internal/render"
	"github.com/meshready/meshready/rules"
)

// Inputs are what decide the findings of a linting run: the render, the
// policies and the configuration with the flags that override it (lint,
// report, baseline and demo share them).
type Inputs struct {
	Render          render.Options
	Policies        []string
	PolicyTimeout   time.Duration
	ConfigFile      string   // "" finds .meshready.yaml upward from the first input
	NamespaceLabels []string // key=value
	TraceFormat     string
	IstioVersion    string
	// KubernetesVersion is the cluster's Kubernetes release (native sidecars).
	KubernetesVersion string
	FailOn            string
	Quiet             bool
	Workers           int
	// WorkDir is what finding paths are relative to ("" = the current directory).
	WorkDir string
}

// NewInputs are the defaults of the flags.
func NewInputs() Inputs {
	return Inputs{Render: render.DefaultOptions(), PolicyTimeout: rules.DefaultTimeout}
}

// Overrides are the flags that override the configuration file.
type Overrides struct {
	ConfigFile        string
	NamespaceLabels   []string
	TraceFormat       string
	IstioVersion      string
	KubernetesVersion string
	FailOn            string
	AllowOutsideRoot  bool
}

func (in *Inputs) overrides() Overrides {
	return Overrides{ConfigFile: in.ConfigFile, NamespaceLabels: in.NamespaceLabels, TraceFormat: in.TraceFormat,
		IstioVersion: in.IstioVersion, KubernetesVersion: in.KubernetesVersion, FailOn: in.FailOn, AllowOutsideRoot: in.Render.AllowOutsideRoot}
}

// LoadConfig finds and validates the configuration (--config, else
// .meshready.yaml upward from the first input), then lets flags override it.
func LoadConfig(o Overrides, inputs []string) (*config.Config, error) {
	var cfg *config.Config
	var err error
	switch {
	case o.ConfigFile != "":
		cfg, err = config.Load(o.ConfigFile)
	case len(inputs) > 0 && inputs[0] != "-":
		cfg, err = config.Find(inputs[0])
	default:
		cfg, err = config.Find(".")
	}
	if err == nil {
		err = cfg.CheckFiles(o.AllowOutsideRoot)
	}
	if err != nil {
		return nil, err
	}
	if cfg.NamespaceLabels == nil {
		cfg.NamespaceLabels = map[string]string{}
	}
	for _, kv := range o.NamespaceLabels {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--namespace-label %q: want key=value", kv)
		}
		cfg.NamespaceLabels[k] = v
	}
	if o.TraceFormat != "" {
		cfg.TraceFormat = o.TraceFormat
	}
	if o.IstioVersion != "" {
		cfg.IstioVersion = o.IstioVersion
	}
	if o.KubernetesVersion != "" {
		cfg.KubernetesVersion = o.KubernetesVersion
	}
	if o.FailOn != "" {
		cfg.FailOn = o.FailOn
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	return cfg, nil
}

// DefaultTraceFormat is the trace header format when none is configured:
// B3, the Zipkin tracer's headers that Istio's sidecars propagate by default.
const DefaultTraceFormat = "b3"

// RuleSettings maps the configuration to what the rules read. It is the
// one place that mapping is written: lint, fix and fn all call it.
func RuleSettings(cfg *config.Config, namespace string) rules.Settings {
	trace := cfg.TraceFormat
	if trace == "" {
		trace = DefaultTraceFormat
	}
	return rules.Settings{
		Namespace:         namespace,
		NamespaceLabels:   cfg.NamespaceLabels,
		TraceFormat:       trace,
		NativeSidecars:    cfg.NativeSidecars,
		KubernetesVersion: cfg.KubernetesVersion,
		IstioVersion:      cfg.IstioVersion,
		IstioFlavor:       cfg.IstioFlavor,
		Revisions:         cfg.Revisions,
	}
}

// linter compiles the policies (while the first charts render) and builds
// the linter, which holds the run's one renderer (Linter.Renderer).
func (in *Inputs) linter(ctx context.Context, cfg *config.Config, stdin io.Reader, stderr io.Writer) *lint.Linter {
	eng := rules.Start(ctx, in.PolicyTimeout, in.Render.AllowOutsideRoot, in.Policies...)
	o := lint.Options{
		Render:   in.Render,
		Config:   cfg,
		Settings: RuleSettings(cfg, in.Render.Namespace),
		Workers:  in.Workers,
		Stdin:    stdin,
		WorkDir:  in.WorkDir,
	}
	if !in.Quiet && isTerminal(stderr) {
		o.Progress = stderr
	}
	return lint.NewPending(eng, o)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
