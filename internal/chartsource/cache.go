package chartsource

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/meshready/meshready/internal/safeio"
)

// MaxSourceBytes bounds the source files a run reads.
const MaxSourceBytes = 8 << 20

// Cache holds the source files a run reads, shared by every chart (a
// tree's charts share most of their sources: common's templates and
// values, read and parsed once) and by the report quoting them. Safe for
// concurrent use. Paths are absolute.
type Cache struct {
	raw  sync.Map // path -> raw
	text sync.Map // path -> []string
	tmpl sync.Map // path -> []Line
	vals sync.Map // path -> *Values
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// ReadFile reads a chart source file under the input policy
// (internal/safeio): a regular file, read without blocking, of at most
// MaxSourceBytes. An error names the file; a missing file's is
// fs.ErrNotExist (the fixer tells it from a refused one).
func ReadFile(p string) ([]byte, error) {
	b, err := safeio.Input{Max: MaxSourceBytes}.ReadFile(p)
	if err != nil {
		if _, serr := os.Lstat(p); errors.Is(serr, fs.ErrNotExist) {
			return nil, serr
		}
	}
	return b, err
}

// raw is a file's content as read, or why it could not be.
type raw struct {
	b   []byte
	err error
}

// Read returns a file's content (ReadFile), read once.
func (c *Cache) Read(p string) ([]byte, error) {
	if r, ok := c.raw.Load(p); ok {
		return r.(raw).b, r.(raw).err
	}
	b, err := ReadFile(p)
	r, _ := c.raw.LoadOrStore(p, raw{b, err})
	return r.(raw).b, r.(raw).err
}

func (c *Cache) read(p string) (string, bool) {
	b, err := c.Read(p)
	return string(b), err == nil
}

// Lines returns a file's lines (without their CR LF or LF), read once; nil
// when the file cannot be read or is larger than MaxSourceBytes.
func (c *Cache) Lines(p string) []string {
	if l, ok := c.text.Load(p); ok {
		return l.([]string)
	}
	var l []string
	if s, ok := c.read(p); ok {
		l = strings.Split(s, "\n")
		for i := range l {
			l[i] = strings.TrimSuffix(l[i], "\r")
		}
	}
	v, _ := c.text.LoadOrStore(p, l)
	return v.([]string)
}

// Template returns a template's lines (ParseTemplate), read once; nil
// when the file cannot be read.
func (c *Cache) Template(p string) []Line {
	if l, ok := c.tmpl.Load(p); ok {
		return l.([]Line)
	}
	var l []Line
	if s, ok := c.read(p); ok {
		l = ParseTemplate(s)
	}
	v, _ := c.tmpl.LoadOrStore(p, l)
	return v.([]Line)
}

// Values returns a values file, read and parsed once; nil when it cannot
// be read or is not a values document.
func (c *Cache) Values(p string) *Values {
	if v, ok := c.vals.Load(p); ok {
		return v.(*Values)
	}
	var vf *Values
	if s, ok := c.read(p); ok {
		vf, _ = ParseValues(p, []byte(s))
	}
	v, _ := c.vals.LoadOrStore(p, vf)
	return v.(*Values)
}
