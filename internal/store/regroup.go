package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// On PostgreSQL a response's random id does not hide when it came. Every row carries the id of
// the transaction that wrote it (xmin, readable by "select xmin, * from responses"), and those
// ids grow with time; and a table's rows are stored, and read back by a plain select or by
// pg_dump, in the order they were written. Either gives the order of submissions, which with a
// proxy's log (exact times and addresses) would undo the day-only rule.
//
// So the store rewrites new rows together, as SQLite's writer empties its WAL: it keeps the ids
// of the rows it stored since the last group was closed (the open group, at most maxGroup), and
// rewrites them all in one transaction, one by one in the order of their ids, once the store
// has been idle for a moment. Under a steady flow it rewrites each run of `every` new rows
// together instead, and the whole group once it is full, then starts a new one. The rewritten
// rows share one transaction id and are stored anew in an order that is not arrival's, so a
// reader learns which group a response belongs to, and the exact order only of the rows since
// the last rewrite. Each row is rewritten a bounded number of times (at most maxGroup with one
// submission per idle moment, the quiet case; about twice under load).
//
// Share codes and deleted tokens are rows a person's action writes too, and SQLite keeps them in
// the order of their random keys (a random id, a token's hash): on PostgreSQL they join the same
// groups (RegroupRow), rewritten in the same transactions as the responses.
//
// What this cannot reach: the dead copies of rewritten rows stay in the table's files until
// VACUUM, and PostgreSQL's WAL (and any archive of it) keeps every change with its commit time.
// docs/operations.md says how to treat them.

// regroupPolicy says when new rows are rewritten together.
type regroupPolicy struct {
	idle     time.Duration // after this long without a submission: the whole open group
	every    int           // or once this many rows wait: those rows
	maxGroup int           // a group this large is rewritten a last time and closed
}

var defaultRegroup = regroupPolicy{idle: 250 * time.Millisecond, every: 16, maxGroup: 128}

// regrouped is a row of a table whose rows are regrouped: its table and its key.
type regrouped struct {
	table string
	key   any
}

// regroupSQL rewrites one row of each table whose rows are regrouped, by its key.
var regroupSQL = map[string]string{
	"responses":      `/* Store.regroup */ update responses set day = day where id = ?`,
	"share_codes":    `/* Store.regroup */ update share_codes set expires_on = expires_on where id = ?`,
	"deleted_tokens": `/* Store.regroup */ update deleted_tokens set day = day where token_hash = ?`,
}

// sortKey orders a group's rows by table, then by their random keys.
func (r regrouped) sortKey() string {
	switch k := r.key.(type) {
	case []byte:
		return r.table + "\x00" + string(k)
	case int64:
		return r.table + "\x00" + strconv.FormatInt(k, 16)
	default:
		return r.table + "\x00" + fmt.Sprint(k)
	}
}

type regrouper struct {
	s      *Store
	policy atomic.Pointer[regroupPolicy]

	mu    sync.Mutex
	group []regrouped // the open group
	fresh []regrouped // its rows not rewritten since they came
	whole bool        // the open group was rewritten whole since its last row came
	timer *time.Timer

	kick chan struct{}
	quit chan struct{}
	done chan struct{}
}

func newRegrouper(s *Store) *regrouper {
	g := &regrouper{s: s, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), whole: true}
	p := defaultRegroup
	g.policy.Store(&p)
	g.timer = time.NewTimer(time.Hour)
	g.timer.Stop()
	go g.run()
	return g
}

// add notes a row just committed.
func (g *regrouper) add(r regrouped) {
	p := g.policy.Load()
	g.mu.Lock()
	g.group = append(g.group, r)
	g.fresh = append(g.fresh, r)
	g.whole = false
	due := len(g.fresh) >= p.every || len(g.group) >= p.maxGroup
	g.timer.Reset(p.idle)
	g.mu.Unlock()
	if due {
		select {
		case g.kick <- struct{}{}:
		default:
		}
	}
}

func (g *regrouper) run() {
	defer close(g.done)
	for {
		select {
		case <-g.kick:
			g.flush(false)
		case <-g.timer.C:
			g.flush(true)
		case <-g.quit:
			g.flush(true)
			return
		}
	}
}

// stop rewrites what is open and ends the regrouper; Close calls it once the writes in flight
// are done.
func (g *regrouper) stop() {
	close(g.quit)
	<-g.done
}

// flush rewrites the open group (when idle, or when it is full) or the rows waiting.
func (g *regrouper) flush(idle bool) {
	p := g.policy.Load()
	g.mu.Lock()
	var ids []regrouped
	closing := len(g.group) >= p.maxGroup
	closed := false
	switch {
	case closing && g.whole:
		g.group = nil // rewritten whole already: closed as it is
	case (idle || closing) && !g.whole:
		ids = slices.Clone(g.group)
		g.fresh, g.whole = nil, true
		if closing {
			g.group, closed = nil, true
		}
	case len(g.fresh) >= p.every:
		ids = g.fresh
		g.fresh = nil
	}
	g.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	if err := g.rewrite(ids); err != nil {
		// Tried again at the next flush; nothing is lost but the grouping.
		g.mu.Lock()
		if closed {
			g.group = append(ids, g.group...)
		}
		g.fresh = append(g.fresh, ids...)
		g.whole = false
		g.mu.Unlock()
	}
}

// rewrite writes the rows again in one transaction, table by table in the order of their
// (random) keys, one statement each: a statement over many keys could visit them in the order
// they are stored. A row deleted since (a share code replaced, say) is no longer there to write.
func (g *regrouper) rewrite(rows []regrouped) error {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b regrouped) int { return strings.Compare(a.sortKey(), b.sortKey()) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return g.s.retryTx(ctx, func(tx *sql.Tx) error {
		stmts := map[string]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		for _, r := range rows {
			st := stmts[r.table]
			if st == nil {
				var err error
				if st, err = tx.PrepareContext(ctx, regroupSQL[r.table]); err != nil {
					return err
				}
				stmts[r.table] = st
			}
			if _, err := st.ExecContext(ctx, r.key); err != nil {
				return err
			}
		}
		return nil
	})
}

// RegroupRow notes a share code (table "share_codes", key its id) or a deleted token
// ("deleted_tokens", its hash) just committed: on PostgreSQL the row joins the regrouping of new
// rows, so that neither its place in the table nor its transaction id says when it came. On
// SQLite these tables are kept in the order of their random keys, and the WAL is emptied for
// every write: there is nothing to do.
func (s *Store) RegroupRow(table string, key any) {
	if !s.d.postgres {
		return
	}
	if _, ok := regroupSQL[table]; !ok {
		panic("store: rows of " + table + " are not regrouped")
	}
	done, err := s.enter()
	if err != nil {
		return // closed: nothing more is written
	}
	defer done()
	s.regroup.add(regrouped{table: table, key: key})
}
