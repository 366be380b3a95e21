// scripts/peers/go_hotpaths.go — the Go peer of scripts/go_hotpaths.sh: threadlab's scheduler
// hot-path workloads (bench/workloads/{yield,pingpong,spawn_join,ring,pipeline,skynet,mutex}.hpp)
// written with goroutines, channels and sync.Mutex, each doing, sizing, timing and checking what
// its C++ header describes, with GOMAXPROCS in the role of the workers. Not part of the build or
// the tests.
//
// Usage: GOMAXPROCS=N go_hotpaths [-workload LIST] [-reps R] [-scale F] [-sizes]
//
//	-workload  comma separated workloads (default: all seven, in the order above)
//	-reps      measured repetitions per workload (default 7), after 1 discarded warm-up
//	-scale     multiplies every default size (default 1; for quick checks only: skynet's size is
//	           rounded down to a power of 10, every size is at least the workload's minimum)
//	-sizes     runs nothing; prints "workload size" per selected workload (for threadlab's --size)
//
// Prints one JSON line per workload:
//
//	{"workload":"yield","metric":"ns_per_yield","median":...,"samples":[...],"size":...,"workers":N}
//
// "median" is the mean of the two middle samples for an even count, as threadlab's. A wrong result
// prints "go_hotpaths: <what>: expected X, got Y" on stderr and exits 1; bad usage exits 2.
//
// Between repetitions (untimed) the program calls runtime.GC(), so that one repetition's garbage
// (skynet's million goroutines) is not collected on the next one's clock; threadlab likewise
// starts every repetition with a fresh M::run. A collection inside a repetition is Go's own
// cost and stays in the figure.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// workload — one hot path: its name, headline metric, default size (the C++ default_size), the
// smallest size it accepts, and run(size), which returns the headline figure of one repetition
// (it exits through fail on a wrong result).
type workload struct {
	name        string
	metric      string
	defaultSize uint64
	minSize     func() uint64
	run         func(size uint64) float64
}

var workers int // runtime.GOMAXPROCS(0): the workers of threadlab's multicore models

func one() uint64 { return 1 }

func fail(what string, expected, got uint64) {
	fmt.Fprintf(os.Stderr, "go_hotpaths: %s: expected %d, got %d\n", what, expected, got)
	os.Exit(1)
}

func expectEqual(what string, expected, got uint64) {
	if expected != got {
		fail(what, expected, got)
	}
}

func nsSince(start time.Time) float64 { return float64(time.Since(start).Nanoseconds()) }

// yield — 2 x workers goroutines each call runtime.Gosched `size` times. Timed: before the first
// spawn to after the last join. ns_per_yield = wall time x cores / yields, cores = workers.
func yieldRun(size uint64) float64 {
	cores := workers
	threads := 2 * cores
	counts := make([]uint64, threads)
	var group sync.WaitGroup
	start := time.Now()
	for t := 0; t < threads; t++ {
		group.Add(1)
		go func(t int) {
			defer group.Done()
			var done uint64
			for i := uint64(0); i < size; i++ {
				runtime.Gosched()
				done++
			}
			counts[t] = done
		}(t)
	}
	group.Wait()
	total := nsSince(start)
	for t := 0; t < threads; t++ {
		expectEqual(fmt.Sprintf("yield: yields of thread %d", t), size, counts[t])
	}
	return total * float64(cores) / float64(uint64(threads)*size)
}

// pingpong — the body (ping) and one goroutine (pong) over two channels of capacity 1, `size`
// round trips. Timed: from just after the spawn to the last reply. ns_per_switch = time / (2 x
// size).
func pingpongRun(size uint64) float64 {
	toPong := make(chan uint64, 1)
	toPing := make(chan uint64, 1)
	var pongSeen uint64
	pongDone := make(chan struct{})
	go func() {
		var seen uint64
		for v := range toPong {
			seen++
			toPing <- v + 1
		}
		pongSeen = seen
		close(pongDone)
	}()
	start := time.Now()
	badIndex, badValue := size, uint64(0)
	for i := uint64(0); i < size; i++ {
		toPong <- i
		if reply := <-toPing; reply != i+1 {
			badIndex, badValue = i, reply
			break
		}
	}
	total := nsSince(start)
	// Closing ends pong's loop (every reply has been taken, so pong is waiting on toPong).
	close(toPong)
	<-pongDone
	if badIndex != size {
		fail(fmt.Sprintf("pingpong: reply to message %d", badIndex), badIndex+1, badValue)
	}
	expectEqual("pingpong: messages seen by pong", size, pongSeen)
	return total / float64(2*size)
}

// spawn_join — `size` goroutines in batches of 100, each writing its index + 1 into its own
// slot; each batch joined one goroutine at a time in spawn order, then checked (inside the
// timed region, as the C++). The join is a per-goroutine done channel, not a WaitGroup per
// batch: a receive on goroutine k's own channel waits for that goroutine alone, as join() does,
// and orders its write before the check. The 100 channels (capacity 1, one token per goroutine)
// are made once and reused by every batch, as threadlab's thread_group keeps its handles; the
// goroutine sends its token as its last act. Timed: the C++'s pass 1 (bare), from the first
// spawn to the last join; its instrumented pass 2 feeds only the latency percentiles, not the
// headline, and has no peer here. ns_per_thread = time / size.
const spawnBatch = 100

func spawnJoinRun(size uint64) float64 {
	batch := uint64(spawnBatch)
	if size < batch {
		batch = size
	}
	values := make([]uint64, size)
	done := make([]chan struct{}, batch)
	for k := range done {
		done[k] = make(chan struct{}, 1)
	}
	start := time.Now()
	for first := uint64(0); first < size; first += batch {
		count := batch
		if size-first < count {
			count = size - first
		}
		for k := uint64(0); k < count; k++ {
			slot, value, mine := &values[first+k], first+k+1, done[k]
			go func() {
				*slot = value
				mine <- struct{}{}
			}()
		}
		for k := uint64(0); k < count; k++ {
			<-done[k]
		}
		for i := first; i < first+count; i++ {
			if values[i] != i+1 {
				fail(fmt.Sprintf("spawn_join: value written by thread %d", i), i+1, values[i])
			}
		}
	}
	total := nsSince(start)
	return total / float64(size)
}

// ring — 100 goroutines, each with an inbox channel of capacity 1; the token carries the hops
// left; the member that receives 0 reports its index on `done` (capacity 1). Timed: from putting
// the token in to the report (spawns and joins not counted). ns_per_hop = time / size.
const ringSize = 100

func ringRun(size uint64) float64 {
	members := uint64(ringSize)
	inboxes := make([]chan uint64, members)
	for i := range inboxes {
		inboxes[i] = make(chan uint64, 1)
	}
	done := make(chan uint64, 1)
	forwarded := make([]uint64, members)
	var group sync.WaitGroup
	for i := uint64(0); i < members; i++ {
		group.Add(1)
		go func(i uint64) {
			defer group.Done()
			inbox, next := inboxes[i], inboxes[(i+1)%members]
			var hops uint64
			for left := range inbox {
				if left == 0 {
					done <- i
					continue
				}
				hops++
				next <- left - 1
			}
			forwarded[i] = hops
		}(i)
	}
	start := time.Now()
	inboxes[0] <- size
	stoppedAt := <-done
	total := nsSince(start)
	// The token is gone: no member is sending, so every inbox can be closed; that ends each loop.
	for _, inbox := range inboxes {
		close(inbox)
	}
	group.Wait()
	var totalHops uint64
	for _, h := range forwarded {
		totalHops += h
	}
	expectEqual("ring: hops forwarded", size, totalHops)
	expectEqual("ring: member holding the token at the end", size%members, stoppedAt)
	return total / float64(size)
}

// pipeline — producer -> 4 transforms -> consumer (the body) over 5 channels of capacity 64.
// Timed: before the first spawn to after the last join. ns_per_message = time / size.
const (
	pipelineTransforms = 4
	pipelineCapacity   = 64
)

func pipelineStep(stage, x uint64) uint64 {
	return x*6364136223846793005 + 1442695040888963407 + stage
}

func pipelineExpected(index uint64) uint64 {
	for stage := uint64(0); stage < pipelineTransforms; stage++ {
		index = pipelineStep(stage, index)
	}
	return index
}

func pipelineRun(size uint64) float64 {
	var expectedSum uint64
	for i := uint64(0); i < size; i++ {
		expectedSum += pipelineExpected(i)
	}
	var links [pipelineTransforms + 1]chan uint64
	for k := range links {
		links[k] = make(chan uint64, pipelineCapacity)
	}
	var received, sum uint64
	firstWrong, wrongValue := size, uint64(0)
	var group sync.WaitGroup

	start := time.Now()
	group.Add(1)
	go func() {
		defer group.Done()
		out := links[0]
		for i := uint64(0); i < size; i++ {
			out <- i
		}
		close(out)
	}()
	for stage := uint64(0); stage < pipelineTransforms; stage++ {
		group.Add(1)
		go func(stage uint64) {
			defer group.Done()
			in, out := links[stage], links[stage+1]
			for v := range in {
				out <- pipelineStep(stage, v)
			}
			close(out)
		}(stage)
	}
	for v := range links[pipelineTransforms] {
		if firstWrong == size && received < size && v != pipelineExpected(received) {
			firstWrong, wrongValue = received, v
		}
		sum += v
		received++
	}
	group.Wait()
	total := nsSince(start)

	expectEqual("pipeline: messages received", size, received)
	if firstWrong != size {
		fail(fmt.Sprintf("pipeline: value of message %d", firstWrong), pipelineExpected(firstWrong),
			wrongValue)
	}
	expectEqual("pipeline: sum of received values", expectedSum, sum)
	return total / float64(size)
}

// skynet — a 10-ary tree of goroutines over `size` leaves (1,111,110 goroutines for 1,000,000);
// a node spawns its 10 children, each of which sends its subtree's sum on the node's channel
// (capacity 10), and sums the 10 values it receives. Timed: the whole tree, called on the body.
// ns_per_leaf = time / leaves.
const skynetFanOut = 10

func skynetNode(first, leaves uint64) uint64 {
	if leaves == 1 {
		return first
	}
	childLeaves := leaves / skynetFanOut
	results := make(chan uint64, skynetFanOut)
	for i := uint64(0); i < skynetFanOut; i++ {
		go func(childFirst uint64) {
			results <- skynetNode(childFirst, childLeaves)
		}(first + i*childLeaves)
	}
	var sum uint64
	for i := 0; i < skynetFanOut; i++ {
		sum += <-results
	}
	return sum
}

func isPowerOfTen(n uint64) bool {
	if n == 0 {
		return false
	}
	for n%skynetFanOut == 0 {
		n /= skynetFanOut
	}
	return n == 1
}

func skynetRun(leaves uint64) float64 {
	start := time.Now()
	sum := skynetNode(0, leaves)
	total := nsSince(start)
	expectEqual("skynet: sum of leaf indices", leaves*(leaves-1)/2, sum)
	return total / float64(leaves)
}

// mutex — T = max(4, 2 x workers) goroutines each lock one sync.Mutex, increment a plain
// counter and unlock, size / T times. Timed: before the first spawn to after the last join.
// ns_per_lock = time / (T x (size / T)).
func mutexThreads() uint64 {
	t := uint64(2 * workers)
	if t < 4 {
		t = 4
	}
	return t
}

func mutexRun(size uint64) float64 {
	threads := mutexThreads()
	perThread := size / threads
	sections := perThread * threads
	var lock sync.Mutex
	var counter uint64 // written only under lock
	var group sync.WaitGroup
	start := time.Now()
	for t := uint64(0); t < threads; t++ {
		group.Add(1)
		go func() {
			defer group.Done()
			for i := uint64(0); i < perThread; i++ {
				lock.Lock()
				counter++
				lock.Unlock()
			}
		}()
	}
	group.Wait()
	total := nsSince(start)
	expectEqual("mutex: counter", sections, counter)
	return total / float64(sections)
}

var workloads = []workload{
	{"yield", "ns_per_yield", 100_000, one, yieldRun},
	{"pingpong", "ns_per_switch", 20_000, one, pingpongRun},
	{"spawn_join", "ns_per_thread", 10_000, one, spawnJoinRun},
	{"ring", "ns_per_hop", 20_000, one, ringRun},
	{"pipeline", "ns_per_message", 100_000, one, pipelineRun},
	{"skynet", "ns_per_leaf", 1_000_000, one, skynetRun},
	{"mutex", "ns_per_lock", 200_000, mutexThreads, mutexRun},
}

// scaledSize(w, scale) — w's default size times scale, at least its minimum; for skynet, the
// largest power of 10 not above that.
func scaledSize(w workload, scale float64) uint64 {
	size := uint64(math.Round(float64(w.defaultSize) * scale))
	if min := w.minSize(); size < min {
		size = min
	}
	if w.name == "skynet" {
		p := uint64(1)
		for p*skynetFanOut <= size {
			p *= skynetFanOut
		}
		size = p
	}
	return size
}

func median(values []float64) float64 {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

type result struct {
	Workload string    `json:"workload"`
	Metric   string    `json:"metric"`
	Median   float64   `json:"median"`
	Samples  []float64 `json:"samples"`
	Size     uint64    `json:"size"`
	Workers  int       `json:"workers"`
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "go_hotpaths:", msg)
	os.Exit(2)
}

func main() {
	names := flag.String("workload", "", "comma separated workloads (default: all)")
	reps := flag.Int("reps", 7, "measured repetitions per workload, after 1 warm-up")
	scale := flag.Float64("scale", 1, "multiplies every default size (quick checks only)")
	sizesOnly := flag.Bool("sizes", false, "print each selected workload's size and exit")
	flag.Parse()
	if flag.NArg() != 0 {
		usage("unexpected argument " + flag.Arg(0))
	}
	if *reps < 1 {
		usage("-reps must be at least 1")
	}
	if !(*scale > 0) {
		usage("-scale must be positive")
	}
	workers = runtime.GOMAXPROCS(0)

	selected := workloads
	if *names != "" {
		selected = nil
		for _, name := range strings.Split(*names, ",") {
			found := false
			for _, w := range workloads {
				if w.name == name {
					selected, found = append(selected, w), true
				}
			}
			if !found {
				usage("unknown workload " + name)
			}
		}
	}

	out := json.NewEncoder(os.Stdout)
	for _, w := range selected {
		size := scaledSize(w, *scale)
		if w.name == "skynet" && !isPowerOfTen(size) {
			usage(fmt.Sprintf("skynet: size must be a power of 10, got %d", size))
		}
		if *sizesOnly {
			fmt.Println(w.name, size)
			continue
		}
		samples := make([]float64, 0, *reps)
		for rep := -1; rep < *reps; rep++ { // rep -1: the warm-up, discarded
			runtime.GC()
			figure := w.run(size)
			if rep >= 0 {
				samples = append(samples, figure)
			}
		}
		if err := out.Encode(result{w.name, w.metric, median(samples), samples, size, workers}); err != nil {
			fmt.Fprintln(os.Stderr, "go_hotpaths:", err)
			os.Exit(1)
		}
	}
}
