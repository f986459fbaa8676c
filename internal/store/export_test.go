package store

import "time"

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
