// Package pgrebind lets SQL written with "?" parameters run on PostgreSQL through pgx.
//
// The store's SQL uses "?" for parameters, which SQLite understands and PostgreSQL does not.
// The PostgreSQL connection renumbers them to $1, $2, ... before pgx sees a statement, so the
// same text runs on both. A "?" in a quoted string, a quoted name or a comment stays as it is;
// the store's SQL never uses PostgreSQL's "?" operators. Statements without parameters (such
// as the migrations, with their dollar-quoted function bodies) are passed through untouched.
package pgrebind

import (
	"context"
	"database/sql/driver"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
)

// Connector is c, a connector of pgx's stdlib (stdlib.GetConnector), with every statement of
// its connections renumbered.
func Connector(c driver.Connector) driver.Connector { return rebindConnector{c} }

type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(*stdlib.Conn)}, nil
}

// rebindConn is pgx's connection with its statements renumbered; the rest of what
// database/sql asks of a connection (transactions, pings, session resets) is pgx's own.
type rebindConn struct{ *stdlib.Conn }

func (c rebindConn) Prepare(query string) (driver.Stmt, error) { return c.Conn.Prepare(rebind(query)) }

func (c rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	return c.Conn.ExecContext(ctx, query, args)
}

func (c rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) > 0 {
		query = rebind(query)
	}
	return c.Conn.QueryContext(ctx, query, args)
}

// rebind renumbers the "?" parameters of a statement as $1, $2, ...
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		var end int // the index after a quoted or commented span starting at i, or 0
		switch {
		case c == '\'' || c == '"':
			end = spanEnd(q, i+1, string(c))
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			end = spanEnd(q, i+2, "\n")
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			end = spanEnd(q, i+2, "*/")
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		if end > 0 {
			b.WriteString(q[i:end])
			i = end - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// spanEnd is the index just after the first closer at or after from, or len(q). A doubled
// quote inside a string ends one span and starts the next, which comes to the same.
func spanEnd(q string, from int, closer string) int {
	j := strings.Index(q[from:], closer)
	if j < 0 {
		return len(q)
	}
	return from + j + len(closer)
}
