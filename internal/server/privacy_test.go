package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// The privacy page says what becomes of answers in the statistics, in plain words, in English
// and Spanish: deleting before a week's release leaves a response out of everything; after it,
// the release stays as it is, holding only noisy totals; and the release outlives the answers.
// The wording of the counters that came before releases is gone.
func TestPrivacyPageStatistics(t *testing.T) {
	ts := newTestServer(t)
	msgs := loadMessages(t)
	for _, lang := range []string{"en", "es"} {
		res := ts.get("/privacy?lang=" + lang)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", lang, res.StatusCode)
		}
		for _, want := range []string{"<h2>" + htmlEscape(msgs.T(lang, "privacy.stats_title")) + "</h2>",
			"<p>" + htmlEscape(msgs.T(lang, "privacy.stats")) + "</p>",
			"<p>" + htmlEscape(msgs.T(lang, "privacy.stats_deletion")) + "</p>",
			"<p>" + htmlEscape(msgs.T(lang, "privacy.how_long_stats", 365)) + "</p>"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s: the page lacks %s", lang, want)
			}
		}
		for _, gone := range []string{"Counts so small", "The counts stay", "Conteos de cuántas", "Los conteos se quedan"} {
			if strings.Contains(res.Body, gone) {
				t.Errorf("%s: the page still says %q", lang, gone)
			}
		}
	}
	// The facts themselves, so that a rewording keeps them.
	en := ts.get("/privacy?lang=en").Body
	for _, fact := range []string{"Random noise is added to every number", "If you delete your answers before then, they are left out of the tables",
		"that week&#39;s tables stay as they are: they hold only totals with noise added", "The statistics tables stay"} {
		if !strings.Contains(en, fact) {
			t.Errorf("the English page does not say %q", fact)
		}
	}
	es := ts.get("/privacy?lang=es").Body
	for _, fact := range []string{"A cada número se le añade un ruido al azar", "Si borra sus respuestas antes, no entran en las tablas",
		"las tablas de esa semana se quedan como están", "Las tablas de estadísticas se quedan"} {
		if !strings.Contains(es, fact) {
			t.Errorf("the Spanish page does not say %q", fact)
		}
	}
}

// The dashboard builds some message keys at run time (stats.error.<code>, the ledger's kinds and
// actors): each exists in every language.
func TestStatsMessagesBuiltAtRunTime(t *testing.T) {
	msgs := loadMessages(t)
	// Codes only the release commands produce (the web never shows them).
	commandOnly := map[string]bool{"epsilon": true, "period": true, "budget": true, "purged": true}
	keys := []string{"stats.error.range_page", "stats.error.format", "stats.actor.account", "stats.mechanism.laplace"}
	for _, code := range stats.ParamCodes {
		if !commandOnly[code] {
			keys = append(keys, "stats.error."+code)
		}
	}
	for _, k := range []string{"release", "rerelease", "counters"} {
		keys = append(keys, "stats.ledger."+k)
	}
	for _, a := range []string{"job", "cli", "migration"} {
		keys = append(keys, "stats.actor."+a)
	}
	known := map[string]bool{}
	for _, k := range msgs.Keys() {
		known[k] = true
	}
	for _, k := range keys {
		if !known[k] {
			t.Errorf("no message %s", k)
		}
	}
	for lang, missing := range msgs.Missing() {
		for _, k := range missing {
			if strings.HasPrefix(k, "stats.") {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
	}
}
