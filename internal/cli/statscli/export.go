package statscli

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

func RunExport(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("export", "--format csv|json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by week|month] [--k 11] [--db F]",
		"Prints anonymized statistics to stdout: fixed tables (responses per week or month, per\n"+
			"questionnaire version, per language and region, and per questionnaire by level, flag,\n"+
			"warning sign and answer), summed from the stored releases of the range, never from\n"+
			"responses. Each figure carries its 90% margin of error from the noise; a figure under k\n"+
			"is shown as fewer than k. An export spends no privacy budget and is written to the audit\n"+
			"log. See docs/stats-export.md.")
	format := fl.String("format", "", "csv or json (required)")
	def := statsview.DefaultParams(time.Now())
	from := fl.String("from", def.From.Format(time.DateOnly), "first day covered (its whole week or month is included)")
	to := fl.String("to", def.To.Format(time.DateOnly), "last day covered (its whole week or month is included)")
	by := fl.String("by", stats.ByWeek, "week or month: the periods of the time series")
	k := fl.String("k", fmt.Sprint(statsview.DefaultK), fmt.Sprintf("figures under k are shown as fewer than k, %d to %d", statsview.DefaultK, statsview.MaxK))
	q := fl.String("q", "", "only this questionnaire (default: all)")
	lang := fl.String("lang", "", "only responses in this language (default: all)")
	region := fl.String("region", "", "only responses from this region (default: all)")
	db := fl.String("db", command.DefaultDB, "SQLite database file (an export never creates one), or a PostgreSQL URL")
	dir := command.QuestionnairesFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return command.UsageError{Msg: "--format must be csv or json"}
	}
	p := statsview.Params{By: *by}
	var err error
	if p.From, err = statsview.ParseDate("--from", *from); err != nil {
		return command.UsageError{Msg: err.Error()}
	}
	if p.To, err = statsview.ParseDate("--to", *to); err != nil {
		return command.UsageError{Msg: err.Error()}
	}
	if p.K, err = statsview.ParseK(*k); err != nil {
		return command.UsageError{Msg: "--" + err.Error()}
	}
	for _, f := range []struct {
		val  string
		list *[]string
	}{{*q, &p.Questionnaires}, {*lang, &p.Langs}, {*region, &p.Regions}} {
		if f.val != "" {
			*f.list = []string{f.val}
		}
	}
	return withCatalog(ctx, *dir, *db, func(cat *catalog.Catalog, st *store.Store) error {
		if waiting, err := releasedb.New(st).HasLegacyCounts(ctx); err != nil {
			return err
		} else if waiting {
			return command.UsageError{Msg: "this database still has the counters of an older version: run 'ketascreen stats release' (or serve) once to turn them into releases"}
		}
		v, err := statsview.Query(ctx, releasedb.New(st), cat, p, st.Now())
		if err != nil {
			return usage(err, "")
		}
		// The audit row first: no export leaves without one.
		if err := auditdb.New(st).Append(ctx, auditdb.Entry{Actor: "cli", Action: auditdb.ActionExport, Outcome: auditdb.OutcomeOK,
			Detail: v.AuditDetail("format", *format)}); err != nil {
			return fmt.Errorf("write the audit log: %w", err)
		}
		w := bufio.NewWriter(e.Stdout)
		if *format == "csv" {
			err = v.WriteCSV(w)
		} else {
			err = v.WriteJSON(w, "en")
		}
		if err != nil {
			return err
		}
		return w.Flush()
	})
}
