// SPDX-License-Identifier: GPL-2.0-or-later
// The demo target: the seed write-ups' program, a Go HTTP hello server.
// It listens on 127.0.0.1 only and prints its PID and address.
package main

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/bar", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %q", html.EscapeString(r.URL.Path))
	})
	addr := "127.0.0.1:0"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
	fmt.Printf("pid %d\naddr %s\nready\n", os.Getpid(), ln.Addr())
	http.Serve(ln, nil)
}
