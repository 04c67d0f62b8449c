package mesh

import (
	"fmt"
	"sync"
)

// TreeURLs caches the client URLs of each chart tree a run reads
// (URLIndex.AddTree), so that lint and fix, which judge one chart at a time,
// both see the cross-chart evidence of the whole tree and read it once. It
// is safe for concurrent use (lint evaluates charts in parallel).
type TreeURLs struct {
	mu    sync.Mutex
	trees map[string]*treeEntry
}

type treeEntry struct {
	once sync.Once
	ix   *URLIndex
	err  error
}

// For returns the client URLs of the tree at root, reading it on first use.
func (c *TreeURLs) For(root string) (*URLIndex, error) {
	c.mu.Lock()
	if c.trees == nil {
		c.trees = map[string]*treeEntry{}
	}
	e := c.trees[root]
	if e == nil {
		e = &treeEntry{}
		c.trees[root] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		ix := NewURLIndex()
		if err := ix.AddTree(root); err != nil {
			e.err = fmt.Errorf("%s: %w", root, err)
			return
		}
		e.ix = ix
	})
	return e.ix, e.err
}
