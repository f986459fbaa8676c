package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/ketascreen/ketascreen/internal/web"
)

// goStaticMain is a second anchor for pages, run as its own process: Go's own HTTP server
// (net/http, no router, no middleware, no log) sending the first page's bytes with the same
// headers as ketascreen, gzipped when asked. The distance from it to nginx is what Go's
// server costs; the distance from ketascreen to it is what ketascreen adds.
func goStaticMain(args []string) int {
	fs := flag.NewFlagSet("go-static", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder holding page.html and page.html.gz")
	if err := fs.Parse(args); err != nil || *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: loadtest go-static --dir DIR")
		return 2
	}
	plain, err := os.ReadFile(filepath.Join(*dir, "page.html"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	gz, err := os.ReadFile(filepath.Join(*dir, "page.html.gz"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("http://%s\n", ln.Addr())
	htmlType, vary, gzipped := []string{"text/html; charset=utf-8"}, []string{"Accept-Encoding"}, []string{"gzip"}
	plainLen, gzLen := []string{fmt.Sprint(len(plain))}, []string{fmt.Sprint(len(gz))}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		web.SetSecurityHeaders(h, false)
		h["Content-Type"], h["Vary"] = htmlType, vary
		body, length := plain, plainLen
		if web.AcceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, length = gz, gzLen
			h["Content-Encoding"] = gzipped
		}
		h["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	if err := http.Serve(ln, handler); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startGoStatic runs the Go anchor (on core 0 when pinned, like the server) on the page files
// nginx serves.
func startGoStatic(ctx context.Context, setup, dir string) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := pinned(setup, 0, self, "go-static", "--dir", filepath.Join(dir, "nginx"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, log: &bytes.Buffer{}}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var url string
	if _, err := fmt.Fscanln(out, &url); err != nil {
		p.stop()
		return nil, fmt.Errorf("the Go anchor did not start: %v\n%s", err, p.log)
	}
	p.url = url
	if err := waitHTTP(ctx, p.url+"/"); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}
