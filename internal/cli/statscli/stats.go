// Package statscli holds the statistics commands: `ketascreen stats` (release the periods due,
// list the releases and their budget, release a period again) and `ketascreen export` (a view of
// the stored releases as CSV or JSON), and the --stats-* flags and daily release job serve runs.
package statscli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
)

// Flags adds the flags that say how releases are made: serve and the stats commands share
// them (and so their KETASCREEN_ variables).
func Flags(fl *flag.FlagSet) func() (stats.Config, error) {
	def := stats.DefaultConfig()
	period := fl.String("stats-period", def.Period, "week or month: the period each statistics release covers (month suits fewer than about 1,000 responses a week)")
	eps := fl.Float64("stats-epsilon", def.Epsilon, fmt.Sprintf("differential privacy budget of each release, %g to %g (smaller adds more noise)", float64(stats.MinEpsilon), float64(stats.MaxEpsilon)))
	most := fl.Float64("stats-epsilon-max", def.EpsilonMax, "cap on the budget of all releases of one period together (re-releases add up to it)")
	return func() (stats.Config, error) {
		cfg := stats.Config{Period: *period, Epsilon: *eps, EpsilonMax: *most}
		return cfg, usage(cfg.Check(), "--stats-period, --stats-epsilon, --stats-epsilon-max: ")
	}
}

// usage is err, or the usage error (exit code 2) it stands for when it is a *stats.ParamError:
// its message after prefix.
func usage(err error, prefix string) error {
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		return command.UsageError{Msg: prefix + pe.Msg}
	}
	return err
}

// withCatalog reads the questionnaires (--questionnaires), opens the database, which must
// exist (--db), and runs fn on them.
func withCatalog(ctx context.Context, dir, db string, fn func(cat *catalog.Catalog, st *store.Store) error) error {
	cat, err := command.Catalog(dir)
	if err != nil {
		return err
	}
	st, err := command.OpenExisting(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cat, st)
}

// releaseFlags are the flags of a command that makes releases: --db, --questionnaires and the
// --stats-* flags of Flags.
type releaseFlags struct {
	fl      *flag.FlagSet
	db, dir *string
	config  func() (stats.Config, error)
}

func addReleaseFlags(fl *flag.FlagSet) releaseFlags {
	return releaseFlags{fl: fl, db: command.DBFlag(fl), dir: command.QuestionnairesFlag(fl), config: Flags(fl)}
}

// parse reads the command line (flags only) and the configuration of releases.
func (rf releaseFlags) parse(e *command.Env, args []string) (stats.Config, error) {
	if err := e.ParseNoArgs(rf.fl, args); err != nil {
		return stats.Config{}, err
	}
	return rf.config()
}

// CheckRetention refuses a retention shorter than the release delay: raw rows would be purged
// before their period is released, and lost to the statistics.
func CheckRetention(days int, cfg stats.Config) error {
	if d := stats.ReleaseDelayDays(cfg.Period); days < d || days > 3650 {
		return command.UsageError{Msg: fmt.Sprintf("--retention-days must be from %d (a %s, plus the day a release waits and the day the job may take) to 3650",
			d, cfg.Period)}
	}
	return nil
}

// ReleaseJob is the daily statistics job: it turns counters from before releases into releases
// (once), then releases every period that is due. It returns whether it got through, and the
// purge must not run when it did not: rows of an unreleased period would be lost.
func ReleaseJob(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg stats.Config, force bool, log *slog.Logger) bool {
	made, err := stats.ConvertCounters(ctx, st, cat, cfg, st.Now())
	if err == nil {
		var more []stats.Made
		more, err = stats.ReleaseDue(ctx, st, cat, cfg, st.Now(), force)
		made = append(made, more...)
	}
	for _, m := range made {
		log.Info("statistics released", "questionnaire", m.Questionnaire, "period", m.Period, "epsilon", m.Epsilon, "kind", m.Kind)
	}
	if err != nil && ctx.Err() == nil {
		log.Error("statistics release", "err", err)
		return false
	}
	return err == nil
}

func RunStats(ctx context.Context, e *command.Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "release":
		return runStatsRelease(ctx, e, args)
	case "list":
		return runStatsList(ctx, e, args)
	case "rerelease":
		return runStatsRerelease(ctx, e, args)
	case "", "help", "-h", "--help":
		fmt.Fprint(e.Stdout, `Usage: ketascreen stats <release|list|rerelease> [flags]

  release   [--now] [--db F]   release every week (or month) that is over and not yet
            released, as serve does daily; --now does not wait the extra day
  list      [--db F]   the releases and the budget each period has spent
  rerelease --period 2026-W05|2026-05 --epsilon E [--q ID] [--db F]
            release a period again (after a questionnaire fix); audited; the period's
            epsilons add up and may not pass --stats-epsilon-max

Statistics are released once per period, with differential privacy; see docs/stats-export.md.
`)
		if sub == "" {
			return command.UsageError{Msg: "missing subcommand"}
		}
		return nil
	default:
		return command.UsageError{Msg: fmt.Sprintf("unknown subcommand %.40q (release, list, rerelease)", sub)}
	}
}

func runStatsRelease(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("stats release", "[--now] [--db F]",
		"Releases the statistics of every week (or month) that is over and not yet released, from\n"+
			"its responses, with differential privacy, as serve does once a day. A release is never\n"+
			"made again (see stats rerelease). Counters kept by older versions are turned into\n"+
			"releases first.")
	now := fl.Bool("now", false, "release periods that ended yesterday, without waiting the extra day")
	rf := addReleaseFlags(fl)
	cfg, err := rf.parse(e, args)
	if err != nil {
		return err
	}
	return withCatalog(ctx, *rf.dir, *rf.db, func(cat *catalog.Catalog, st *store.Store) error {
		log := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{ReplaceAttr: command.WithoutTime}))
		if !ReleaseJob(ctx, st, cat, cfg, *now, log) {
			return command.ExitError{Code: 1}
		}
		return nil
	})
}

func runStatsList(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("stats list", "[--db F]", "Lists every period released and the budget it spent (the ledger).")
	db := command.DBFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	st, err := command.OpenExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	spends, err := stats.Budgets(ctx, st)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "QUESTIONNAIRE\tPERIOD\tDAYS\tRELEASES\tEPSILON\tCOMPOSED\tLEDGER")
	for _, s := range spends {
		var ledger string
		for i, l := range s.Entries {
			if i > 0 {
				ledger += "; "
			}
			ledger += fmt.Sprintf("#%d %s %s eps=%g delta=%g on %s by %s", l.ID, l.Kind, l.Mechanism, l.Epsilon, l.Delta, l.MadeOn, l.Actor)
		}
		fmt.Fprintf(w, "%s\t%s\t%s..%s\t%d\t%g\t%g\t%s\n", s.Questionnaire, s.Period, s.FirstDay, s.LastDay, len(s.Entries),
			s.Epsilon, s.Composed, ledger)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(spends) == 0 {
		fmt.Fprintln(e.Stdout, "No period has been released yet.")
	}
	return nil
}

func runStatsRerelease(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("stats rerelease", "--period P --epsilon E [--q ID] [--db F]",
		"Releases one period again, from its responses (they must still be kept), with a budget\n"+
			"of its own: after a questionnaire fix, say. Views then show the new release. Both stay\n"+
			"in the ledger, the period's epsilons add up, and a release that would pass\n"+
			"--stats-epsilon-max is refused. Written to the audit log.")
	period := fl.String("period", "", "the week (2026-W05) or month (2026-05) to release again")
	eps := fl.String("epsilon", "", "the budget of the new release")
	qid := fl.String("q", "", "only this questionnaire (default: all)")
	retention := fl.Int("retention-days", 365, "days raw answers are kept (as serve has it): a period older than that is refused")
	rf := addReleaseFlags(fl)
	cfg, err := rf.parse(e, args)
	if err != nil {
		return err
	}
	p, err := stats.ParsePeriod(*period)
	if err != nil {
		return command.UsageError{Msg: "--period: " + err.Error()}
	}
	epsilon, err := stats.ParseBudget("--epsilon", *eps)
	if err != nil {
		return command.UsageError{Msg: err.Error()}
	}
	if err := CheckRetention(*retention, cfg); err != nil {
		return err
	}
	return withCatalog(ctx, *rf.dir, *rf.db, func(cat *catalog.Catalog, st *store.Store) error {
		made, err := stats.Rerelease(ctx, st, cat, cfg, p, epsilon, *qid, "cli", *retention, st.Now())
		if err != nil {
			return usage(err, "")
		}
		for _, m := range made {
			fmt.Fprintf(e.Stdout, "Released %s %s again at epsilon %g (ledger #%d).\n", m.Questionnaire, m.Period, m.Epsilon, m.ID)
		}
		return nil
	})
}
