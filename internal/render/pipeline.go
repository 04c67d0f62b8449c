package render

import (
	"bytes"
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/releaseutil"
)

// renderFiles is the part of `helm template` (helm.sh/helm/v3@v3.22.0
// pkg/action/install.go Install.RunWithContext in client-only dry-run mode,
// and action.go Configuration.renderResources) that turns a chart and the
// user's values into rendered template files, in Helm's order and with
// Helm's errors: release name check, dependency processing (the fast port
// in fastdeps.go), capabilities, values (toRenderValues: coalescing and
// schema validation), the chart's kubeVersion, and Helm's own engine; for
// Options.HelmCompat an older Helm's dependency processing, values and
// engine instead (helmcompat.go).
// prepare, when set, edits the processed chart before it renders (lint
// mode's shared helpers).
func (h *Helm) renderFiles(ch *chart.Chart, vals map[string]any, prepare func(*chart.Chart)) (map[string]string, error) {
	if t := ch.Metadata.Type; t != "" && t != "application" {
		return nil, fmt.Errorf("%s charts are not installable", t)
	}
	if err := chartutil.ValidateReleaseName(h.Opts.ReleaseName); err != nil {
		return nil, fmt.Errorf("release name %q: %w", h.Opts.ReleaseName, err)
	}
	if err := h.processDependenciesAs(ch, vals); err != nil {
		return nil, err
	}
	if prepare != nil {
		prepare(ch)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	if h.Opts.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(h.Opts.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("invalid kube version %q: %w", h.Opts.KubeVersion, err)
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = append(caps.APIVersions, h.Opts.APIVersions...)
	opts := chartutil.ReleaseOptions{Name: h.Opts.ReleaseName, Namespace: h.Opts.Namespace, Revision: 1, IsInstall: true}
	rv, err := h.toRenderValuesAs(ch, vals, opts, caps)
	if err != nil {
		return nil, err
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", ch.Metadata.KubeVersion, caps.KubeVersion.String())
	}
	return h.renderTemplates(ch, rv)
}

// helmTemplateStream is the stream `helm template` prints for rendered
// files: Configuration.renderResources' manifest (NOTES dropped, objects
// in Helm's install order, each under "# Source:"), trimmed as
// cmd/helm/template.go prints it, then the hooks.
func helmTemplateStream(ch *chart.Chart, files map[string]string) (string, error) {
	for k := range files {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(files, k)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return "", err
	}
	var doc bytes.Buffer
	for _, m := range manifests {
		fmt.Fprintf(&doc, "---\n# Source: %s\n%s\n", m.Name, m.Content)
	}
	var b bytes.Buffer
	fmt.Fprintln(&b, strings.TrimSpace(doc.String()))
	for _, m := range hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Path, m.Manifest)
	}
	return b.String(), nil
}
