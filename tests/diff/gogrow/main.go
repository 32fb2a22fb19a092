// SPDX-License-Identifier: GPL-2.0-or-later
// gogrow: a Go program that starts quiet and, on SIGUSR1, allocates and
// writes GROW bytes of live heap in 1 MiB blocks, so the heap arena commits
// more of its reservation.  Prints what it did ("block ADDR" per block,
// "grew BYTES"), then "done".  The diff must read this as the arena growing,
// not as mappings vanishing and appearing.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const grow = 24 << 20

var keep [][]byte

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	fmt.Printf("pid %d\nready\n", os.Getpid())
	for range sig {
		for i := 0; i < grow>>20; i++ {
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = byte(i + j)
			}
			keep = append(keep, b)
			fmt.Printf("block 0x%x\n", &b[0])
		}
		fmt.Printf("grew %d\ndone\n", grow)
	}
}
