package cli

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
)

func TestStatsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	if code, _, stderr := run(t, "dev", "seed", "--n", "400", "--weeks", "4", "--db", db); code != 0 {
		t.Fatalf("seed: %s", stderr)
	}
	// A week that ended more than a day ago and is surely released by then.
	done := stats.PeriodOf(stats.ByWeek, time.Now().AddDate(0, 0, -14)).Label
	open := stats.PeriodOf(stats.ByWeek, time.Now()).Label
	ledger := func() int { return count(t, db, "select count(*) from stat_ledger") }
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		says string // in stdout, or in stderr when code != 0
		// ledger is how many ledger entries there are after it (-1: any)
		ledger int
	}{
		{"ErrListBeforeAny", nil, []string{"stats", "list", "--db", db}, 0, "No period has been released yet", 0},
		{"ErrPeriodKind", nil, []string{"stats", "release", "--stats-period", "day", "--db", db}, 2, "week or month", 0},
		{"ErrEpsilonZero", nil, []string{"stats", "release", "--stats-epsilon", "0", "--db", db}, 2, "--stats-epsilon", 0},
		{"ErrEpsilonNotANumber", nil, []string{"stats", "release", "--stats-epsilon", "much", "--db", db}, 2, "invalid value", 0},
		{"ErrEpsilonAboveTheCap", nil, []string{"stats", "release", "--stats-epsilon", "3", "--db", db}, 2, "cap per period", 0},
		{"ErrEpsilonFromEnv", map[string]string{"KETASCREEN_STATS_EPSILON": "-1"}, []string{"stats", "release", "--db", db}, 2, "epsilon", 0},
		{"ErrNoDatabase", nil, []string{"stats", "release", "--db", filepath.Join(dir, "none.db")}, 2, "no database", 0},
		{"ErrUnknownSubcommand", nil, []string{"stats", "publish"}, 2, "unknown subcommand", 0},
		{"ErrMissingSubcommand", nil, []string{"stats"}, 2, "missing subcommand", 0},
		{"Release", nil, []string{"stats", "release", "--db", db}, 0, "", -1},
		{"List", nil, []string{"stats", "list", "--db", db}, 0, done, -1},
		{"ErrRereleaseNoPeriod", nil, []string{"stats", "rerelease", "--epsilon", "1", "--db", db}, 2, "--period", -1},
		{"ErrRereleaseBadPeriod", nil, []string{"stats", "rerelease", "--period", "2026-W99", "--epsilon", "1", "--db", db}, 2, "--period", -1},
		{"ErrRereleaseEpsilonZero", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "0", "--db", db}, 2, "--epsilon", -1},
		{"ErrRereleaseEpsilonNegative", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "-1", "--db", db}, 2, "--epsilon", -1},
		{"ErrRereleaseOverTheCap", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "1.5", "--db", db}, 2, "cap per period", -1},
		{"ErrRereleaseOpenPeriod", nil, []string{"stats", "rerelease", "--period", open, "--epsilon", "0.5", "--db", db}, 2, "not over", -1},
		{"ErrRereleaseShortRetention", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "0.5", "--retention-days", "3", "--db", db}, 2, "--retention-days", -1},
		{"Rerelease", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "1", "--db", db}, 0, "again at epsilon 1", -1},
		{"ErrRereleaseSpent", nil, []string{"stats", "rerelease", "--period", done, "--epsilon", "0.1", "--db", db}, 2, "has spent epsilon 2", -1},
		{"ListShowsTheSum", nil, []string{"stats", "list", "--db", db}, 0, "rerelease", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := ledger()
			code, stdout, stderr := runIn(t, "", c.env, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, stdout, stderr)
			}
			out := stdout
			if code != 0 {
				out = stderr
			}
			if !strings.Contains(out, c.says) {
				t.Errorf("output lacks %q:\n%s", c.says, out)
			}
			after := ledger()
			if c.ledger >= 0 && after != c.ledger || code != 0 && after != before {
				t.Errorf("ledger went from %d to %d entries", before, after)
			}
		})
	}
	if n := count(t, db, "select count(*) from audit where action = 'stats_rerelease' and outcome = 'ok'"); n != 1 {
		t.Errorf("%d audit rows for one re-release", n)
	}
	// A second run releases nothing new.
	before := ledger()
	if code, _, stderr := run(t, "stats", "release", "--db", db); code != 0 || ledger() != before {
		t.Errorf("a second release: exit %d, ledger %d -> %d: %s", code, before, ledger(), stderr)
	}
}

// serve refuses a retention shorter than the release delay, and bad statistics flags, before
// it opens anything.
func TestServeStatsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		says string
	}{
		{"ErrRetentionBelowAWeek", nil, []string{"serve", "--retention-days", "5", "--db", db}, "--retention-days must be from 9"},
		{"ErrRetentionBelowAMonth", nil, []string{"serve", "--stats-period", "month", "--retention-days", "30", "--db", db}, "from 33"},
		{"ErrRetentionFromEnv", map[string]string{"KETASCREEN_RETENTION_DAYS": "8"}, []string{"serve", "--db", db}, "--retention-days"},
		{"ErrPeriodFromEnv", map[string]string{"KETASCREEN_STATS_PERIOD": "day"}, []string{"serve", "--db", db}, "week or month"},
		{"ErrCapBelowEpsilon", nil, []string{"serve", "--stats-epsilon", "1", "--stats-epsilon-max", "0.5", "--db", db}, "cap per period"},
		{"ErrEpsilonInfinite", nil, []string{"serve", "--stats-epsilon", "Inf", "--db", db}, "epsilon"},
		{"ErrEpsilonNaN", nil, []string{"serve", "--stats-epsilon", "NaN", "--db", db}, "epsilon"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runIn(t, "", c.env, c.args...)
			if code != 2 || !strings.Contains(stderr, c.says) {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
		})
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("serve created the database despite bad flags")
	}
}

// A database made by the version before releases: the export asks for a release first;
// stats release turns the counters into releases; then the export reads them.
func TestOldDatabaseThroughTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v4.db")
	f, err := os.Open(filepath.Join("..", "store", "testdata", "v4-seeded.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "export", "--format", "csv", "--db", db); code != 2 || !strings.Contains(stderr, "counters of an older version") {
		t.Errorf("export of an old database: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "stats", "release", "--db", db); code != 0 || !strings.Contains(stderr, "kind=counters") {
		t.Fatalf("stats release: exit %d: %s", code, stderr)
	}
	if n := count(t, db, "select count(*) from sqlite_master where name = 'legacy_counts'"); n != 0 {
		t.Error("the counters are still there")
	}
	if code, out, stderr := run(t, "export", "--format", "csv", "--from", "2026-10-19", "--to", "2026-11-29", "--db", db); code != 0 ||
		!strings.Contains(out, "responses_by_period,,2026-W44,responses,") {
		t.Errorf("export: exit %d: %s", code, stderr)
	}
}
