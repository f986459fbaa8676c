package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// The instrument library served as a clinic would serve it (--questionnaires
// questionnaires/library): each instrument answered through the web form, as a browser without
// JavaScript does, and through the API, with the same stored answers and a result page that
// shows every level.
func TestLibraryWebAndAPI(t *testing.T) {
	cat := libraryCatalog(t)
	ts := newServerWith(t, cat)
	weekly := func(ids ...string) questionnaire.Answers {
		a := questionnaire.Answers{}
		for _, id := range ids {
			a[id] = []string{"weekly"}
		}
		return a
	}
	merge := func(as ...questionnaire.Answers) questionnaire.Answers {
		out := questionnaire.Answers{}
		for _, a := range as {
			for k, v := range a {
				out[k] = v
			}
		}
		return out
	}
	phq := questionnaire.Answers{"q1": {"several_days"}, "q2": {"more_than_half"}, "q3": {"more_than_half"}, "q4": {"nearly_every_day"},
		"q5": {"several_days"}, "q6": {"several_days"}, "q7": {"not_at_all"}, "q8": {"not_at_all"}, "q9": {"not_at_all"}}
	const phqStep = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
	tests := []struct {
		name, qid string
		answers   questionnaire.Answers
		level     string
		steps     []string // the headings of the steps, in order
		added     bool     // a question came up on a step after it was sent (no JavaScript)
	}{
		// Questions 2 and 3 come up once question 1 is sent; they add up to 0, so the step of
		// questions 4 to 8 (behind a score) is skipped.
		{name: "AuditSkipsByScore", qid: "audit", level: "zone1", added: true, steps: []string{"Your drinking", "Your drinking", "Injuries and concern"},
			answers: questionnaire.Answers{"q1": {"monthly_or_less"}, "q2": {"one_two"}, "q3": {"never"}, "q9": {"no"}, "q10": {"no"}}},
		// "Never" on question 1: questions 2 and 3 come up only once it is sent, then 4 to 8 skip.
		{name: "AuditNever", qid: "audit", level: "zone1", steps: []string{"Your drinking", "Injuries and concern"},
			answers: questionnaire.Answers{"q1": {"never"}, "q9": {"no"}, "q10": {"no"}}},
		{name: "AuditAll", qid: "audit", level: "zone4", added: true, steps: []string{"Your drinking", "Your drinking", "During the last year", "Injuries and concern"},
			answers: merge(questionnaire.Answers{"q1": {"four_plus_week"}, "q2": {"ten_plus"}, "q3": {"daily"}, "q9": {"last_year"}, "q10": {"last_year"}},
				weekly("q4", "q5", "q6", "q7", "q8"))},
		// The difficulty item comes up once a problem is ticked and the step sent.
		{name: "PHQ9Difficulty", qid: "phq9", level: "moderate", added: true, steps: []string{phqStep, phqStep},
			answers: merge(phq, questionnaire.Answers{"q10": {"somewhat"}})},
		{name: "PHQ9NoProblems", qid: "phq9", level: "minimal", steps: []string{phqStep},
			answers: questionnaire.Answers{"q1": {"not_at_all"}, "q2": {"not_at_all"}, "q3": {"not_at_all"}, "q4": {"not_at_all"},
				"q5": {"not_at_all"}, "q6": {"not_at_all"}, "q7": {"not_at_all"}, "q8": {"not_at_all"}, "q9": {"not_at_all"}}},
		// A block repeated for each substance ticked, a risk level for each, the highest first.
		{name: "AssistTwoSubstances", qid: "assist", level: "moderate",
			steps: []string{"In your life", "Alcoholic beverages (beer, wine, spirits, etc.)", "Alcoholic beverages (beer, wine, spirits, etc.)",
				"Cannabis (marijuana, pot, grass, hash, etc.)", "Injecting"}, added: true,
			answers: questionnaire.Answers{"q1": {"alcohol", "cannabis"}, "q2_alcohol": {"weekly"}, "q3_alcohol": {"weekly"},
				"q4_alcohol": {"monthly"}, "q5_alcohol": {"never"}, "q6_alcohol": {"past_3_months"}, "q7_alcohol": {"never"},
				"q2_cannabis": {"never"}, "q6_cannabis": {"never"}, "q7_cannabis": {"never"}, "q8": {"never"}}},
		{name: "AssistHighRisk", qid: "assist", level: "high",
			steps: []string{"In your life", "Opioids (heroin, morphine, methadone, codeine, etc.)", "Opioids (heroin, morphine, methadone, codeine, etc.)", "Injecting"}, added: true,
			answers: questionnaire.Answers{"q1": {"opioids"}, "q2_opioids": {"daily"}, "q3_opioids": {"daily"}, "q4_opioids": {"daily"},
				"q5_opioids": {"daily"}, "q6_opioids": {"past_3_months"}, "q7_opioids": {"past_3_months"}, "q8": {"past_3_months"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := cat.Latest(tt.qid)
			r, err := q.Score(tt.answers)
			if err != nil {
				t.Fatalf("the test's answers: %v", err)
			}
			if r.Level == nil || r.Level.ID != tt.level {
				t.Fatalf("the test's answers score %v, the test means %s", r.Level, tt.level)
			}
			res, visits := ts.walkAsBrowser(tt.qid, "en", "us", tt.answers)
			var titles []string
			added := false
			for _, v := range visits {
				titles = append(titles, v.Title)
				added = added || v.Added
				for _, id := range v.Items {
					if tt.answers[id] == nil {
						t.Errorf("step %q asks %s, which these answers skip", v.Title, id)
					}
				}
			}
			if !slices.Equal(titles, tt.steps) || added != tt.added {
				t.Errorf("steps %q (a question added: %v), want %q (%v)", titles, added, tt.steps, tt.added)
			}
			webPath := resultPath(t, res)
			apiRes, body := ts.submitAPIFor(tt.qid, "en", "us", tt.answers)
			if apiRes.StatusCode != http.StatusCreated {
				t.Fatalf("API: %d %s", apiRes.StatusCode, apiRes.Body)
			}
			for _, path := range []string{webPath, body["result_url"].(string)} {
				page := ts.get(path)
				if page.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", path, page.StatusCode)
				}
				checkLevelsShown(t, page.Body, q, tt.answers, "en")
				// Branded with the library's site name, and the questionnaire's own title.
				mustContain(t, page.Body, `<a class="brand" href="/?lang=en">Health self-check</a>`, htmlEscape(q.Title.In("en")))
				if strings.Contains(page.Body, "Ketamine") || strings.Contains(page.Body, "ketamine") {
					t.Errorf("%s speaks of ketamine", path)
				}
				token := strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "/r/")
				_, stored := storedResponse(t, ts, token)
				if got, want := sortedAnswers(stored), sortedAnswers(tt.answers); got != want {
					t.Errorf("%s stored %s, want %s", path, got, want)
				}
			}
		})
	}
	// The start page speaks as the site file says, and lists every instrument.
	landing := ts.get("/?lang=en")
	mustContain(t, landing.Body, "<title>Health self-check</title>", "<h1>Health self-check</h1>",
		`<p class="lead">Short questionnaires about alcohol`)
	for _, id := range cat.IDs() {
		mustContain(t, landing.Body, `<section class="card" aria-labelledby="q-`+id+`">`)
	}
}

// The API lists a questionnaire's repeated blocks as the items they are, with their skip logic,
// so a client can answer ASSIST as the form does.
func TestLibraryAPIListsRepeatedItems(t *testing.T) {
	ts := newServerWith(t, libraryCatalog(t))
	res := ts.get("/api/v1/questionnaires/assist?lang=en")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, res.Body)
	}
	mustContain(t, res.Body, `"id":"q2_cannabis"`, `"id":"q3_cannabis"`, `"show_if":{"item":"q2_cannabis","none_of":["never"]}`)
}
