package workpool

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunLargestFirst(t *testing.T) {
	cases := []struct {
		name string
		cost []int64
		want []int // start order with one worker
	}{
		{"empty", nil, nil},
		{"one", []int64{5}, []int{0}},
		{"largest first", []int64{1, 30, 2, 30, 7}, []int{1, 3, 4, 2, 0}},
		{"ties keep input order", []int64{0, 0, 0}, []int{0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			RunLargestFirst(c.cost, 1, func(i int) { got = append(got, i) })
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("start order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunCallsEachJobOnce(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 50} {
		var mu sync.Mutex
		seen := map[int]int{}
		RunLargestFirst(make([]int64, 20), workers, func(i int) {
			mu.Lock()
			seen[i]++
			mu.Unlock()
		})
		if len(seen) != 20 {
			t.Fatalf("workers=%d: %d distinct jobs ran, want 20", workers, len(seen))
		}
		for i, n := range seen {
			if n != 1 {
				t.Errorf("workers=%d: job %d ran %d times", workers, i, n)
			}
		}
	}
}
