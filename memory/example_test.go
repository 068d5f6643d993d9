package memory_test

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/scan"
)

// A run under a memory budget, as `pybatch analyze --max-memory 500MB` sets
// it up: the budget, the soft limit the program applies itself, batch sizes,
// then each file checked where it enters the run and admitted by its
// estimated cost before its bytes are read.
func Example() {
	budget, err := memory.ParseSize("500MB")
	if err != nil {
		panic(err) // a usage error
	}
	mm, err := memory.New(memory.Options{Budget: budget})
	if err != nil {
		panic(err)
	}

	// The library never changes the process's runtime settings: the
	// program applies the soft limit that suits the budget.
	if lim := mm.SoftLimit(); lim > 0 {
		prev := debug.SetMemoryLimit(lim)
		defer debug.SetMemoryLimit(prev)
	}
	fmt.Println("soft limit:", mm.SoftLimit())

	sizes := memory.BatchSizes(mm.Budget(), memory.SizingOptions{})
	fmt.Println("chunk:", sizes.ChunkFiles, "store batch:", sizes.StoreBatch)

	ctx := context.Background()
	for _, size := range []int64{40_000, 200_000_000} {
		// A file that can never fit is skipped without occupying a worker.
		if err := mm.Check(size); err != nil {
			fmt.Println(size, "skipped:", scan.SkipTooLargeForMemory, errors.Is(err, memory.ErrTooLarge))
			continue
		}
		// The worker waits for the file's cost before reading it, and
		// gives it back once the file's record is made.
		release, err := mm.AdmitSize(ctx, size)
		if err != nil {
			panic(err)
		}
		fmt.Println(size, "admitted, in flight:", mm.Stats().InFlight)
		release()
	}
	fmt.Printf("%+v\n", mm.Stats())
	// Output:
	// soft limit: 425000000
	// chunk: 1525 store batch: 1525
	// 40000 admitted, in flight: 611072
	// 200000000 skipped: too_large_for_memory true
	// {InFlight:0 PeakInFlight:611072 Waited:0 Refused:1 Capacity:238222784}
}
