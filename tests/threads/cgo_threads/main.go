// SPDX-License-Identifier: GPL-2.0-or-later
// cgo_threads: a cgo program for test_cgo.py.  Four goroutines lock
// themselves to OS threads (each M is a pthread under cgo); from each, C
// reports the pthread's stack (pthread_getattr_np), its tid and a small and
// a large malloc.  Prints `thread TID - LOW SIZE GUARD 0`, `small TID PTR`,
// `large TID PTR SIZE`, then `ready`, and sleeps until killed.
package main

/*
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct report {
	long tid;
	void *low, *small, *large;
	size_t size, guard, large_size;
};

static int report(struct report *r)
{
	pthread_attr_t a;

	if (pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &r->low, &r->size) != 0 ||
	    pthread_attr_getguardsize(&a, &r->guard) != 0) {
		return -1;
	}
	pthread_attr_destroy(&a);
	r->tid = gettid();
	r->small = malloc(64);
	r->large_size = 300 * 1024;
	r->large = malloc(r->large_size);
	memset(r->large, 1, r->large_size);
	return 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// The main goroutine keeps m0 (whose stack is the kernel's [stack]), so the
// four goroutines get pthreads of their own.
func init() {
	runtime.LockOSThread()
}

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			runtime.LockOSThread()
			var r C.struct_report
			if C.report(&r) != 0 {
				fmt.Fprintln(os.Stderr, "cgo_threads: pthread_getattr_np failed")
				os.Exit(1)
			}
			mu.Lock()
			fmt.Printf("thread %d - %#x %d %d 0\n", r.tid, uintptr(r.low), r.size, r.guard)
			fmt.Printf("small %d %#x\n", r.tid, uintptr(r.small))
			fmt.Printf("large %d %#x %d\n", r.tid, uintptr(r.large), r.large_size)
			mu.Unlock()
			wg.Done()
			select {}
		}()
	}
	wg.Wait()
	fmt.Printf("pid %d\n", os.Getpid())
	fmt.Println("ready")
	for {
		time.Sleep(time.Hour)
	}
}
