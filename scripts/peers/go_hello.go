// scripts/peers/go_hello.go — the peer server of scripts/go_peer.sh: Go's net/http serving the
// same answers as threadlab's http workload (GET / is "Hello, World!\n", any other path 404),
// on 127.0.0.1 and a port the kernel picks, which it prints on its first line. Not part of the
// build or the tests.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!\n"))
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "go_hello:", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	if err := http.Serve(l, nil); err != nil {
		fmt.Fprintln(os.Stderr, "go_hello:", err)
		os.Exit(1)
	}
}
