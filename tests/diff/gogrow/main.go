// SPDX-License-Identifier: GPL-2.0-or-later
// gogrow: a Go program that starts quiet and, on SIGUSR1, allocates and
// writes GROW bytes of live heap in 1 MiB blocks, so the heap arena commits
// more of its reservation.  Prints what it did ("block ADDR" per block,
// "grew BYTES"), then "done".  The diff must read this as the arena growing,
// not as mappings vanishing and appearing.  GC is off, and before "ready"
// and "done" it prints runtime.ReadMemStats ("memstats {...}"): the truth
// for the MemStats fields a diff shows moving.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

const grow = 24 << 20

var keep [][]byte

// same: the fields a waiting process cannot change.
func same(a, b *runtime.MemStats) bool {
	return a.HeapSys == b.HeapSys && a.HeapInuse == b.HeapInuse &&
		a.HeapIdle == b.HeapIdle && a.HeapReleased == b.HeapReleased &&
		a.StackInuse == b.StackInuse && a.Sys == b.Sys && a.NumGC == b.NumGC
}

// printMemStats prints ReadMemStats once two reads around the marshalling
// agree (printing allocates).
func printMemStats() {
	var a, b runtime.MemStats
	var out []byte
	for i := 0; i < 100; i++ {
		runtime.ReadMemStats(&a)
		out, _ = json.Marshal(&a)
		runtime.ReadMemStats(&b)
		if same(&a, &b) {
			break
		}
	}
	fmt.Printf("memstats %s\n", out)
}

func main() {
	debug.SetGCPercent(-1)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	fmt.Printf("pid %d\n", os.Getpid())
	printMemStats()
	fmt.Printf("ready\n")
	for range sig {
		for i := 0; i < grow>>20; i++ {
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = byte(i + j)
			}
			keep = append(keep, b)
			fmt.Printf("block 0x%x\n", &b[0])
		}
		fmt.Printf("grew %d\n", grow)
		printMemStats()
		fmt.Printf("done\n")
	}
}
