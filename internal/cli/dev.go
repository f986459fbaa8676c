package cli

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// seedBatch is how many synthetic responses share one transaction.
const seedBatch = 10000

func runDev(ctx context.Context, e *command.Env, args []string) error {
	if len(args) == 0 || args[0] != "seed" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.Stdout, "Usage: ketascreen dev seed --n N [--db F] [--weeks 104] [--seed S] [--append]")
			return nil
		}
		return command.UsageError{Msg: "the dev command has one subcommand: seed"}
	}
	fl := e.Flags("dev seed", "--n N [--db F] [--weeks 104] [--seed S] [--append]",
		"Fills a database with N synthetic responses, spread over the last --weeks weeks (more of\n"+
			"them recently), with random valid answers scored by the engine, in the questionnaires'\n"+
			"languages and the resources' regions. For measuring and trying the statistics: never\n"+
			"run it on a database with real responses (it refuses one that has any, unless --append).")
	n := fl.Int("n", 0, "how many responses (1 to 10,000,000)")
	db := command.DBFlag(fl)
	dir := command.QuestionnairesFlag(fl)
	weeks := fl.Int("weeks", 104, "weeks to spread the responses over, ending today (1 to 520)")
	seed := fl.Uint64("seed", 1, "random seed: the same seed gives the same answers")
	appendTo := fl.Bool("append", false, "add to a database that already holds responses")
	if err := e.Parse(fl, args[1:]); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return command.UsageError{Msg: fmt.Sprintf("unexpected argument %.40q", fl.Arg(0))}
	}
	if *n < 1 || *n > 10_000_000 {
		return command.UsageError{Msg: "--n must be from 1 to 10000000"}
	}
	if *weeks < 1 || *weeks > 520 {
		return command.UsageError{Msg: "--weeks must be from 1 to 520"}
	}
	cat, err := command.Catalog(*dir)
	if err != nil {
		return err
	}
	st, err := command.OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	responses := responsedb.New(st)
	if have, err := responses.CountResponses(ctx); err != nil {
		return err
	} else if have > 0 && !*appendTo {
		return command.UsageError{Msg: fmt.Sprintf("%s already holds %d responses: seed only a database for testing (or pass --append)", st.Path(), have)}
	}
	start := time.Now()
	batches := make(chan []*responsedb.Response, 2)
	go generate(ctx, cat, *n, *weeks, *seed, st.Now(), batches)
	done := 0
	for batch := range batches {
		if err := responses.CreateResponses(ctx, batch); err != nil {
			for range batches { // let the generator finish
			}
			return err
		}
		done += len(batch)
		if done%100_000 < seedBatch && *n >= 200_000 {
			fmt.Fprintf(e.Stderr, "%d responses (%.0f s)\n", done, time.Since(start).Seconds())
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "seeded %d synthetic responses over %d weeks into %s in %.1f s\n", done, *weeks, st.Path(), time.Since(start).Seconds())
	return nil
}

// generate makes n synthetic responses in time order, in batches. More people answer as time
// goes on; most show few signs of concern, some many.
func generate(ctx context.Context, cat *catalog.Catalog, n, weeks int, seed uint64, now time.Time, out chan<- []*responsedb.Response) {
	defer close(out)
	rng := rand.New(rand.NewPCG(seed, 0x6b6574))
	qs := cat.Questionnaires()
	var regions []string
	for _, r := range cat.Resources.Regions {
		regions = append(regions, r.ID)
	}
	// A few regions get most responses, as in real use.
	weights := make([]float64, len(regions))
	var sum float64
	for i := range weights {
		weights[i] = 1 / float64(i+1)
		sum += weights[i]
	}
	days := weeks * 7
	first := now.UTC().AddDate(0, 0, -days+1)
	batch := make([]*responsedb.Response, 0, seedBatch)
	for i := range n {
		q := qs[rng.IntN(len(qs))]
		r := stats.SyntheticResponse(q, rng, math.Pow(rng.Float64(), 2), nil)
		r.Lang = q.Languages[0]
		if len(q.Languages) > 1 && rng.IntN(4) == 0 {
			r.Lang = q.Languages[1+rng.IntN(len(q.Languages)-1)]
		}
		x := rng.Float64() * sum
		for j, w := range weights {
			if x -= w; x <= 0 || j == len(weights)-1 {
				r.Region = regions[j]
				break
			}
		}
		// The square root spreads responses so that their density grows over time.
		d := int(float64(days) * math.Sqrt((float64(i)+rng.Float64())/float64(n)))
		r.Day = store.Day(first.AddDate(0, 0, min(d, days-1)))
		batch = append(batch, r)
		if len(batch) == seedBatch || i == n-1 {
			select {
			case out <- batch:
			case <-ctx.Done():
				return
			}
			batch = make([]*responsedb.Response, 0, seedBatch)
		}
	}
}
