// Package workpool runs independent jobs on a bounded number of goroutines.
package workpool

import (
	"runtime"
	"sync"
)

// Run calls f(0..n-1) on up to workers goroutines (default: the number of
// CPUs) and returns when all calls have returned.
func Run(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}
