package questionnaire

// Link fills in what the engine derives from a definition known to be sound: each section's
// and item's place, the lookups by id, the items each score counts and the scores it uses,
// and the level scores. Parse calls it last, once every check has passed and each score's
// range is known.
func (q *Questionnaire) Link() {
	q.itemIDs = map[string]*Item{}
	q.scores = map[string]*Score{}
	q.domains = map[string]*Domain{}
	for _, d := range q.Domains {
		q.domains[d.ID] = d
	}
	q.PlaceItems()
	n := 0
	for si, s := range q.Sections {
		s.index = si
		for _, it := range s.Items {
			it.index = n
			n++
			q.items = append(q.items, it)
			q.itemIDs[it.ID] = it
		}
	}
	for _, s := range q.Scores {
		q.scores[s.ID] = s
		s.items = nil
		for _, id := range s.Items {
			s.items = append(s.items, q.itemIDs[id])
		}
	}
	q.level = q.scores[q.Level]
	q.linkScores()
}

// PlaceItems ties each item to its section (Item.Section), whose skip logic applies to it.
// Link does it too; lint does it first, to evaluate skip logic in a file it is still checking.
func (q *Questionnaire) PlaceItems() {
	for _, s := range q.Sections {
		for _, it := range s.Items {
			it.section = s
		}
	}
}
