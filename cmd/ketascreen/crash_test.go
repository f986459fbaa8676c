package main_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/internal/testtool"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// buildBinary compiles ketascreen once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ketascreen-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ketascreen")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is a running ketascreen serve.
type proc struct {
	cmd *exec.Cmd
	url string
	log *bytes.Buffer
}

var servingRE = regexp.MustCompile(`serving on (http://[0-9.:]+)`)

// startServe starts the real binary on a database, with a secret given in the environment.
func startServe(t *testing.T, db string) *proc {
	t.Helper()
	return startServeEnv(t, db, "KETASCREEN_SECRET=crash-test-secret-crash-test-secret")
}

// startServeEnv starts the real binary with more environment variables (and only those of
// the test's own environment that are not ketascreen's).
func startServeEnv(t *testing.T, db string, env ...string) *proc {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KETASCREEN_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, log: &bytes.Buffer{}}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := servingRE.FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("serve did not start: %q %v\n%s", line, err, p.log)
	}
	go io.Copy(io.Discard, stdout)
	p.url = m[1]
	return p
}

// answers is a valid, complete set of answers for the shipped self-check, varied by n.
func answers(q *questionnaire.Questionnaire, n int) questionnaire.Answers {
	return testtool.Answers(q, n)
}

func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the real server several times")
	}
	storetest.Run(t, testCrashLosesNothingAcknowledged)
}

func testCrashLosesNothingAcknowledged(t *testing.T, b storetest.Backend) {
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatal(err)
	}
	q := cat.Latest("ketamine-selfcheck")
	db := b.New(t)
	var acked []string
	viaForms, cut := 0, 0
	noRedirect := &http.Client{Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for round := range 4 {
		p := startServe(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half the clients use the JSON API (201), half the web form's last step (303).
				viaForm := w%2 == 1
				for i := 0; ctx.Err() == nil; i++ {
					a := answers(q, round*100000+w*1000+i)
					var req *http.Request
					if viaForm {
						req, _ = http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/q/ketamine-selfcheck?lang=en",
							strings.NewReader(testtool.LastStepForm(q, a, "us").Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					} else {
						body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": a})
						req, _ = http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/api/v1/questionnaires/ketamine-selfcheck/responses", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
					}
					res, err := noRedirect.Do(req)
					if err != nil {
						return // the server is gone
					}
					// A 201's token is in its body: the kill can cut the body short, and a reply
					// not read whole is not an acknowledgement the client could rely on.
					var out struct{ Token string }
					body, readErr := io.ReadAll(res.Body)
					res.Body.Close()
					if !viaForm && res.StatusCode == http.StatusCreated {
						if readErr != nil || json.Unmarshal(body, &out) != nil || out.Token == "" {
							mu.Lock()
							cut++
							mu.Unlock()
							return
						}
					}
					if viaForm && res.StatusCode == http.StatusSeeOther {
						loc := res.Header.Get("Location")
						out.Token = strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
						if out.Token == loc {
							t.Errorf("303 to %q", loc)
							return
						}
					}
					if want := map[bool]int{false: http.StatusCreated, true: http.StatusSeeOther}[viaForm]; res.StatusCode != want {
						t.Errorf("status %d under load, want %d", res.StatusCode, want)
						return
					}
					mu.Lock()
					acked = append(acked, out.Token)
					if viaForm {
						viaForms++
					}
					mu.Unlock()
				}
			}()
		}
		// Kill at a random moment while writes are in flight.
		time.Sleep(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
		cancel()
		wg.Wait()
	}
	if len(acked) < 50 || viaForms < 10 {
		t.Fatalf("only %d submissions acknowledged (%d by the form); the load did not run", len(acked), viaForms)
	}

	// Every acknowledged submission is there, readable and scorable, after the crashes.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tok := range acked {
		r, err := responsedb.New(st).ResponseByToken(context.Background(), tok)
		if err != nil {
			t.Fatalf("acknowledged submission lost after kill -9: %v", err)
		}
		if _, err := cat.Version(r.Questionnaire, r.Version).Score(r.Answers); err != nil {
			t.Fatalf("stored answers no longer score: %v", err)
		}
	}
	var rows int
	storetest.Raw(t, db).QueryRow("select count(*) from responses").Scan(&rows)
	// A submission writes its row and nothing else: statistics are made from rows later.
	for _, table := range storetest.Tables(t, db) {
		if strings.Contains(table, "count") {
			t.Errorf("a counter table (%s) next to %d responses", table, rows)
		}
	}
	t.Logf("%d acknowledged over 4 crashes (%d by the web form), %d stored; %d replies cut short by a kill", len(acked), viaForms, rows, cut)
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	cat, _ := catalog.Load(questionnaires.FS)
	q := cat.Latest("ketamine-selfcheck")
	db := filepath.Join(t.TempDir(), "k.db")
	p := startServe(t, db)
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked, failed := 0, 0
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				body, _ := json.Marshal(map[string]any{"region": "uk", "answers": answers(q, w*100+i)})
				res, err := http.Post(p.url+"/api/v1/questionnaires/ketamine-selfcheck/responses", "application/json", bytes.NewReader(body))
				mu.Lock()
				if err != nil {
					failed++
				} else {
					if res.StatusCode == http.StatusCreated {
						acked++
					} else {
						t.Errorf("status %d during shutdown", res.StatusCode)
					}
					res.Body.Close()
				}
				mu.Unlock()
			}
		}()
	}
	// One submission is surely in flight when the signal comes: its headers and half its body
	// are sent first, the rest only after SIGTERM.
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body, _ := json.Marshal(map[string]any{"region": "uk", "answers": answers(q, 7)})
	fmt.Fprintf(conn, "POST /api/v1/questionnaires/ketamine-selfcheck/responses HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	conn.Write(body[:len(body)/2])
	time.Sleep(100 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	conn.Write(body[len(body)/2:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the submission in flight at SIGTERM got no reply: %v\n%s", err, p.log)
	}
	var inFlight struct{ Token string }
	json.NewDecoder(res.Body).Decode(&inFlight)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || inFlight.Token == "" {
		t.Fatalf("the submission in flight at SIGTERM: status %d, token %q", res.StatusCode, inFlight.Token)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve exited with %v after SIGTERM\n%s", err, p.log)
	}
	wg.Wait()
	acked++ // the one in flight
	if acked < 2 {
		t.Fatalf("only %d submissions acknowledged: the load did not run", acked)
	}
	if !strings.Contains(p.log.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", p.log)
	}
	// The binary's own log says when nothing happened: no time on any line, no client address.
	if !strings.Contains(p.log.String(), "route=/api/v1/questionnaires/:id/responses") {
		t.Errorf("no request lines in the log:\n%.2000s", p.log)
	}
	if m := regexp.MustCompile(`time=|\d\d:\d\d:\d\d|127\.0\.0\.1:\d+ |Go-http-client`).FindString(p.log.String()); m != "" {
		t.Errorf("the log holds %q:\n%.2000s", m, p.log)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var rows int
	raw.QueryRow("select count(*) from responses").Scan(&rows)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := responsedb.New(st).ResponseByToken(context.Background(), inFlight.Token); err != nil {
		t.Errorf("the submission in flight at SIGTERM was acknowledged but not stored: %v", err)
	}
	if rows != acked {
		t.Errorf("%d acknowledged, %d stored", acked, rows)
	}
	t.Logf("%d acknowledged before and during shutdown, %d refused after it", acked, failed)
}
