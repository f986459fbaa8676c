package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fl := e.flags("export", "--format csv|json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by week|month] [--k 11] [--db F]",
		"Prints anonymized statistics to stdout: fixed tables (responses per week or month, per\n"+
			"questionnaire version, per language and region, and per questionnaire by level, flag,\n"+
			"warning sign and answer), summed from the stored releases of the range, never from\n"+
			"responses. Each figure carries its 90% margin of error from the noise; a figure under k\n"+
			"is shown as fewer than k. An export spends no privacy budget and is written to the audit\n"+
			"log. See docs/stats-export.md.")
	format := fl.String("format", "", "csv or json (required)")
	def := stats.DefaultParams(time.Now())
	from := fl.String("from", def.From.Format(time.DateOnly), "first day covered (its whole week or month is included)")
	to := fl.String("to", def.To.Format(time.DateOnly), "last day covered (its whole week or month is included)")
	by := fl.String("by", stats.ByWeek, "week or month: the periods of the time series")
	k := fl.String("k", fmt.Sprint(stats.DefaultK), fmt.Sprintf("figures under k are shown as fewer than k, %d to %d", stats.DefaultK, stats.MaxK))
	q := fl.String("q", "", "only this questionnaire (default: all)")
	lang := fl.String("lang", "", "only responses in this language (default: all)")
	region := fl.String("region", "", "only responses from this region (default: all)")
	db := fl.String("db", defaultDB, "SQLite database file (an export never creates one), or a PostgreSQL URL")
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
	for _, f := range []struct {
		val  string
		list *[]string
	}{{*q, &p.Questionnaires}, {*lang, &p.Langs}, {*region, &p.Regions}} {
		if f.val != "" {
			*f.list = []string{f.val}
		}
	}
	cat, err := loadCatalog(*dir)
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if waiting, err := releasedb.New(st).HasLegacyCounts(ctx); err != nil {
		return err
	} else if waiting {
		return usageError{"this database still has the counters of an older version: run 'ketascreen stats release' (or serve) once to turn them into releases"}
	}
	v, err := stats.Query(ctx, releasedb.New(st), cat, p, st.Now())
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		return usageError{pe.Msg}
	}
	if err != nil {
		return err
	}
	// The audit row first: no export leaves without one.
	if err := auditdb.New(st).Append(ctx, auditdb.Entry{Actor: "cli", Action: auditdb.ActionExport, Outcome: auditdb.OutcomeOK,
		Detail: v.AuditDetail("format", *format)}); err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	w := bufio.NewWriter(e.stdout)
	if *format == "csv" {
		err = v.WriteCSV(w)
	} else {
		err = v.WriteJSON(w, "en")
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
