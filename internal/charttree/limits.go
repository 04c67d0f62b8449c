package charttree

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"

	"github.com/meshready/meshready/internal/safeio"
)

// Limits on chart input. Charts are untrusted in a CI gate: a chart that
// exceeds them is refused with an error naming the file, before Helm reads it.
const (
	// MaxChartBytes bounds everything Helm would load from one chart folder.
	MaxChartBytes = 64 << 20
	// MaxChartFiles bounds the number of files in one chart folder.
	MaxChartFiles = 20000
)

func init() {
	// Helm's own limits for packaged charts (and its per-file limit for
	// folders): tighter than its defaults of 100 MiB and 5 MiB.
	loader.MaxDecompressedChartSize = MaxChartBytes
	loader.MaxDecompressedFileSize = 4 << 20
}

// readDir walks a chart folder the way Helm's loader.LoadDir does (sorted,
// honouring .helmignore) without following symlinks: it refuses symlinks
// that leave the linted tree and folders too large to be charts, and reads
// the files LoadDir would read, so the folder is walked once rather than
// once to check and once more to load. It returns nil files (and no error)
// when LoadDir itself must read the folder: it follows symlinks, and its
// own errors name irregular and unreadable files.
func (a *Assembler) readDir(dir string) ([]*loader.BufferedFile, error) {
	rules := ignore.Empty()
	if p := filepath.Join(dir, ignore.HelmIgnore); fileExists(p) {
		r, err := ignore.ParseFile(p)
		if err != nil {
			return nil, &ChartError{Chart: dir, File: p, Err: err}
		}
		rules = r
	}
	rules.AddDefaults()
	var total int64
	count := 0
	var files []*loader.BufferedFile
	var archives archiveBudget // the packaged subcharts (charts/*.tgz), together
	helmReads := false         // LoadDir must read the folder itself
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &ChartError{Chart: dir, File: p, Err: err}
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return &ChartError{Chart: dir, File: p, Err: err}
		}
		name := filepath.ToSlash(rel)
		if rules.Ignore(name, fi) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := a.checkInside(p); err != nil {
				target, _ := os.Readlink(p)
				return &ChartError{Chart: dir, File: p, Err: fmt.Errorf("symlink to %s: %w", target, err)}
			}
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				total += st.Size()
			}
			helmReads = true
			return nil
		}
		if d.IsDir() {
			return nil
		}
		count++
		total += fi.Size()
		if fi.Size() > loader.MaxDecompressedFileSize {
			return &ChartError{Chart: dir, File: p, Err: fmt.Errorf("%d bytes is larger than the maximum file size %d for a chart file", fi.Size(), loader.MaxDecompressedFileSize)}
		}
		if count > MaxChartFiles {
			return &ChartError{Chart: dir, File: p, Err: fmt.Errorf("the chart folder holds more than %d files: too many to be a chart", MaxChartFiles)}
		}
		if total > MaxChartBytes {
			return &ChartError{Chart: dir, File: p, Err: fmt.Errorf("the chart folder holds more than %d bytes: too large to be a chart", MaxChartBytes)}
		}
		if helmReads || !fi.Mode().IsRegular() {
			helmReads = true
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			helmReads = true
			return nil
		}
		if isArchive(name) {
			if err := archives.check(data, 0); err != nil {
				return &ChartError{Chart: dir, File: p, Err: err}
			}
		}
		files = append(files, &loader.BufferedFile{Name: name, Data: bytes.TrimPrefix(data, utf8BOM)})
		return nil
	})
	if err != nil || helmReads {
		return nil, err
	}
	if files == nil {
		files = []*loader.BufferedFile{}
	}
	return files, nil
}

// utf8BOM is stripped from every file, as LoadDir does.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// inside reports whether p (symlinks resolved) lies within root.
func inside(root, p string) bool { return safeio.Inside(root, p) }

// MaxArchiveDepth bounds packaged charts nested in packaged charts.
const MaxArchiveDepth = 8

// archiveBudget counts what packaged charts decompress to, the packaged
// charts nested in them included, against one budget: Helm's loader limits
// each archive on its own (loader.MaxDecompressedChartSize), so 50 nested
// subcharts of 60 MiB in a 76 KB archive decompress to 3 GB, and it counts
// no files (1,000,000 empty templates take a minute and 2 GB).
type archiveBudget struct {
	bytes int64
	files int
}

// CheckArchive applies the limits of a chart folder (MaxChartBytes,
// MaxChartFiles) to a packaged chart and everything nested in it, before
// Helm's loader decompresses it.
func CheckArchive(data []byte) error {
	var b archiveBudget
	return b.check(data, 0)
}

func (b *archiveBudget) check(data []byte, depth int) error {
	if depth > MaxArchiveDepth {
		return fmt.Errorf("packaged charts nested more than %d deep", MaxArchiveDepth)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil // not gzip: Helm's loader names the problem
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // a broken archive: Helm's loader names the problem
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue
		}
		b.files++
		if b.files > MaxChartFiles {
			return fmt.Errorf("the packaged chart holds more than %d files, its nested packaged charts included: too many to be a chart", MaxChartFiles)
		}
		left := MaxChartBytes - b.bytes
		if isArchive(h.Name) && depth < MaxArchiveDepth {
			inner, err := io.ReadAll(io.LimitReader(tr, left+1))
			b.bytes += int64(len(inner))
			if err == nil && b.bytes <= MaxChartBytes {
				if err := b.check(inner, depth+1); err != nil {
					return err
				}
			}
		} else {
			n, _ := io.Copy(io.Discard, io.LimitReader(tr, left+1))
			b.bytes += n
		}
		if b.bytes > MaxChartBytes {
			return fmt.Errorf("decompressed chart is larger than the maximum size %d, its nested packaged charts included", MaxChartBytes)
		}
	}
}
