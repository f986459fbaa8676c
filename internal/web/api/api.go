// Package api is the JSON API for other clients (a clinic kiosk, an app): the questionnaires
// and their skip logic, and submissions with the same validation and storage as the web form.
// Every error is RFC 9457 problem details.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/answersjson"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Area is the JSON API.
type Area struct {
	site *web.Site
	// save stores a scored response (the respondent area's, so both paths store alike).
	save func(ctx context.Context, r *questionnaire.Result, lang, region string) (string, error)
}

// New makes the API; save stores a scored response and returns its result token.
func New(site *web.Site, save func(ctx context.Context, r *questionnaire.Result, lang, region string) (string, error)) *Area {
	return &Area{site: site, save: save}
}

func (a *Area) lang(c *gin.Context) string {
	return i18n.Negotiate(c.Query("lang"), c.GetHeader("Accept-Language"), a.site.Langs())
}

type apiQuestionnaireSummary struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	Title     string   `json:"title"`
	Minutes   int      `json:"minutes"`
	Languages []string `json:"languages"`
}

// ListQuestionnaires lists every questionnaire, newest versions.
func (a *Area) ListQuestionnaires(c *gin.Context) error {
	lang := a.lang(c)
	out := []apiQuestionnaireSummary{}
	for _, q := range a.site.Catalog.Questionnaires() {
		out = append(out, apiQuestionnaireSummary{ID: q.ID, Version: q.Version, Title: q.Title.In(lang), Minutes: q.Minutes, Languages: q.Languages})
	}
	c.JSON(http.StatusOK, map[string]any{"questionnaires": out})
	return nil
}

type apiQuestionnaire struct {
	apiQuestionnaireSummary
	Language     string       `json:"language"`
	Introduction string       `json:"introduction"`
	Notice       string       `json:"notice"`
	Sections     []apiSection `json:"sections"`
}

type apiSection struct {
	ID     string                   `json:"id"`
	Title  string                   `json:"title"`
	Intro  string                   `json:"intro,omitempty"`
	ShowIf *questionnaire.Condition `json:"show_if,omitempty"`
	Items  []apiItem                `json:"items"`
}

type apiItem struct {
	ID       string                   `json:"id"`
	Type     string                   `json:"type"`
	Prompt   string                   `json:"prompt"`
	Help     string                   `json:"help,omitempty"`
	Required bool                     `json:"required"`
	Domain   string                   `json:"domain"`
	ShowIf   *questionnaire.Condition `json:"show_if,omitempty"`
	Options  []apiOption              `json:"options"`
	// A number item takes a whole number from Min to Max (sent as 12 or "12"), in Unit.
	Min  *int   `json:"min,omitempty"`
	Max  *int   `json:"max,omitempty"`
	Unit string `json:"unit,omitempty"`
}

type apiOption struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	Exclusive bool   `json:"exclusive,omitempty"`
}

// GetQuestionnaire is one questionnaire in one language, with its skip logic.
func (a *Area) GetQuestionnaire(c *gin.Context) error {
	q := a.site.Catalog.Latest(c.Param("id"))
	if q == nil {
		return web.ErrNotFound
	}
	lang := a.lang(c)
	if !q.HasLanguage(lang) {
		lang = q.Languages[0]
	}
	out := apiQuestionnaire{
		apiQuestionnaireSummary: apiQuestionnaireSummary{ID: q.ID, Version: q.Version, Title: q.Title.In(lang), Minutes: q.Minutes, Languages: q.Languages},
		Language:                lang, Introduction: q.Introduction.In(lang), Notice: q.Notice.In(lang),
	}
	for _, sec := range q.Sections {
		as := apiSection{ID: sec.ID, Title: sec.Title.In(lang), Intro: sec.Intro.In(lang), ShowIf: sec.ShowIf}
		for _, it := range sec.Items {
			ai := apiItem{ID: it.ID, Type: it.Type, Prompt: it.Prompt.In(lang), Help: it.Help.In(lang), Required: it.IsRequired(),
				Domain: it.Domain, ShowIf: it.ShowIf}
			for _, o := range it.Options {
				ai.Options = append(ai.Options, apiOption{Code: o.Code, Label: o.Label.In(lang), Exclusive: o.Exclusive})
			}
			if it.Type == questionnaire.Number {
				lo, hi := it.Range()
				ai.Min, ai.Max, ai.Unit = &lo, &hi, it.Unit.In(lang)
				ai.Options = []apiOption{} // still a list, for clients that read every item alike
			}
			as.Items = append(as.Items, ai)
		}
		out.Sections = append(out.Sections, as)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// apiSubmission is the body of a POST to responses.
type apiSubmission struct {
	Lang    string          `json:"lang"`
	Region  string          `json:"region"`
	Answers json.RawMessage `json:"answers"`
}

// problem answers with problem details: code names it for programs, detail for people.
func problem(c *gin.Context, status int, code, detail string) error {
	web.WriteProblem(c.Writer, web.Problem{Status: status, Code: code, Detail: detail})
	return nil
}

// decodeSubmission reads a body strictly: one JSON object with the fields of apiSubmission
// spelt exactly, none twice, nothing after it. (encoding/json alone keeps the last of repeated
// names, matches names in any case and stops reading at the end of the first value.)
func decodeSubmission(body []byte) (apiSubmission, error) {
	if sub, ok := decodeSubmissionFast(body); ok {
		return sub, nil
	}
	return decodeSubmissionTokens(body)
}

// decodeSubmissionTokens is decodeSubmission through encoding/json's tokens, for every body the
// fast path does not take.
func decodeSubmissionTokens(body []byte) (apiSubmission, error) {
	var sub apiSubmission
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return sub, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return sub, err
		}
		key, _ := t.(string)
		if seen[key] {
			return sub, errors.New("a field appears twice")
		}
		seen[key] = true
		switch key {
		case "lang":
			err = dec.Decode(&sub.Lang)
		case "region":
			err = dec.Decode(&sub.Region)
		case "answers":
			err = dec.Decode(&sub.Answers)
		default:
			return sub, errors.New("unknown field")
		}
		if err != nil {
			return sub, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return sub, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return sub, errors.New("data after the object")
	}
	return sub, nil
}

// CreateResponse scores and stores a submission; 201 once it is durably stored.
func (a *Area) CreateResponse(c *gin.Context) error {
	q := a.site.Catalog.Latest(c.Param("id"))
	if q == nil {
		return web.ErrNotFound
	}
	if c.ContentType() != "application/json" {
		return web.ErrMediaType
	}
	body, err := io.ReadAll(c.Request.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return web.ErrTooLarge
	}
	if err != nil {
		return web.ErrBadRequest
	}
	sub, err := decodeSubmission(body)
	if err != nil {
		return problem(c, http.StatusBadRequest, "bad_json",
			"the body must be one JSON object: {\"lang\": \"en\", \"region\": \"us\", \"answers\": {\"item\": \"code\", \"number_item\": 12}}")
	}
	lang := sub.Lang
	if lang == "" {
		lang = a.lang(c)
	}
	if !q.HasLanguage(lang) || !a.site.HasLanguage(lang) {
		return problem(c, http.StatusBadRequest, "bad_lang", "lang must be one of the questionnaire's languages")
	}
	if len(sub.Answers) == 0 {
		return problem(c, http.StatusBadRequest, "bad_json", "answers is missing")
	}
	// The region decides which help lines the result shows, crisis lines included, so it is
	// never assumed, here as on the web form: a client that means "anywhere" sends "other".
	region := a.site.KnownRegion(sub.Region)
	if region == "" {
		return problem(c, http.StatusBadRequest, "bad_region", "region is required and must be one of the regions of the help resources: "+
			strings.Join(a.regionIDs(), ", ")+` ("other" for the lines that work in most countries)`)
	}
	answers, err := answersjson.Decode(sub.Answers)
	if err != nil {
		return problem(c, http.StatusBadRequest, "bad_answers", err.Error())
	}
	r, err := q.Score(answers)
	var ae questionnaire.AnswersError
	if errors.As(err, &ae) {
		ps := make([]web.ItemProblem, len(ae))
		for i, e := range ae {
			ps[i] = web.ItemProblem{Item: e.Item, Code: e.Kind, Message: e.Message}
		}
		web.WriteProblem(c.Writer, web.Problem{Status: http.StatusUnprocessableEntity, Code: "invalid_answers",
			Detail: "some answers are missing or not allowed: see errors", Errors: ps})
		return nil
	}
	if err != nil {
		return err
	}
	token, err := a.save(c.Request.Context(), r, lang, region)
	if err != nil {
		return err
	}
	url := "/r/" + token + "?lang=" + lang
	buf := createdBodies.Get().(*[]byte)
	defer createdBodies.Put(buf)
	*buf = appendCreated((*buf)[:0], &created{Result: resultview.Of(r, lang), ResultURL: url, Token: token})
	h := c.Writer.Header()
	h["Location"] = []string{url}
	h["Content-Type"] = jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(*buf))}
	c.Writer.WriteHeader(http.StatusCreated)
	c.Writer.Write(*buf) // the result is stored: a client gone now is not an error
	return nil
}

// createdBodies are buffers for the bodies of 201s, kept between submissions.
var createdBodies = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

var jsonType = []string{"application/json; charset=utf-8"}

// created is the body of a 201. Its fields are in the order a map's keys were written in
// (sorted), so the bytes are as before, without a map to build and sort for each submission.
type created struct {
	Result    resultview.ResultView `json:"result"`
	ResultURL string                `json:"result_url"`
	Token     string                `json:"token"`
}

// regionIDs lists the regions a submission may name, in the resources file's order.
func (a *Area) regionIDs() []string {
	var ids []string
	for _, r := range a.site.Catalog.Resources.Regions {
		ids = append(ids, r.ID)
	}
	return ids
}
