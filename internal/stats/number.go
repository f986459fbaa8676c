package stats

import (
	"fmt"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// A number item is counted by the bands of its points, the instrument's own groups of values
// (days used: 0, 1 to 3, 4 to 9...): one cell per band, and one band per response, so a
// response touches one cell of the item as it would of a single-choice item. The values
// themselves are never cells: a range may hold thousands, most of them rare enough to pick a
// person out. A number item without points, or with more bands than an item may have options,
// is not counted at all.

// maxNumberBands bounds the cells of one number item, as the format bounds an item's options.
const maxNumberBands = questionnaire.MaxAnswerCodes

// numberItem is a number item's place in a release, or false when it is not counted.
func numberItem(it *questionnaire.Item) (LayoutItem, bool) {
	if len(it.Points) == 0 || len(it.Points) > maxNumberBands {
		return LayoutItem{}, false
	}
	li := LayoutItem{ID: it.ID, Number: true, Most: 1}
	for _, p := range it.Points {
		li.Codes = append(li.Codes, bandCode(p.Min, p.Max))
	}
	return li, true
}

// bandCode names a band of values: "0" for one value, "1..3" for several.
func bandCode(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}

// parseBandCode reads a band's name back; ok is false for anything bandCode does not write.
func parseBandCode(code string) (lo, hi int, ok bool) {
	if n, err := fmt.Sscanf(code, "%d..%d", &lo, &hi); err == nil && n == 2 && bandCode(lo, hi) == code {
		return lo, hi, true
	}
	if n, err := fmt.Sscanf(code, "%d", &lo); err == nil && n == 1 && bandCode(lo, lo) == code {
		return lo, lo, true
	}
	return 0, 0, false
}

// numberBand is the band that holds a stored number answer. A value no band holds (a damaged
// row, or one from before the item's range changed) is counted nowhere.
func (it LayoutItem) numberBand(codes []string) (string, bool) {
	v, ok := questionnaire.NumberValue(codes)
	if !ok {
		return "", false
	}
	for _, c := range it.Codes {
		if lo, hi, ok := parseBandCode(c); ok && v >= lo && v <= hi {
			return c, true
		}
	}
	return "", false
}

// NumberBandLabel names a band of a number item's values with the item's unit: "1–3 days".
func NumberBandLabel(it *questionnaire.Item, code, lang string) string {
	lo, hi, ok := parseBandCode(code)
	if !ok {
		return ""
	}
	s := fmt.Sprint(lo)
	if hi != lo {
		s = fmt.Sprintf("%d–%d", lo, hi)
	}
	if u := it.Unit.In(lang); u != "" {
		s += " " + u
	}
	return s
}
