package render

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/meshready/meshready/internal/resource"
)

// MaxManifestBytes bounds one manifest input: anything larger is not a chart's output.
const MaxManifestBytes = resource.MaxStreamBytes

// Manifests reads already-rendered YAML: a file, or "-" for Stdin.
type Manifests struct {
	Stdin io.Reader
}

func (m Manifests) Render(_ context.Context, target string) (*Result, error) {
	var (
		data []byte
		err  error
		name = target
	)
	if target == "-" {
		name = "stdin"
		in := m.Stdin
		if in == nil {
			in = os.Stdin
		}
		data, err = io.ReadAll(io.LimitReader(in, MaxManifestBytes+1))
	} else {
		var st os.FileInfo
		if st, err = os.Stat(target); err == nil && st.Size() > MaxManifestBytes {
			return nil, fmt.Errorf("%s: %d bytes is too large for a manifest file (limit %d)", target, st.Size(), MaxManifestBytes)
		}
		if err == nil {
			data, err = os.ReadFile(target)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxManifestBytes {
		return nil, fmt.Errorf("%s: input is too large for a manifest stream (limit %d bytes)", name, MaxManifestBytes)
	}
	rs, err := resource.Parse(name, data)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		r.File = name
		r.Chart = name
	}
	return &Result{Chart: name, Manifest: string(data), Resources: rs}, nil
}
