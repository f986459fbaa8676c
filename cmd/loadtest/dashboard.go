package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// dashboardScenario is the admin statistics page on the big database (a year and more of
// weekly releases), read by 4 signed-in admins at once.
func dashboardScenario(ctx context.Context, e env) ([]row, error) {
	big, err := bigDB(ctx, e)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(e.dir, fmt.Sprintf("dashboard-%d.db", time.Now().UnixNano()))
	if err := copyFile(big, db); err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, e.bin, e.setup, db)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	cookie, err := signInAdmin(ctx, e.bin, db, srv.url)
	if err != nil {
		return nil, err
	}
	l := load{url: srv.url + "/admin/stats?lang=en", connections: 4, headers: map[string]string{"Cookie": cookie}, profile: true}
	r, err := runWrk(ctx, e.setup, e.dir, l, e.o.duration, srv.pid())
	if err != nil {
		return nil, err
	}
	if r.errors > 0 {
		return nil, fmt.Errorf("%d errors under load\n%.2000s", r.errors, srv.log)
	}
	return []row{
		{what: "pages/s, 4 admins", value: r.rate, unit: "/s"},
		{what: "p50", value: ms(r.p50), unit: "ms"},
		{what: "p99", value: ms(r.p99), unit: "ms"},
		{what: "server CPU per page", value: us(r.cpuPerRequest), unit: "us"},
		{what: "peak RSS", value: mb(peakRSS(srv.pid())), unit: "MB"},
	}, nil
}
