package model

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rinsim/rinsim/internal/rng"
)

// BlockSize is the number of firms a worker takes at a time in the firm
// phases. Results do not depend on it, nor on the number of workers: every
// firm draws from its own stream, and what workers count is summed as
// integers.
const BlockSize = 4096

// MinFirmsPerWorker is the population below which an extra worker costs
// more in hand-offs than it saves: two blocks of firms each.
const MinFirmsPerWorker = 2 * BlockSize

// DefaultWorkers is the number of workers for a population of firms on
// this machine: one per CPU, but one per MinFirmsPerWorker firms at most,
// so the thesis scenario (310 SMEs) runs on one.
func DefaultWorkers(firms int) int {
	return max(1, min(runtime.GOMAXPROCS(0), firms/MinFirmsPerWorker))
}

// worker holds what one goroutine needs while updating firms: a generator it
// reseeds per firm, scratch space and its own counters, merged after each
// phase.
//
// Everything a worker writes in its inner loops lives inside the struct or in
// slices padded to whole cache lines, so two workers never write the same
// cache line (false sharing made two workers slower than one).
type worker struct {
	_       [cacheLine]byte
	src     rng.Counter
	r       *rand.Rand
	scratch []float64
	acc     [][2]Accum // per network; nil in network phases, which count into the network
	mkt     []MarketAcc
	present []int // firms at stage >= 1 per market, counted by Collect
	_       [cacheLine]byte
}

const cacheLine = 64

func newWorker(markets, networks int, ownAcc bool) *worker {
	wk := &worker{scratch: padded[float64](markets), mkt: padded[MarketAcc](markets), present: padded[int](markets)}
	wk.r = rand.New(&wk.src)
	if ownAcc {
		wk.acc = padded[[2]Accum](networks)
	}
	return wk
}

// padded makes a slice of n elements with a cache line of unused memory on
// each side.
func padded[T any](n int) []T {
	const pad = cacheLine // elements, at least a cache line of any T
	return make([]T, n+2*pad)[pad : pad+n : pad+n]
}

// stream reseeds the worker's generator for firm i under a phase's step key
// (rng.StepKey of the seed, the phase's stream kind and the step).
func (wk *worker) stream(w *World, i int, stepKey uint64) *rand.Rand {
	rng.ReseedKey(&wk.src, stepKey, w.Firms.Key[i])
	return wk.r
}

// counter is stream without the *rand.Rand wrapper, for the hot loops: its
// Float64 and IntN draw what rand.Rand would, without the interface call.
func (wk *worker) counter(w *World, i int, stepKey uint64) *rng.Counter {
	rng.ReseedKey(&wk.src, stepKey, w.Firms.Key[i])
	return &wk.src
}

// MarketAcc counts what happened in one foreign market this quarter.
type MarketAcc struct {
	Entries  int
	Contacts int
}

// pool runs a function over index ranges on a fixed set of goroutines. It
// allocates nothing per call, so stepping stays allocation-free.
type pool struct {
	tasks chan task
	wg    sync.WaitGroup
	next  atomic.Int64
}

type task struct {
	fn    func(wk *worker, lo, hi int)
	wk    *worker
	n, by int
}

func newPool(helpers int) *pool {
	p := &pool{tasks: make(chan task)}
	for range helpers {
		go func() {
			for t := range p.tasks {
				p.drain(t)
				p.wg.Done()
			}
		}()
	}
	return p
}

// run calls fn on chunks of [0, n) of size by, spread over the workers;
// workers[0] runs on the calling goroutine.
func (p *pool) run(workers []*worker, n, by int, fn func(wk *worker, lo, hi int)) {
	if p == nil || len(workers) == 1 {
		for lo := 0; lo < n; lo += by {
			fn(workers[0], lo, min(lo+by, n))
		}
		return
	}
	p.next.Store(0)
	p.wg.Add(len(workers) - 1)
	for _, wk := range workers[1:] {
		p.tasks <- task{fn: fn, wk: wk, n: n, by: by}
	}
	p.drain(task{fn: fn, wk: workers[0], n: n, by: by})
	p.wg.Wait()
}

func (p *pool) drain(t task) {
	for {
		lo := int(p.next.Add(int64(t.by))) - t.by
		if lo >= t.n {
			return
		}
		t.fn(t.wk, lo, min(lo+t.by, t.n))
	}
}

func (p *pool) close() {
	if p != nil {
		close(p.tasks)
	}
}
