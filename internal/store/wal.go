package store

// SQLite only: PostgreSQL's counterpart is regroup.go.

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// The WAL file holds every committed page in commit order until a checkpoint folds it into the
// database file. Responses are stored in the random order of their ids, but the WAL would
// still say which came after which (and, with a proxy's log, who sent which). So the writer
// empties it with a TRUNCATE checkpoint once it has been idle for a moment, and at the latest
// after a number of submissions or frames, whichever comes first. A copy of the files taken at
// the worst moment shows the order of at most the submissions since the last checkpoint:
// maxSubmissions, plus those of the batch that passed it (one transaction, whose pages are
// written in page order, so that batch's own order is not in the file).

// walPolicy says when the writer empties the WAL.
type walPolicy struct {
	idle           time.Duration // after this long without a write
	maxSubmissions int           // or once this many responses were stored since the last checkpoint
	maxFrames      int64         // or once the WAL holds this many frames (any writes)
	busyWait       time.Duration // how long a checkpoint waits for readers before trying later
}

var defaultWAL = walPolicy{idle: 250 * time.Millisecond, maxSubmissions: 16, maxFrames: 512, busyWait: 50 * time.Millisecond}

// walKeeper is the writer's WAL bookkeeping; only the writer goroutine touches it, except the
// policy.
type walKeeper struct {
	policy      atomic.Pointer[walPolicy]
	pageSize    int64
	submissions int
	dirty       bool
	timer       *time.Timer
}

func (w *walKeeper) init(pageSize int64) {
	w.pageSize = pageSize
	p := defaultWAL
	w.policy.Store(&p)
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
}

// nextWrite waits for the next write. While it waits, it empties the WAL once the writer has
// been idle for the policy's time.
func (s *Store) nextWrite() (*writeOp, bool) {
	for {
		var idle <-chan time.Time
		if s.wal.dirty {
			idle = s.wal.timer.C
		}
		select {
		case op, ok := <-s.writes:
			return op, ok
		case <-idle:
			s.checkpoint()
		}
	}
}

// committed counts a batch just committed and checkpoints when a bound is reached.
func (s *Store) committed(batch []*writeOp) {
	p := s.wal.policy.Load()
	for _, op := range batch {
		if op.create != nil {
			s.wal.submissions++
		}
	}
	s.wal.dirty = true
	if s.wal.submissions >= p.maxSubmissions || s.walFrames() >= p.maxFrames {
		s.checkpoint()
		return
	}
	s.wal.timer.Reset(p.idle)
}

// walFrames is how many frames the WAL file holds. The writer's checkpoints truncate it, and
// they come long before SQLite's own (at 1000 frames) would start reusing it, so its size
// counts them.
func (s *Store) walFrames() int64 {
	st, err := os.Stat(s.path + "-wal")
	if err != nil || st.Size() < 32 || s.wal.pageSize == 0 {
		return 0
	}
	return (st.Size() - 32) / (s.wal.pageSize + 24)
}

// checkpoint folds the WAL into the database file and truncates it. Readers still on an old
// snapshot make it give up after a short wait; it is tried again after the next idle time.
func (s *Store) checkpoint() {
	p := s.wal.policy.Load()
	ctx := context.Background()
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	// The writer's own connection, with a short busy timeout for the checkpoint only: a long
	// read (a backup) must not hold every write for seconds.
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.FormatInt(p.busyWait.Milliseconds(), 10)); err != nil {
		return
	}
	var busy, log, done int64
	err = conn.QueryRowContext(ctx, "/* Store.checkpoint */ PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done)
	_, _ = conn.ExecContext(ctx, "PRAGMA busy_timeout = 10000")
	if err == nil && busy == 0 {
		s.wal.submissions, s.wal.dirty = 0, false
		return
	}
	s.wal.timer.Reset(p.idle)
}
