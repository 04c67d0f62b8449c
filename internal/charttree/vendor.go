package charttree

import (
	"fmt"
	"os"
	"path/filepath"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// Vendor writes an assembled chart to dest/<name> with its whole dependency
// tree packaged under charts/, so a plain `helm template` renders it offline.
// It writes into a temporary directory first and renames it into place, so a
// failure leaves nothing half-written.
func Vendor(c *chart.Chart, dest string) (string, error) {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	final := filepath.Join(dest, c.Name())
	if _, err := os.Stat(final); err == nil {
		return "", fmt.Errorf("%s already exists; remove it or choose another --vendor folder", final)
	}
	tmp, err := os.MkdirTemp(dest, ".vendor-"+c.Name()+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := chartutil.SaveDir(c, tmp); err != nil {
		return "", fmt.Errorf("vendoring %s: %w", c.Name(), err)
	}
	if err := os.Rename(filepath.Join(tmp, c.Name()), final); err != nil {
		return "", err
	}
	return final, nil
}
