package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// heldRequest is one request of a held burst: a form POST.
type heldRequest struct {
	path   string
	form   url.Values
	cookie string // a Cookie header, if any
}

// heldResult is the answer to one request of a held burst.
type heldResult struct {
	status int
	header http.Header
	body   string
}

// heldBurst sends requests the way an attacker holding them open does: a connection each, the
// headers and all of the body but its last byte sent on every one, then, once every
// connection has got that far and the server has started each handler (which then waits for
// the rest of its body), every last byte at once. It returns the answers in order.
func heldBurst(t *testing.T, base string, reqs []heldRequest) []heldResult {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conns := make([]net.Conn, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	dial := make(chan struct{}, 50) // a listen queue is finite
	for i, r := range reqs {
		wg.Go(func() {
			dial <- struct{}{}
			defer func() { <-dial }()
			body := r.form.Encode()
			var head strings.Builder
			fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
				"Content-Length: %d\r\nConnection: close\r\n", r.path, host, len(body))
			if r.cookie != "" {
				fmt.Fprintf(&head, "Cookie: %s\r\n", r.cookie)
			}
			head.WriteString("\r\n")
			head.WriteString(body[:len(body)-1])
			c, err := net.DialTimeout("tcp", host, 10*time.Second)
			if err != nil {
				errs[i] = err
				return
			}
			conns[i] = c
			c.SetDeadline(time.Now().Add(3 * time.Minute))
			_, errs[i] = io.WriteString(c, head.String())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			closeAll(conns)
			t.Fatalf("held request %d: %v", i, err)
		}
	}
	// Every handler has its headers by now and waits in its body; a moment more makes sure.
	time.Sleep(300 * time.Millisecond)
	out := make([]heldResult, len(reqs))
	start := make(chan struct{})
	for i, r := range reqs {
		wg.Go(func() {
			defer conns[i].Close()
			body := r.form.Encode()
			<-start
			if _, err := io.WriteString(conns[i], body[len(body)-1:]); err != nil {
				errs[i] = err
				return
			}
			res, err := http.ReadResponse(bufio.NewReader(conns[i]), nil)
			if err != nil {
				errs[i] = err
				return
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			out[i], errs[i] = heldResult{res.StatusCode, res.Header, string(b)}, err
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("held request %d: %v", i, err)
		}
	}
	return out
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// statuses counts the answers of a burst by status.
func statuses(rs []heldResult) map[int]int {
	n := map[int]int{}
	for _, r := range rs {
		n[r.status]++
	}
	return n
}

// retryAfters are the distinct Retry-After values of a burst's 429s; a 429 without one fails.
func retryAfters(t *testing.T, rs []heldResult) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, r := range rs {
		if r.status != http.StatusTooManyRequests {
			continue
		}
		v := r.header.Get("Retry-After")
		if v == "" {
			t.Fatalf("a 429 without Retry-After: %v", r.header)
		}
		n[v]++
	}
	return n
}
