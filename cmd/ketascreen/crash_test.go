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
	"github.com/ketascreen/ketascreen/internal/store"
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

func startServe(t *testing.T, db string) *proc {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "KETASCREEN_SECRET=crash-test-secret-crash-test-secret")
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
	ctx := []string{"prescribed", "not_prescribed", "both", "none_recent"}[n%4]
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if !shown {
			continue
		}
		switch {
		case it.ID == "use_context":
			a[it.ID] = []string{ctx}
		case it.Type == questionnaire.Multiple:
			a[it.ID] = []string{it.Options[n%len(it.Options)].Code}
		default:
			a[it.ID] = []string{it.Options[(n/3)%len(it.Options)].Code}
		}
	}
	return a
}

func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the real server several times")
	}
	cat, ps := questionnaire.Load(questionnaires.FS)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	q := cat.Latest("ketamine-selfcheck")
	db := filepath.Join(t.TempDir(), "k.db")
	var acked []string
	for round := range 4 {
		p := startServe(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 5 * time.Second}
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": answers(q, round*100000+w*1000+i)})
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/api/v1/questionnaires/ketamine-selfcheck/responses", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					res, err := client.Do(req)
					if err != nil {
						return // the server is gone
					}
					var out struct{ Token string }
					json.NewDecoder(res.Body).Decode(&out)
					res.Body.Close()
					if res.StatusCode == http.StatusCreated && out.Token != "" {
						mu.Lock()
						acked = append(acked, out.Token)
						mu.Unlock()
					} else if res.StatusCode != http.StatusCreated {
						t.Errorf("status %d under load", res.StatusCode)
						return
					}
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
	if len(acked) < 50 {
		t.Fatalf("only %d submissions acknowledged; the load did not run", len(acked))
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
		r, err := st.ResponseByToken(context.Background(), tok)
		if err != nil {
			t.Fatalf("acknowledged submission lost after kill -9: %v", err)
		}
		if _, err := cat.Version(r.Questionnaire, r.Version).Score(r.Answers); err != nil {
			t.Fatalf("stored answers no longer score: %v", err)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var rows, counted int
	raw.QueryRow("select count(*) from responses").Scan(&rows)
	raw.QueryRow("select coalesce(sum(n), 0) from counts where metric = 'responses' and period like '%-W%'").Scan(&counted)
	if rows != counted {
		t.Errorf("%d responses but the weekly counters say %d", rows, counted)
	}
	t.Logf("%d acknowledged over 4 crashes, %d stored", len(acked), rows)
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	cat, _ := questionnaire.Load(questionnaires.FS)
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
				body, _ := json.Marshal(map[string]any{"answers": answers(q, w*100+i)})
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
	time.Sleep(100 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve exited with %v after SIGTERM\n%s", err, p.log)
	}
	wg.Wait()
	if !strings.Contains(p.log.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", p.log)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var rows int
	raw.QueryRow("select count(*) from responses").Scan(&rows)
	if rows != acked {
		t.Errorf("%d acknowledged, %d stored", acked, rows)
	}
	t.Logf("%d acknowledged before and during shutdown, %d refused after it", acked, failed)
}
