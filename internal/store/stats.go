package store

import (
	"context"
	"database/sql"
	"strings"
)

// CountFilter selects the counters a statistics release is made from: one kind of period
// (weeks or months) in a range, and the questionnaires, languages and regions to include.
type CountFilter struct {
	Weekly         bool
	From, To       string // periods, inclusive: 2026-W01 or 2026-01
	Questionnaires []string
	Langs          []string
	Regions        []string
}

// PeriodCount is the number of responses of one period, questionnaire version, language and region.
type PeriodCount struct {
	Period, Questionnaire, Version, Lang, Region string
	N                                            int64
}

// KeyCount is one counter (band, flag, option, score) summed over the periods, languages and
// regions of a filter.
type KeyCount struct {
	Questionnaire, Version, Metric, Key string
	N                                   int64
}

// QuestionnaireVersion is a questionnaire version that has counters.
type QuestionnaireVersion struct{ Questionnaire, Version string }

// SumCounts sums the counters a filter selects, in one read transaction so that the response
// counts and the answer counts describe the same responses.
func (s *Store) SumCounts(ctx context.Context, f CountFilter) ([]PeriodCount, []KeyCount, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	where, args := f.where()
	rows, err := tx.QueryContext(ctx, `/* Store.SumCounts */ select period, questionnaire, version, lang, region, n
		from counts where metric = 'responses' and `+where, args...)
	if err != nil {
		return nil, nil, err
	}
	var periods []PeriodCount
	for rows.Next() {
		var c PeriodCount
		if err := rows.Scan(&c.Period, &c.Questionnaire, &c.Version, &c.Lang, &c.Region, &c.N); err != nil {
			rows.Close()
			return nil, nil, err
		}
		periods = append(periods, c)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.QueryContext(ctx, `/* Store.SumCounts */ select questionnaire, version, metric, key, sum(n)
		from counts where metric in ('band', 'flag', 'option') and `+where+`
		group by questionnaire, version, metric, key`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var keys []KeyCount
	for rows.Next() {
		var c KeyCount
		if err := rows.Scan(&c.Questionnaire, &c.Version, &c.Metric, &c.Key, &c.N); err != nil {
			return nil, nil, err
		}
		keys = append(keys, c)
	}
	return periods, keys, rows.Err()
}

func (f CountFilter) where() (string, []any) {
	var b strings.Builder
	// Weeks (2026-W47) and months (2026-11) share the column; both sort in time order.
	b.WriteString("period between ? and ? and ")
	if f.Weekly {
		b.WriteString("substr(period, 5, 2) = '-W'")
	} else {
		b.WriteString("substr(period, 5, 2) <> '-W'")
	}
	args := []any{f.From, f.To}
	in := func(col string, vals []string) {
		b.WriteString(" and " + col + " in (" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("questionnaire", f.Questionnaires)
	in("lang", f.Langs)
	in("region", f.Regions)
	return b.String(), args
}

// CountedVersions lists every questionnaire version that has ever had a response counted.
func (s *Store) CountedVersions(ctx context.Context) ([]QuestionnaireVersion, error) {
	rows, err := s.read.QueryContext(ctx, `/* Store.CountedVersions */ select distinct questionnaire, version
		from counts where metric = 'responses' order by 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QuestionnaireVersion
	for rows.Next() {
		var v QuestionnaireVersion
		if err := rows.Scan(&v.Questionnaire, &v.Version); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
