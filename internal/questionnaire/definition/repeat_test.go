package definition_test

import (
	"slices"
	"testing"
)

// A repeated block becomes one section per entry, with ids, texts, skip logic and scores of
// its own, as if it had been written out by hand.
func TestRepeatedBlock(t *testing.T) {
	q := parseFile(t, "assist.yaml")
	var ids []string
	for _, s := range q.Sections {
		ids = append(ids, s.ID)
	}
	if want := []string{"lifetime", "alcohol_alcohol", "drugs_cannabis", "drugs_cocaine", "injecting"}; !slices.Equal(ids, want) {
		t.Fatalf("sections %v, want %v", ids, want)
	}
	it := q.Item("q3_cannabis")
	if it == nil {
		t.Fatal("no item q3_cannabis")
	}
	if block, entry := it.Entry(); block != "drugs" || entry != "cannabis" {
		t.Errorf("Entry() = %q, %q", block, entry)
	}
	if block, entry := q.Item("q1").Entry(); block != "" || entry != "" {
		t.Errorf("an item written once has entry %q, %q", block, entry)
	}
	if got := it.Prompt.In("en"); got != "ASSIST question 3 about Cannabis (placeholder wording)" {
		t.Errorf("prompt %q", got)
	}
	if got := it.ShowIf.Item; got != "q2_cannabis" {
		t.Errorf("the copy's skip logic looks at %q, want its own q2_cannabis", got)
	}
	if got := q.Section("drugs_cocaine").Title.In("en"); got != "Cocaine (placeholder)" {
		t.Errorf("title %q", got)
	}
	var levels []string
	for _, s := range q.LevelScores() {
		levels = append(levels, s.ID)
	}
	if want := []string{"highest", "risk_alcohol", "risk_cannabis", "risk_cocaine"}; !slices.Equal(levels, want) {
		t.Errorf("level scores %v, want %v", levels, want)
	}
	if got := q.ScoreByID("risk_alcohol").Band(11).ID; got != "moderate" {
		t.Errorf("alcohol's 11 is %s: its block's bands were not used", got)
	}
	if got := q.ScoreByID("risk_cocaine").Band(4).ID; got != "moderate" {
		t.Errorf("cocaine's 4 is %s", got)
	}
	var subs []string
	for _, s := range q.ScoreByID("highest").Subscores() {
		subs = append(subs, s.ID)
	}
	if want := []string{"tier_alcohol", "tier_cannabis", "tier_cocaine"}; !slices.Equal(subs, want) {
		t.Errorf("highest uses %v, want %v", subs, want)
	}
	// Only the substances ticked are asked about, and only they have a level.
	shown := shownIDs(q, ans("q1", "cocaine", "q2_cocaine", "never"))
	if want := []string{"q1", "q2_cocaine", "q6_cocaine", "q7_cocaine", "q8"}; !slices.Equal(shown, want) {
		t.Errorf("shown %v, want %v", shown, want)
	}
}
