package questionnaire

// Link fills in what the engine derives from a definition known to be sound: each section's
// and item's place, the lookups by id, the items each score counts and the scores it uses,
// and the level scores. ranges are the lowest and highest value of each score, by id (what
// Score.Range returns), as lint found them. Package definition calls it last, once every check
// has passed.
func (q *Questionnaire) Link(ranges map[string][2]int) {
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
		s.min, s.max = ranges[s.ID][0], ranges[s.ID][1]
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
