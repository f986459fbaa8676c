package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Number items, served from testdata/levels: days drunk in the last 30 (0 to 30, counted by
// points), drinks on a drinking day (1 to 40, asked after 1 day or more), a question asked after
// 10 days, and a step shown only when the drinks score is 5 or more.

// drinkingAnswers reach every question and the top of every level.
var drinkingAnswers = questionnaire.Answers{"days": {"12"}, "drinks": {"6"}, "worry": {"yes"}, "memory": {"yes"}}

func TestNumberItemsWebForm(t *testing.T) {
	cat := levelsCatalog(t)
	q := cat.Latest("drinking")
	ts := newServerWith(t, cat)

	first := ts.get("/q/drinking?lang=en&region=us")
	// A labelled whole-number box with its range and unit, that works without JavaScript.
	mustContain(t, first.Body, `<legend id="prompt-days">`,
		`<input type="number" id="in-days" name="days" inputmode="numeric" min="0" max="30" step="1" value="" aria-labelledby="prompt-days" aria-describedby="hint-days unit-days">`,
		`<span class="unit" id="unit-days">days</span>`, `<p class="hint" id="hint-days">Enter a whole number from 0 to 30.</p>`,
		`data-show-if="{&#34;item&#34;:&#34;days&#34;,&#34;min&#34;:1}"`)
	if strings.Contains(first.Body, `id="item-memory"`) {
		t.Error("the step behind a score is shown before the score is known")
	}

	t.Run("OK", func(t *testing.T) {
		res, visits := ts.walkAsBrowser("drinking", "en", "us", drinkingAnswers)
		var titles []string
		for _, v := range visits {
			titles = append(titles, v.Title)
		}
		// Drinks and worry come up once days is sent; the effects step once drinks is 5 or more.
		if want := []string{"How much you drink", "How much you drink", "How it affects you"}; !slices.Equal(titles, want) || !visits[1].Added {
			t.Errorf("steps %q (added %v), want %q with questions added on the second", titles, visits[1].Added, want)
		}
		page := ts.get(resultPath(t, res))
		checkLevelsShown(t, page.Body, q, drinkingAnswers, "en")
		mustContain(t, page.Body, "<li>On how many of the last 30 days did you have a drink? 12 days</li>",
			"<li>Try to have at least two days a week without a drink.</li>", "<li>Drink water between drinks, and eat before you drink.</li>")
	})

	// A question behind a score of this step's answers: the page's script cannot compute
	// scores, so it comes up once the step is sent, with or without JavaScript.
	t.Run("ScoreCondition", func(t *testing.T) {
		a := questionnaire.Answers{"days": {"12"}, "drinks": {"10"}, "cut_down": {"yes"}, "worry": {"no"}, "memory": {"no"}}
		res, visits := ts.walkAsBrowser("drinking", "en", "us", a)
		if len(visits) != 4 || !visits[2].Added || !slices.Contains(visits[2].Items, "cut_down") || slices.Contains(visits[1].Items, "cut_down") {
			t.Fatalf("visits %+v: want cut_down added on the third page, once drinks was sent", visits)
		}
		if strings.Contains(visits[1].Page.Body, `id="item-cut_down"`) {
			t.Error("the question behind a score is on the page before the score is known")
		}
		if !strings.Contains(visits[2].Page.Body, `<fieldset id="item-cut_down" class="item">`) {
			t.Error("the question behind a score carries skip logic for the page's script, which cannot compute scores")
		}
		resultPath(t, res)
	})

	t.Run("SpacesAround", func(t *testing.T) {
		form := url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"}, "days": {" 0 "}, "seen": {"days"}}
		res := ts.postForm("/q/drinking?lang=en", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("days \" 0 \": %d, want 303 to the result\n%.500s", res.StatusCode, res.Body)
		}
	})

	before := ts.countResponses()
	for _, tc := range []struct {
		name   string
		values []string
		status int
		msg    string // the error shown by the question and in the list of problems
	}{
		{"Huge", []string{"99999999999999999999"}, 422, "This number is too high. Please enter a number from 0 to 30."},
		{"AboveMax", []string{"31"}, 422, "This number is too high. Please enter a number from 0 to 30."},
		{"Negative", []string{"-1"}, 422, "This number is too low. Please enter a number from 0 to 30."},
		{"Decimal", []string{"2.5"}, 422, "Please enter one whole number from 0 to 30, in figures (like 12), with no decimals or words."},
		{"Exponent", []string{"1e1"}, 422, "Please enter one whole number from 0 to 30, in figures (like 12), with no decimals or words."},
		{"Text", []string{"twelve"}, 422, "Please enter one whole number from 0 to 30, in figures (like 12), with no decimals or words."},
		{"OtherDigits", []string{"١٢"}, 422, "Please enter one whole number from 0 to 30, in figures (like 12), with no decimals or words."},
		{"TwoValues", []string{"3", "4"}, 422, "Please enter one whole number from 0 to 30, in figures (like 12), with no decimals or words."},
		{"Empty", []string{""}, 422, "Please enter a number from 0 to 30."},
		{"TooLong", []string{strings.Repeat("1", 201)}, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"}, "days": tc.values, "seen": {"days"}}
			res := ts.postForm("/q/drinking?lang=en", form)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%.500s", res.StatusCode, tc.status, res.Body)
			}
			if tc.msg == "" {
				return
			}
			mustContain(t, res.Body, `<p class="error" id="error-days"><span class="visually-hidden">Error: </span>`+htmlEscape(tc.msg)+`</p>`,
				`<a href="#item-days">`+htmlEscape(q.Item("days").Prompt.In("en")+" "+tc.msg)+`</a>`, `aria-invalid="true"`,
				`aria-describedby="error-days hint-days unit-days"`)
			// What was typed is kept in the box, so it can be corrected.
			if kept := strings.TrimSpace(tc.values[0]); !strings.Contains(res.Body, `name="days" inputmode="numeric" min="0" max="30" step="1" value="`+htmlEscape(kept)+`"`) {
				t.Errorf("the value %q is not kept in the box", kept)
			}
		})
	}
	if n := ts.countResponses(); n != before {
		t.Errorf("refused steps stored %d responses", n-before)
	}

	// The same in Spanish, in "usted".
	res := ts.postForm("/q/drinking?lang=es", url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"}, "days": {"2,5"}, "seen": {"days"}})
	mustContain(t, res.Body, "Escriba un solo número entero del 0 al 30, en cifras (como 12), sin decimales ni palabras.", `<span class="unit" id="unit-days">días</span>`)
}

func TestNumberItemsAPI(t *testing.T) {
	cat := levelsCatalog(t)
	ts := newServerWith(t, cat)

	var got struct {
		Sections []struct {
			Items []struct {
				ID      string `json:"id"`
				Type    string `json:"type"`
				Min     *int   `json:"min"`
				Max     *int   `json:"max"`
				Unit    string `json:"unit"`
				Options []any  `json:"options"`
			} `json:"items"`
		} `json:"sections"`
	}
	res := ts.get("/api/v1/questionnaires/drinking?lang=es")
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	days := got.Sections[0].Items[0]
	if days.ID != "days" || days.Type != "number" || days.Min == nil || *days.Min != 0 || days.Max == nil || *days.Max != 30 ||
		days.Unit != "días" || days.Options == nil || len(days.Options) != 0 {
		t.Errorf("days in the API: %+v", days)
	}
	if worry := got.Sections[0].Items[2]; worry.Min != nil || worry.Max != nil || worry.Unit != "" {
		t.Errorf("a choice item has a range or unit: %+v", worry)
	}

	// A number sent as a JSON number or as its text.
	for _, answers := range []map[string]any{
		{"days": 12, "drinks": 6, "worry": "yes", "memory": "yes"},
		{"days": "12", "drinks": "6", "worry": "yes", "memory": "yes"},
	} {
		res, body := ts.submitAPIFor("drinking", "en", "us", answers)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("%v: %d %s", answers, res.StatusCode, res.Body)
		}
		page := ts.get(body["result_url"].(string))
		checkLevelsShown(t, page.Body, cat.Latest("drinking"), drinkingAnswers, "en")
	}

	before := ts.countResponses()
	for _, tc := range []struct {
		name   string
		days   string // JSON
		status int
	}{
		{"Huge", "99999999999999999999", 422}, {"AboveMax", "31", 422}, {"Negative", "-1", 422}, {"Decimal", "2.5", 422},
		{"DecimalText", `"2.5"`, 422}, {"Exponent", "1e1", 422}, {"Text", `"twelve"`, 422}, {"TwoValues", `["3", "4"]`, 422},
		{"Empty", `""`, 422}, {"Spaces", `" 12 "`, 422}, {"Bool", "true", 400}, {"Object", `{"value": 12}`, 400}, {"Null", "null", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"lang": "en", "region": "us", "answers": {"days": ` + tc.days + `}}`
			res := ts.post("/api/v1/questionnaires/drinking/responses", "application/json", body)
			if res.StatusCode != tc.status || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want %d problem details: %s", res.StatusCode, res.Header.Get("Content-Type"), tc.status, res.Body)
			}
			if tc.status != 422 {
				return
			}
			var p struct {
				Code   string `json:"code"`
				Errors []struct {
					Item    string `json:"item"`
					Kind    string `json:"error"`
					Message string `json:"message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil {
				t.Fatal(err)
			}
			// The item first, with its kind and words; 31 is a number, so the questions it
			// brings up are missing too.
			if p.Code != "invalid_answers" || len(p.Errors) == 0 || p.Errors[0].Item != "days" || p.Errors[0].Kind != questionnaire.ErrNumber ||
				!strings.HasPrefix(p.Errors[0].Message, "days takes ") {
				t.Errorf("problem %s, want days first, %q", res.Body, questionnaire.ErrNumber)
			}
			for _, e := range p.Errors[1:] {
				if e.Kind != questionnaire.ErrRequired {
					t.Errorf("another problem than a question left unanswered: %+v", e)
				}
			}
		})
	}
	if n := ts.countResponses(); n != before {
		t.Errorf("refused submissions stored %d responses", n-before)
	}
}
