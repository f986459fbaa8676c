package clinician

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

func (a *Area) labels(lang string) fhir.Labels {
	return func(key string) string { return a.site.T(lang, key) }
}

// DownloadResponse sends the response as a FHIR R4 QuestionnaireResponse.
func (a *Area) DownloadResponse(c *gin.Context) error {
	resp, r, err := a.viewable(c, auditdb.ActionFHIRDownload)
	if err != nil {
		return err
	}
	lang := a.site.NewPage(c.Request, "").Lang
	qr := fhir.NewResponse(r, fhir.ResponseInfo{ID: resp.ID, Day: resp.Day}, lang, a.fhirBase(), a.labels(lang))
	return a.sendFHIR(c, resp, "QuestionnaireResponse", "ketascreen-"+resp.ID[:8]+"-questionnaire-response.json", qr)
}

// DownloadQuestionnaire sends the questionnaire version it answered, as a FHIR R4 Questionnaire.
func (a *Area) DownloadQuestionnaire(c *gin.Context) error {
	resp, r, err := a.viewable(c, auditdb.ActionFHIRDownload)
	if err != nil {
		return err
	}
	lang := a.site.NewPage(c.Request, "").Lang
	q := r.Questionnaire
	fq := fhir.NewQuestionnaire(q, lang, a.fhirBase(), a.labels(lang))
	return a.sendFHIR(c, resp, "Questionnaire", fmt.Sprintf("%s-%s-questionnaire.json", q.ID, q.Version), fq)
}

// sendFHIR writes a resource as a download, after its audit row.
func (a *Area) sendFHIR(c *gin.Context, resp *responsedb.Response, kind, filename string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	u := staff.User(c)
	if err := a.audit.Append(c.Request.Context(), auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: auditdb.ActionFHIRDownload,
		ResponseID: resp.ID, Outcome: auditdb.OutcomeOK, Detail: kind}); err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "application/fhir+json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+safeFilename(filename)+`"`)
	c.Status(http.StatusOK)
	_, err := c.Writer.Write(buf.Bytes())
	return err
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeFilename(s string) string { return unsafeFilename.ReplaceAllString(s, "-") }
