// SPDX-License-Identifier: GPL-2.0-or-later
// goheap: the benchmark's big Go heap for the cost of the runtime's own
// accounting (memstats, metrics, the span walk): 1 GiB of 8 KiB objects,
// one one-page span each (131072 spans), GC off.  Fresh pages are never
// written (the runtime knows they are zero), so it costs address space
// and the span structures, not 1 GiB of RAM.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"time"
)

const objects = 131072

var keep [][]byte

func main() {
	debug.SetGCPercent(-1)
	keep = make([][]byte, 0, objects)
	for i := 0; i < objects; i++ {
		keep = append(keep, make([]byte, 8192))
	}
	fmt.Printf("pid %d\nready\n", os.Getpid())
	for {
		time.Sleep(time.Hour)
	}
}
