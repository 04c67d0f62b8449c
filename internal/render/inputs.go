package render

import (
	"errors"
	"fmt"
	"path/filepath"

	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/strvals"

	"github.com/meshready/meshready/internal/safeio"
)

// The files the user names on the command line (-f/--values, --set-file,
// --umbrella) are read under the input policy (internal/safeio), like the
// configuration's values files: -f and --set-file files inside the
// repository holding the working folder (the working folder when it is in
// none), the umbrella's values.yaml inside the repository holding the
// umbrella (the umbrella chart when it is in none), unless
// --allow-outside-root; regular files of at most safeio.MaxValuesBytes;
// each refusal one line naming the flag, the file and the rule it broke.

// input is the policy for one kind of command-line file, bounded by the
// repository holding dir (dir itself when it is in none).
func (h *Helm) input(what, dir string) (safeio.Input, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return safeio.Input{}, fmt.Errorf("%s: %w", what, err)
	}
	if top := safeio.RepoRoot(root); top != "" {
		root = top
	}
	return safeio.Input{What: what, Root: root, AllowOutside: h.Opts.AllowOutsideRoot, OptIn: "--allow-outside-root", Max: safeio.MaxValuesBytes}, nil
}

// userValues merges the -f files, --set, --set-string and --set-file values
// in Helm's order (helm.sh/helm/v3@v3.22.0 pkg/cli/values/options.go
// MergeValues): the -f files, checked by the input policy, are read by
// Helm; --set-file, applied last as there, reads through the policy.
func (h *Helm) userValues() (map[string]any, error) {
	files := make([]string, len(h.Opts.ValueFiles))
	in, err := h.input("--values file", ".")
	if err != nil {
		return nil, err
	}
	for i, f := range h.Opts.ValueFiles {
		if f == "-" { // Helm reads standard input
			files[i] = f
			continue
		}
		if files[i], err = in.Check(f); err != nil {
			return nil, err
		}
	}
	o := values.Options{ValueFiles: files, Values: h.Opts.Set, StringValues: h.Opts.SetString}
	v, err := o.MergeValues(getter.Providers{})
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	in.What = "--set-file file"
	for _, kv := range h.Opts.SetFile {
		read := func(rs []rune) (any, error) {
			b, err := in.ReadFile(string(rs))
			return string(b), err
		}
		if err := strvals.ParseIntoFile(kv, v, read); err != nil {
			var r *safeio.Refusal
			if errors.As(err, &r) {
				return nil, r // it names the flag and the file already
			}
			return nil, fmt.Errorf("values: failed parsing --set-file data: %w", err)
		}
	}
	return v, nil
}

// umbrellaValues reads the --umbrella chart's values.yaml.
func (h *Helm) umbrellaValues(p string) ([]byte, error) {
	in, err := h.input("--umbrella values file", filepath.Dir(p))
	if err != nil {
		return nil, err
	}
	return in.ReadFile(p)
}
