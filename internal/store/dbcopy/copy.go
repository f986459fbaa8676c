// Package dbcopy copies a whole deployment from one store to another, empty one (SQLite to
// PostgreSQL or back: ketascreen db copy), and checks that every table arrived whole by counting
// and checksumming its rows on both sides. It works from the store's list of tables
// (store.Tables), so it knows no table area's rules: it moves rows as they are.
package dbcopy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/store"
)

// ErrTargetNotEmpty means a copy's target already holds rows.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// TableCheck is one table's rows and their checksum, found the same on both sides of a copy.
type TableCheck struct {
	Table string
	Rows  int64
	Sum   string // an order-independent checksum of the rows' values
}

// Copy copies every table (responses, deleted tokens, share codes, accounts, sessions,
// grants, the audit log and its tally, releases and their ledger, second factors, limits,
// the secret's fingerprint) from one store to another, empty one: from one snapshot of the
// source, in one transaction on the target. Then it counts and checksums every table on both
// sides and returns an error if any differ. Job leases, which belong to running processes,
// are not copied.
func Copy(ctx context.Context, from, to *store.Store) ([]TableCheck, error) {
	// The counters kept before releases (package releasedb) are not in the table list.
	if waiting, err := from.HasTable(ctx, "legacy_counts"); err != nil {
		return nil, err
	} else if waiting {
		return nil, errors.New("the source still has the counters of an older version: run 'ketascreen stats release' on it first")
	}
	src, err := snapshot(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Rollback()
	var copied []TableCheck
	err = to.Write(ctx, func(tx *sql.Tx) error {
		copied = copied[:0]
		for _, t := range store.Tables {
			var n int64
			if err := tx.QueryRowContext(ctx, "/* dbcopy.Copy */ select count(*) from "+t.Name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: %s holds %d rows", ErrTargetNotEmpty, t.Name, n)
			}
		}
		for _, t := range store.Tables {
			if t.Transient {
				continue
			}
			c, err := copyTable(ctx, src, tx, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.Name, err)
			}
			copied = append(copied, c)
			if t.Identity && to.Postgres() {
				// New rows are numbered after the copied ones.
				if _, err := tx.ExecContext(ctx, `/* dbcopy.Copy */ select setval(pg_get_serial_sequence(?, 'id'),
					(select coalesce(max(id), 0) + 1 from `+t.Name+`), false)`, t.Name); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, t := range tablesCopied() {
		got, err := sumTable(ctx, to, t)
		if err != nil {
			return nil, err
		}
		if got != copied[i] {
			return nil, fmt.Errorf("after the copy %s differs: %d rows (checksum %s) in the source, %d (%s) in the target",
				t.Name, copied[i].Rows, copied[i].Sum, got.Rows, got.Sum)
		}
	}
	return copied, nil
}

// Checksums counts and checksums every table a copy moves, as Copy compares them.
func Checksums(ctx context.Context, s *store.Store) ([]TableCheck, error) {
	var out []TableCheck
	for _, t := range tablesCopied() {
		c, err := sumTable(ctx, s, t)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func tablesCopied() []store.Table {
	var out []store.Table
	for _, t := range store.Tables {
		if !t.Transient {
			out = append(out, t)
		}
	}
	return out
}

// snapshot is a read transaction that sees one state of the whole database.
func snapshot(ctx context.Context, s *store.Store) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Postgres() {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.ReadDB().BeginTx(ctx, opts)
}

func copyTable(ctx context.Context, src, dst *sql.Tx, t store.Table) (TableCheck, error) {
	names := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		names[i] = c.Name
	}
	list := strings.Join(names, ", ")
	rows, err := src.QueryContext(ctx, "/* dbcopy.Copy */ select "+list+" from "+t.Name)
	if err != nil {
		return TableCheck{}, err
	}
	defer rows.Close()
	ins, err := dst.PrepareContext(ctx, "/* dbcopy.Copy */ insert into "+t.Name+" ("+list+") values ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")+")")
	if err != nil {
		return TableCheck{}, err
	}
	defer ins.Close()
	v := newRowValues(t)
	var sum checksum
	for rows.Next() {
		if err := rows.Scan(v.ptrs...); err != nil {
			return TableCheck{}, err
		}
		sum.add(v.encode())
		if _, err := ins.ExecContext(ctx, v.args()...); err != nil {
			return TableCheck{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return TableCheck{}, err
	}
	return sum.check(t.Name), nil
}

// sumTable counts and checksums a table's rows.
func sumTable(ctx context.Context, s *store.Store, t store.Table) (TableCheck, error) {
	names := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		names[i] = c.Name
	}
	rows, err := s.ReadDB().QueryContext(ctx, "/* dbcopy.Checksums */ select "+strings.Join(names, ", ")+" from "+t.Name)
	if err != nil {
		return TableCheck{}, err
	}
	defer rows.Close()
	v := newRowValues(t)
	var sum checksum
	for rows.Next() {
		if err := rows.Scan(v.ptrs...); err != nil {
			return TableCheck{}, err
		}
		sum.add(v.encode())
	}
	return sum.check(t.Name), rows.Err()
}

// rowValues holds one row, scanned by the columns' kinds so that both backends give the same
// Go values (SQLite keeps booleans as 0 and 1, PostgreSQL as booleans).
type rowValues struct {
	cols []store.Column
	ptrs []any
	text []sql.NullString
	blob [][]byte
	ints []sql.NullInt64
	bool []sql.NullBool
	real []sql.NullFloat64
}

func newRowValues(t store.Table) *rowValues {
	n := len(t.Cols)
	v := &rowValues{cols: t.Cols, ptrs: make([]any, n), text: make([]sql.NullString, n), blob: make([][]byte, n),
		ints: make([]sql.NullInt64, n), bool: make([]sql.NullBool, n), real: make([]sql.NullFloat64, n)}
	for i, c := range t.Cols {
		switch c.Kind {
		case store.KindText:
			v.ptrs[i] = &v.text[i]
		case store.KindBlob:
			v.ptrs[i] = &v.blob[i]
		case store.KindInt:
			v.ptrs[i] = &v.ints[i]
		case store.KindBool:
			v.ptrs[i] = &v.bool[i]
		case store.KindReal:
			v.ptrs[i] = &v.real[i]
		}
	}
	return v
}

// args are the row's values for an insert; NULL is nil.
func (v *rowValues) args() []any {
	out := make([]any, len(v.cols))
	for i, c := range v.cols {
		var val any
		switch c.Kind {
		case store.KindText:
			// Text SQLite took and PostgreSQL refuses (a NUL, invalid UTF-8: what someone
			// typed, kept before the store made such text storable) is carried storable, and
			// checked so.
			val = nullable(store.StorableText(v.text[i].String, 0), v.text[i].Valid)
		case store.KindBlob:
			val = nullable(v.blob[i], v.blob[i] != nil)
		case store.KindInt:
			val = nullable(v.ints[i].Int64, v.ints[i].Valid)
		case store.KindBool:
			val = nullable(v.bool[i].Bool, v.bool[i].Valid)
		case store.KindReal:
			val = nullable(v.real[i].Float64, v.real[i].Valid)
		}
		out[i] = val
	}
	return out
}

func nullable[T any](v T, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// encode is the row as bytes for its checksum: each value with its kind and length, so no two
// rows encode alike.
func (v *rowValues) encode() []byte {
	var b []byte
	for _, a := range v.args() {
		switch x := a.(type) {
		case nil:
			b = append(b, 'N')
		case string:
			b = strconv.AppendInt(append(b, 'T'), int64(len(x)), 10)
			b = append(append(b, ':'), x...)
		case []byte:
			b = strconv.AppendInt(append(b, 'B'), int64(len(x)), 10)
			b = append(append(b, ':'), x...)
		case int64:
			b = strconv.AppendInt(append(b, 'I'), x, 10)
		case bool:
			b = strconv.AppendBool(append(b, 'b'), x)
		case float64:
			b = strconv.AppendFloat(append(b, 'R'), x, 'g', -1, 64)
		}
		b = append(b, ';')
	}
	return b
}

// checksum is the sum of the rows' SHA-256 hashes (their first 128 bits, modulo 2^128 in two
// halves): the same rows give the same sum in any order.
type checksum struct {
	hi, lo uint64
	n      int64
}

func (c *checksum) add(row []byte) {
	h := sha256.Sum256(row)
	c.hi += binary.BigEndian.Uint64(h[:8])
	c.lo += binary.BigEndian.Uint64(h[8:16])
	c.n++
}

func (c checksum) check(table string) TableCheck {
	return TableCheck{Table: table, Rows: c.n, Sum: fmt.Sprintf("%016x%016x", c.hi, c.lo)}
}
