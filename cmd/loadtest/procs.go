package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ketascreen/ketascreen/internal/web"
)

// proc is a process the run started: the server, nginx or the SQLite loop.
type proc struct {
	cmd *exec.Cmd
	log *output
	url string
}

// output is a process's output as it comes, safe to read while the process writes it.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// Bytes is a copy of the output so far.
func (o *output) Bytes() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return bytes.Clone(o.buf.Bytes())
}

func (o *output) String() string { return string(o.Bytes()) }

// pinned runs a command on one core when the setup says so.
func pinned(setup string, core int, name string, args ...string) *exec.Cmd {
	if setup == "pinned" {
		return exec.Command("taskset", append([]string{"-c", strconv.Itoa(core), name}, args...)...)
	}
	return exec.Command(name, args...)
}

var servingRE = regexp.MustCompile(`serving on (http://[0-9.:]+)`)

// startServer starts ketascreen serve on a database and waits until it answers.
func startServer(ctx context.Context, bin, setup, db string, extra ...string) (*proc, error) {
	if profilerAddr != "" {
		extra = append(extra, "--pprof-addr", profilerAddr)
	}
	cmd := pinned(setup, 0, bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, extra...)...)
	cmd.Env = append(os.Environ(), "KETASCREEN_SECRET="+loadSecret)
	return startAnnounced(ctx, cmd, "ketascreen", "/healthz", func(line string) string {
		if m := servingRE.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		return ""
	})
}

// startAnnounced starts a server that prints a line holding its address first (urlOf finds the
// address in it, or gives ""), and waits until health answers there.
func startAnnounced(ctx context.Context, cmd *exec.Cmd, what, health string, urlOf func(line string) string) (*proc, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, log: &output{}}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := bufio.NewReader(out)
	line, err := lines.ReadString('\n')
	p.url = urlOf(line)
	if err != nil || p.url == "" {
		p.stop()
		return nil, fmt.Errorf("%s did not start: %q %v\n%s", what, line, err, p.log)
	}
	go io.Copy(io.Discard, lines)
	if err := waitHTTP(ctx, p.url+health); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// startNginx serves the page at path with one worker, its access log off, on a free port, and
// its gzipped bytes to a client that accepts them.
func startNginx(ctx context.Context, setup, dir, path string, body, gz []byte) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// nginx's worker runs as another user when started as root: it must be able to read the page.
	root := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(filepath.Join(root, "logs"), 0o755); err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	page := filepath.Join(root, "page.html")
	if err := os.WriteFile(page, body, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(page+".gz", gz, 0o644); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log crit;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path %[1]s/tmp;
    proxy_temp_path %[1]s/tmp;
    fastcgi_temp_path %[1]s/tmp;
    uwsgi_temp_path %[1]s/tmp;
    scgi_temp_path %[1]s/tmp;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:%[2]d;
        location = %[3]s {
            default_type "text/html; charset=utf-8";
            alias %[4]s;
            gzip_static on;
            gzip_vary on;
%[5]s        }
    }
}
`, root, port, path, page, nginxHeaders())
	cf := filepath.Join(root, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := pinned(setup, 0, "nginx", "-c", cf, "-p", root)
	p := &proc{cmd: cmd, log: &output{}, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, p.url+path); err != nil {
		p.stop()
		return nil, fmt.Errorf("%w\n%s", err, p.log)
	}
	return p, nil
}

func (p *proc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(25 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// pid is the measured process: taskset execs the command, so it is the same process.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// cpuTime is the user and system CPU a process and its children (nginx's worker) have used.
func cpuTime(pid int) (time.Duration, error) {
	total, _, err := procCPU(pid)
	if err != nil {
		return 0, err
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if t, ppid, err := procCPU(child); err == nil && ppid == pid {
			total += t
		}
	}
	return total, nil
}

// procCPU is one process's user and system CPU, and its parent.
func procCPU(pid int) (time.Duration, int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, ppid, nil
}

// peakRSS is the process's peak resident size (VmHWM), in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 in 30 s (last: %v)", url, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ensureTools checks for wrk, nginx and taskset, installing wrk and nginx from Debian's
// packages when they are missing and this runs as root.
func ensureTools() error {
	var missing []string
	for cmd, pkg := range map[string]string{"wrk": "wrk", "nginx": "nginx-light", "taskset": "util-linux"} {
		if _, err := exec.LookPath(cmd); err != nil {
			missing = append(missing, pkg)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("missing %s: install them (apt-get install %s)", strings.Join(missing, ", "), strings.Join(missing, " "))
	}
	for _, args := range [][]string{{"update", "-qq"}, append([]string{"install", "-y", "-qq", "--no-install-recommends"}, missing...)} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", args[0], err, out)
		}
	}
	return nil
}

// buildKetascreen builds the binary of this checkout.
func buildKetascreen(dir string) (string, error) {
	bin := filepath.Join(dir, "ketascreen")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/ketascreen").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// loadSecret is the server secret of every server and command the run starts.
const loadSecret = "loadtest-secret-loadtest-secret-loadtest"

// nginxHeaders are add_header lines for the headers ketascreen sends with every page (its
// security headers and Cache-Control), so nginx writes as much header as ketascreen does.
func nginxHeaders() string {
	h := http.Header{}
	web.SetSecurityHeaders(h, false)
	keys := slices.Sorted(maps.Keys(h))
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "            add_header %s %q always;\n", k, h.Get(k))
	}
	return b.String()
}
