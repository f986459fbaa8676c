package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fl := e.flags("export", "--format csv|json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by week|month] [--k 11] [--epsilon E] [--db F]",
		"Prints anonymized aggregate statistics to stdout: fixed tables of counts (responses per\n"+
			"week or month, per questionnaire version, per language and region, and per questionnaire\n"+
			"by level, flag, warning sign and item option), never a row per response. Counts from 1\n"+
			"to k-1 are withheld, with as many other cells as it takes so that none can be worked out.\n"+
			"With --epsilon, every count also gets differentially private noise (smaller is more\n"+
			"private and noisier). The export is written to the audit log. See docs/stats-export.md.")
	format := fl.String("format", "", "csv or json (required)")
	def := stats.DefaultParams(time.Now())
	from := fl.String("from", def.From.Format(time.DateOnly), "first day covered (its whole week or month is included)")
	to := fl.String("to", def.To.Format(time.DateOnly), "last day covered (its whole week or month is included)")
	by := fl.String("by", stats.ByWeek, "week or month: the periods of the time series")
	k := fl.String("k", fmt.Sprint(stats.DefaultK), fmt.Sprintf("smallest count released, %d to %d", stats.DefaultK, stats.MaxK))
	eps := fl.String("epsilon", "", fmt.Sprintf("differential privacy budget of the whole export, %g to %g (default: no noise)", float64(stats.MinEpsilon), float64(stats.MaxEpsilon)))
	q := fl.String("q", "", "only this questionnaire (default: all)")
	lang := fl.String("lang", "", "only responses in this language (default: all)")
	region := fl.String("region", "", "only responses from this region (default: all)")
	db := fl.String("db", defaultDB, "SQLite database file; an export never creates one")
	dir := questionnairesFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return usageError{"--format must be csv or json"}
	}
	p := stats.Params{By: *by}
	var err error
	if p.From, err = stats.ParseDate("--from", *from); err != nil {
		return usageError{err.Error()}
	}
	if p.To, err = stats.ParseDate("--to", *to); err != nil {
		return usageError{err.Error()}
	}
	if p.K, err = stats.ParseK(*k); err != nil {
		return usageError{"--" + err.Error()}
	}
	if p.Epsilon, err = stats.ParseEpsilon(*eps); err != nil {
		return usageError{"--" + err.Error()}
	}
	for _, f := range []struct {
		val  string
		list *[]string
	}{{*q, &p.Questionnaires}, {*lang, &p.Langs}, {*region, &p.Regions}} {
		if f.val != "" {
			*f.list = []string{f.val}
		}
	}
	cat, err := catalog(*dir)
	if err != nil {
		return err
	}
	// An export never creates a database.
	if _, err := os.Stat(*db); err != nil {
		return usageError{fmt.Sprintf("no database at %s (use --db or KETASCREEN_DB)", *db)}
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rel, err := stats.Build(ctx, st, cat, p, st.Now())
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		return usageError{pe.Msg}
	}
	if err != nil {
		return err
	}
	// The audit row first: no export leaves without one.
	if err := st.Audit(ctx, store.AuditEntry{Actor: "cli", Action: "export", Outcome: "ok",
		Detail: rel.AuditDetail(*format)}); err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	w := bufio.NewWriter(e.stdout)
	if *format == "csv" {
		err = rel.WriteCSV(w)
	} else {
		err = rel.WriteJSON(w, "en")
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
