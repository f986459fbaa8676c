package server_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Helpers for serving other questionnaire folders than the shipped one: the instrument library
// as `serve --questionnaires questionnaires/library` serves it, and testdata/levels (number
// items, several levels, a site file with an introduction).

// folderCatalog loads a questionnaires folder from disk, as --questionnaires does.
func folderCatalog(t testing.TB, dir string) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("%s has problems:\n%v", dir, err)
	}
	return cat
}

func libraryCatalog(t testing.TB) *catalog.Catalog {
	return folderCatalog(t, filepath.Join("..", "..", "questionnaires", "library"))
}

func levelsCatalog(t testing.TB) *catalog.Catalog {
	return folderCatalog(t, filepath.Join("testdata", "levels"))
}

// newServerWith is the real server on a fresh SQLite file, serving cat.
func newServerWith(t *testing.T, cat *catalog.Catalog) *testServer {
	t.Helper()
	return newTestServerOpts(t, filepath.Join(t.TempDir(), "ketascreen.db"), serverOptions{Catalog: cat}, &authenticators{})
}

var (
	hiddenInputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	fieldsetRE    = regexp.MustCompile(`<fieldset id="item-([A-Za-z0-9_]+)"[^>]*>`)
	h1RE          = regexp.MustCompile(`<h1 id="step-title">([^<]*)</h1>`)
)

// formVisit is one page of the form a walk saw.
type formVisit struct {
	Title string // the step's heading
	Added bool   // the server added a question the page had not shown
	Items []string
	Page  response
}

// walkAsBrowser answers a questionnaire as a browser without JavaScript does: on each page it
// sends the hidden fields as they are plus its answers to the questions the page shows, and
// nothing for a question the page hides. It returns the last response (a 303 to the result
// when all went well) and the pages it went through.
func (ts *testServer) walkAsBrowser(qid, lang, region string, answers questionnaire.Answers) (response, []formVisit) {
	ts.t.Helper()
	page := ts.get("/q/" + qid + "?lang=" + lang + "&region=" + region)
	if page.StatusCode != http.StatusOK {
		ts.t.Fatalf("GET /q/%s: %d", qid, page.StatusCode)
	}
	var visits []formVisit
	for range 40 {
		v := formVisit{Added: strings.Contains(page.Body, `class="notice" role="status"`), Page: page}
		if m := h1RE.FindStringSubmatch(page.Body); m != nil {
			v.Title = html.UnescapeString(m[1])
		}
		form := url.Values{"nav": {"next"}}
		for _, m := range hiddenInputRE.FindAllStringSubmatch(page.Body, -1) {
			form.Add(m[1], html.UnescapeString(m[2]))
		}
		for _, m := range fieldsetRE.FindAllStringSubmatch(page.Body, -1) {
			if strings.Contains(m[0], " hidden") {
				continue
			}
			v.Items = append(v.Items, m[1])
			form[m[1]] = answers[m[1]]
		}
		visits = append(visits, v)
		page = ts.postForm("/q/"+qid+"?lang="+lang, form)
		if page.StatusCode != http.StatusOK {
			return page, visits
		}
	}
	ts.t.Fatal("the form never ended")
	return response{}, nil
}

// submitAPIFor posts answers (any JSON: codes, lists, numbers) to a questionnaire's API.
func (ts *testServer) submitAPIFor(qid, lang, region string, answers any) (response, map[string]any) {
	ts.t.Helper()
	body, _ := json.Marshal(map[string]any{"lang": lang, "region": region, "answers": answers})
	res := ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", string(body))
	var out map[string]any
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		ts.t.Fatalf("API answered %d with non-JSON: %s", res.StatusCode, res.Body)
	}
	return res, out
}

// checkLevelsShown checks that a result page shows every level of the answers: the main one
// first, then each other level with its score's label, band label, meaning and next steps.
func checkLevelsShown(t *testing.T, body string, q *questionnaire.Questionnaire, a questionnaire.Answers, lang string) {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	view := resultview.Of(r, lang)
	main := `<p class="level-label"><strong>` + htmlEscape(r.LevelText().Label.In(lang)) + `</strong></p>`
	first := strings.Index(body, `<p class="level-label">`)
	if first < 0 || !strings.HasPrefix(body[first:], main) {
		t.Errorf("the first level shown is not the main level %q", main)
	}
	others := 0
	for _, lv := range view.Levels {
		if lv.Score == q.LevelScore().ID {
			continue
		}
		others++
		i := strings.Index(body, `<h3 id="level-`+lv.Score+`">`+htmlEscape(lv.ScoreLabel)+`</h3>`)
		if i < first {
			t.Errorf("level %s is not shown after the main level, under its score's label %q", lv.Score, lv.ScoreLabel)
			continue
		}
		end := strings.Index(body[i:], "</section>")
		box := body[i : i+end]
		mustContain(t, box, `<strong>`+htmlEscape(lv.Label)+`</strong>`, htmlEscape(lv.Meaning))
		for _, s := range lv.NextSteps {
			mustContain(t, box, "<li>"+htmlEscape(s)+"</li>")
		}
	}
	if got := strings.Count(body, `<section class="level" aria-labelledby="level-`); got != others {
		t.Errorf("%d other levels shown, want %d", got, others)
	}
	if (others > 0) != strings.Contains(body, `id="levels-title"`) {
		t.Errorf("the other levels' heading shown = %v with %d other levels", !(others > 0), others)
	}
	for _, s := range q.Scores {
		if _, ok := r.Scores[s.ID]; !ok && strings.Contains(body, `id="level-`+s.ID+`"`) {
			t.Errorf("score %s has no value, and its level is shown", s.ID)
		}
	}
}

// heaviestOf are answers that make a questionnaire's longest pages: every question asked that
// can be, the highest-scoring option of each, every option of a multiple-choice question, the
// top of each number's range, then any overrides (to raise a flag).
func heaviestOf(q *questionnaire.Questionnaire, over questionnaire.Answers) questionnaire.Answers {
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if !shown {
			continue
		}
		switch {
		case over[it.ID] != nil:
			a[it.ID] = over[it.ID]
		case it.Type == questionnaire.Number:
			_, hi := it.Range()
			a[it.ID] = []string{strconv.Itoa(hi)}
		case it.Type == questionnaire.Multiple:
			for _, o := range it.Options {
				if !o.Exclusive {
					a[it.ID] = append(a[it.ID], o.Code)
				}
			}
		default:
			best := it.Options[0]
			for _, o := range it.Options {
				if o.Value >= best.Value {
					best = o
				}
			}
			a[it.ID] = []string{best.Code}
		}
	}
	return a
}

// The tests of this area reach the store only through these two, so a change of the store's
// API is made here once.

// storedResponse is the id and answers of the response stored under a result token.
func storedResponse(t *testing.T, ts *testServer, token string) (id string, answers questionnaire.Answers) {
	t.Helper()
	r, err := responsedb.New(ts.Store).ResponseByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID, r.Answers
}

// addClinician makes a clinician's account.
func addClinician(t *testing.T, ts *testServer, email string) {
	t.Helper()
	addUser(t, ts, email, staffdb.RoleClinician)
}
