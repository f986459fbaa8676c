package questionnaire

import (
	"fmt"
	"strconv"
)

// ErrNumber is the answer error kind for a number item given something else, or a number
// outside its range.
const ErrNumber = "number"

// Points is a band of a number item's values that counts as one value in scores: days used
// 0 counts 0, 1 to 4 counts 1, and so on.
type Points struct {
	Min   int `yaml:"min"`
	Max   int `yaml:"max"`
	Value int `yaml:"value" validate:"min=-1000,max=1000"`
}

// Range is the lowest and highest answer a number item takes.
func (it *Item) Range() (lo, hi int) {
	if it.Min != nil {
		lo = *it.Min
	}
	if it.Max != nil {
		hi = *it.Max
	}
	return lo, hi
}

// NumberValue reads a number item's answer: one whole number, written in decimal.
func NumberValue(codes []string) (int, bool) {
	if len(codes) != 1 || len(codes[0]) == 0 || len(codes[0]) > 7 {
		return 0, false
	}
	v, err := strconv.Atoi(codes[0])
	return v, err == nil
}

// numberValue is what a number answer counts in a score.
func (it *Item) numberValue(v int) int {
	if len(it.Points) > 0 {
		for _, p := range it.Points {
			if v >= p.Min && v <= p.Max {
				return p.Value
			}
		}
		return 0 // lint makes the points cover the item's range
	}
	if it.Weight != nil {
		return v * *it.Weight
	}
	return v
}

// checkNumber is the problem with a number item's answer, if any.
func checkNumber(it *Item, codes []string) []AnswerError {
	lo, hi := it.Range()
	v, ok := NumberValue(codes)
	switch {
	case !ok:
		return []AnswerError{{Item: it.ID, Kind: ErrNumber, Message: fmt.Sprintf("%s takes one whole number", it.ID)}}
	case v < lo || v > hi:
		return []AnswerError{{Item: it.ID, Kind: ErrNumber, Message: fmt.Sprintf("%s takes a number from %d to %d, not %d", it.ID, lo, hi, v)}}
	}
	return nil
}

// numberHolds is an item condition with min and max, on a number item.
func numberHolds(codes []string, lo, hi *int) bool {
	v, ok := NumberValue(codes)
	return ok && (lo == nil || v >= *lo) && (hi == nil || v <= *hi)
}

// ValueRange is what a number item can add to a score, from its lowest to its highest.
func (it *Item) ValueRange() (lo, hi int) {
	a, b := it.Range()
	if len(it.Points) > 0 {
		lo, hi = it.Points[0].Value, it.Points[0].Value
		for _, p := range it.Points {
			lo, hi = min(lo, p.Value), max(hi, p.Value)
		}
		return lo, hi
	}
	x, y := it.numberValue(a), it.numberValue(b)
	return min(x, y), max(x, y)
}

// NumberText is how a number answer is said back: the question, then the number and its unit.
func (it *Item) NumberText(value, lang string) string {
	s := it.Prompt.In(lang) + " " + value
	if u := it.Unit.In(lang); u != "" {
		s += " " + u
	}
	return s
}
