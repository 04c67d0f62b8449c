// Package workpool runs independent jobs on a bounded number of goroutines.
package workpool

import (
	"runtime"
	"sort"
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

// RunLargestFirst is Run with the jobs started in decreasing order of cost.
// A pool that meets its largest job last idles every other worker while it
// runs; starting the largest first (LPT scheduling) keeps that tail short.
func RunLargestFirst(cost []int64, workers int, f func(i int)) {
	order := make([]int, len(cost))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cost[order[a]] > cost[order[b]] })
	Run(len(order), workers, func(k int) { f(order[k]) })
}
