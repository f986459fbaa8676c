package store

import (
	"context"
	"database/sql"
	"time"
)

// SetWALPolicy changes when the writer empties the WAL.
func SetWALPolicy(s *Store, idle time.Duration, maxSubmissions int, maxFrames int64) {
	p := *s.wal.policy.Load()
	p.idle, p.maxSubmissions, p.maxFrames = idle, maxSubmissions, maxFrames
	s.wal.policy.Store(&p)
}

// WALSubmissions is the default bound on submissions between checkpoints.
var WALSubmissions = defaultWAL.maxSubmissions

// SetRegroupPolicy changes when a PostgreSQL store rewrites new rows together.
func SetRegroupPolicy(s *Store, idle time.Duration, every, maxGroup int) {
	s.regroup.policy.Store(&regroupPolicy{idle: idle, every: every, maxGroup: maxGroup})
}

// BetweenWrites runs fn on the SQLite writer between two writes. The writer acknowledges a
// batch before it checkpoints, so a test reading the files right after a write could read them
// while a checkpoint copies pages: a torn copy. Nothing writes or checkpoints while fn runs.
func BetweenWrites(s *Store, fn func()) error {
	return s.enqueue(context.Background(), &writeOp{fn: func(*sql.Tx) error { fn(); return nil }, done: make(chan error, 1)})
}
