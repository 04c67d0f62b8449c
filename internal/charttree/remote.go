package charttree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/downloader"
	"helm.sh/helm/v3/pkg/getter"
)

// Remote serves dependencies from chart repositories (https://, oci://)
// out of Helm's repository cache, offline. With Fetch it first downloads a
// missing one there, through Helm's own dependency manager
// (downloader.Manager.Update, as `helm dep up` runs it: repositories.yaml
// for credentials and TLS, the repository's index.yaml resolving the
// version range, Helm's getters and its verification strategy).
//
// Helm 3 keeps only index files in its repository cache, not charts; the
// archives meshready fetches go beside them, under
// meshready-charts/<hash of the repository URL>/<name>-<version>.tgz, so
// one cache serves later offline runs whatever the repository is called in
// repositories.yaml.
type Remote struct {
	Cache  string // HELM_REPOSITORY_CACHE
	Config string // HELM_REPOSITORY_CONFIG
	Fetch  bool

	mu sync.Mutex
}

// NewRemote reads Helm's settings (HELM_REPOSITORY_CACHE,
// HELM_REPOSITORY_CONFIG and their defaults) as the helm CLI does.
func NewRemote(fetch bool) *Remote {
	s := cli.New()
	return &Remote{Cache: s.RepositoryCache, Config: s.RepositoryConfig, Fetch: fetch}
}

// archiveDir is where the archives of one repository are kept.
func (r *Remote) archiveDir(repoURL string) string {
	sum := sha256.Sum256([]byte(strings.TrimSuffix(strings.TrimSpace(repoURL), "/")))
	return filepath.Join(r.Cache, "meshready-charts", hex.EncodeToString(sum[:8]))
}

// Find returns the archive of the highest version of name in the cache
// that satisfies constraint, fetching it first when allowed and absent.
func (r *Remote) Find(repoURL, name, constraint string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.cached(repoURL, name, constraint); p != "" {
		return p, nil
	}
	if !r.Fetch {
		return "", MissingRemoteError(name, constraint, repoURL)
	}
	if err := r.fetch(repoURL, name, constraint); err != nil {
		return "", fmt.Errorf("dependency %q version %q from %s: --fetch: %w", name, constraint, repoURL, err)
	}
	if p := r.cached(repoURL, name, constraint); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("dependency %q version %q from %s: --fetch downloaded no matching chart", name, constraint, repoURL)
}

// cached finds an archive already in the cache.
func (r *Remote) cached(repoURL, name, constraint string) string {
	dir := r.archiveDir(repoURL)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	type cand struct {
		v    *semver.Version
		path string
	}
	var cands []cand
	for _, e := range ents {
		base, ok := strings.CutSuffix(e.Name(), ".tgz")
		if !ok || !e.Type().IsRegular() || !strings.HasPrefix(base, name+"-") {
			continue
		}
		ver := strings.TrimPrefix(base, name+"-")
		v, err := semver.NewVersion(ver)
		if err != nil || !VersionMatches(constraint, ver) {
			continue
		}
		cands = append(cands, cand{v, filepath.Join(dir, e.Name())})
	}
	if len(cands) == 0 {
		return ""
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].v.GreaterThan(cands[j].v) })
	return cands[0].path
}

// fetch runs Helm's dependency manager on a chart that declares only this
// dependency, in a scratch folder inside the cache, and moves what it
// downloads into the archive folder.
func (r *Remote) fetch(repoURL, name, constraint string) error {
	if err := os.MkdirAll(r.Cache, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(r.Cache, ".meshready-fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	c := &chart.Chart{Metadata: &chart.Metadata{
		APIVersion: chart.APIVersionV2, Name: "meshready-fetch", Version: "0.0.0",
		Dependencies: []*chart.Dependency{{Name: name, Version: constraint, Repository: repoURL}},
	}}
	if err := chartutil.SaveChartfile(filepath.Join(tmp, "Chart.yaml"), c.Metadata); err != nil {
		return err
	}
	settings := cli.New()
	settings.RepositoryCache, settings.RepositoryConfig = r.Cache, r.Config
	m := &downloader.Manager{
		Out:              io.Discard,
		ChartPath:        tmp,
		Getters:          getter.All(settings),
		RepositoryConfig: r.Config,
		RepositoryCache:  r.Cache,
		// `helm dep up`'s default: a .prov file is checked only with --verify
		Verify: downloader.VerifyNever,
	}
	if err := m.Update(); err != nil {
		return err
	}
	got, err := filepath.Glob(filepath.Join(tmp, "charts", "*.tgz"))
	if err != nil || len(got) == 0 {
		return fmt.Errorf("helm's dependency manager downloaded nothing")
	}
	dest := r.archiveDir(repoURL)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	for _, p := range got {
		if err := os.Rename(p, filepath.Join(dest, filepath.Base(p))); err != nil {
			return err
		}
	}
	return nil
}
