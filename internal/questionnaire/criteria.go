package questionnaire

// Criteria is the score kind that counts DSM-5 criteria met rather than items: two items
// mapped to the same criterion (used more than meant, used more than prescribed) count once,
// and an item mapped to none can count nothing, so every item it lists needs a dsm5 code.
const Criteria = "criteria"

// criteriaRange is the lowest and highest number of criteria the items can meet. A criterion
// can be met when one of its items has an option that counts; it is always met only when one
// of its items is always asked, required, and has nothing but options that count.
func criteriaRange(s *Score, items []*Item) (lo, hi int) {
	can, must := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if it.DSM5 == "" {
			continue
		}
		counts, all := false, true
		for _, o := range it.Options {
			if o.ValueFor(s.ID) > 0 {
				counts = true
			} else {
				all = false
			}
		}
		if counts {
			can[it.DSM5] = true
		}
		alwaysAsked := it.IsRequired() && it.ShowIf == nil && (it.section == nil || it.section.ShowIf == nil)
		if counts && all && alwaysAsked {
			must[it.DSM5] = true
		}
	}
	return len(must), len(can)
}
