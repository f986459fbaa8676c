package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// The JSON API serves other clients (a clinic kiosk, an app) with the same validation and
// storage as the web form.
func (s *Server) mountAPI(e *gin.Engine) {
	e.GET("/api/v1/questionnaires", s.handle(s.listQuestionnaires))
	e.GET("/api/v1/questionnaires/:id", s.handle(s.getQuestionnaire))
	e.POST("/api/v1/questionnaires/:id/responses", s.handle(s.createResponse))
}

func (s *Server) apiLang(c *gin.Context) string {
	return i18n.Negotiate(c.Query("lang"), c.GetHeader("Accept-Language"), s.langs)
}

type apiQuestionnaireSummary struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	Title     string   `json:"title"`
	Minutes   int      `json:"minutes"`
	Languages []string `json:"languages"`
}

func (s *Server) listQuestionnaires(c *gin.Context) error {
	lang := s.apiLang(c)
	out := []apiQuestionnaireSummary{}
	for _, q := range s.cat.Questionnaires() {
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
}

type apiOption struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	Exclusive bool   `json:"exclusive,omitempty"`
}

func (s *Server) getQuestionnaire(c *gin.Context) error {
	q := s.cat.Latest(c.Param("id"))
	if q == nil {
		return errNotFound
	}
	lang := s.apiLang(c)
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

type apiProblem struct {
	Item    string `json:"item,omitempty"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

func apiProblems(c *gin.Context, status int, ps ...apiProblem) error {
	c.JSON(status, map[string]any{"errors": ps})
	return nil
}

// decodeSubmission reads a body strictly: one JSON object with the fields of apiSubmission
// spelt exactly, none twice, nothing after it. (encoding/json alone keeps the last of repeated
// names, matches names in any case and stops reading at the end of the first value.)
func decodeSubmission(body []byte) (apiSubmission, error) {
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

func (s *Server) createResponse(c *gin.Context) error {
	q := s.cat.Latest(c.Param("id"))
	if q == nil {
		return errNotFound
	}
	if c.ContentType() != "application/json" {
		return errMediaType
	}
	body, err := io.ReadAll(c.Request.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	if err != nil {
		return errBadRequest
	}
	sub, err := decodeSubmission(body)
	if err != nil {
		return apiProblems(c, http.StatusBadRequest, apiProblem{Code: "bad_json",
			Message: "the body must be one JSON object: {\"lang\": \"en\", \"region\": \"us\", \"answers\": {\"item\": \"code\"}}"})
	}
	lang := sub.Lang
	if lang == "" {
		lang = s.apiLang(c)
	}
	if !q.HasLanguage(lang) || !s.msgs.Has(lang) {
		return apiProblems(c, http.StatusBadRequest, apiProblem{Code: "bad_lang", Message: "lang must be one of the questionnaire's languages"})
	}
	region := questionnaire.OtherRegion
	if sub.Region != "" {
		if !s.cat.Resources.HasRegion(sub.Region) {
			return apiProblems(c, http.StatusBadRequest, apiProblem{Code: "bad_region", Message: "region is not one of the regions of the help resources"})
		}
		region = sub.Region
	}
	if len(sub.Answers) == 0 {
		return apiProblems(c, http.StatusBadRequest, apiProblem{Code: "bad_json", Message: "answers is missing"})
	}
	answers, err := questionnaire.DecodeAnswersJSON(sub.Answers)
	if err != nil {
		return apiProblems(c, http.StatusBadRequest, apiProblem{Code: "bad_answers", Message: err.Error()})
	}
	r, err := q.Score(answers)
	var ae questionnaire.AnswersError
	if errors.As(err, &ae) {
		ps := make([]apiProblem, len(ae))
		for i, e := range ae {
			ps[i] = apiProblem{Item: e.Item, Code: e.Kind, Message: e.Message}
		}
		return apiProblems(c, http.StatusUnprocessableEntity, ps...)
	}
	if err != nil {
		return err
	}
	token, err := s.saveResult(c, r, lang, region)
	if err != nil {
		return err
	}
	c.Header("Location", "/r/"+token+"?lang="+lang)
	c.JSON(http.StatusCreated, map[string]any{"token": token, "result_url": "/r/" + token + "?lang=" + lang, "result": r.View(lang)})
	return nil
}
