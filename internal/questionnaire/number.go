package questionnaire

import (
	"fmt"
	"strconv"
)

// MaxNumber bounds a number item's min and max, so that sums of weighted values stay far from
// overflow and a range can be walked.
const MaxNumber = 100000

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

// checkNumberItem checks a number item's own fields, and that a choice item has none of them.
func (c *checker) checkNumberItem(ip string, it *Item) {
	if it.Type != Number {
		if len(it.Options) == 0 {
			c.pl.Add(ip+".options", "a %s-choice item needs options", it.Type)
		}
		if it.Min != nil || it.Max != nil || it.Unit != nil || it.Weight != nil || it.Points != nil {
			c.pl.Add(ip+".type", "min, max, unit, weight and points go with a number item, not a %s-choice item", it.Type)
		}
		return
	}
	if len(it.Options) > 0 {
		c.pl.Add(ip+".options", "a number item has no options")
	}
	if it.DSM5 != "" {
		c.pl.Add(ip+".dsm5", "a DSM-5 criterion is met by a yes, so it goes with a choice item, not a number")
	}
	if it.Min == nil || it.Max == nil {
		c.pl.Add(ip+".type", "a number item needs min and max")
		return
	}
	lo, hi := *it.Min, *it.Max
	switch {
	case lo > hi:
		c.pl.Add(ip+".min", "min %d is above max %d", lo, hi)
		return
	case lo < -MaxNumber || hi > MaxNumber:
		c.pl.Add(ip+".max", "a number item's range must lie within -%d..%d", MaxNumber, MaxNumber)
		return
	}
	c.text(ip+".unit", it.Unit, false)
	if it.Weight != nil && it.Points != nil {
		c.pl.Add(ip+".points", "give weight or points, not both")
	}
	next := lo
	for i, p := range it.Points {
		pp := fmt.Sprintf("%s.points[%d]", ip, i)
		switch {
		case p.Min > p.Max:
			c.pl.Add(pp+".min", "points start at %d, after their end %d", p.Min, p.Max)
		case p.Min != next:
			c.pl.Add(pp+".min", "points must cover %d to %d in order without gaps: this band starts at %d, not %d", lo, hi, p.Min, next)
		case p.Max > hi:
			c.pl.Add(pp+".max", "points end at %d, outside the item's range %d to %d", p.Max, lo, hi)
		}
		next = p.Max + 1
	}
	if len(it.Points) > 0 && next <= hi {
		c.pl.Add(fmt.Sprintf("%s.points[%d].max", ip, len(it.Points)-1), "points end at %d, but the item goes up to %d", next-1, hi)
	}
}

// numberCondition checks an item condition with min and max: the item must be a number item,
// and the bounds must lie within its range, or the condition is always or never true.
func (c *checker) numberCondition(p string, cond *Condition, it *Item) {
	if it.Type != Number {
		c.pl.Add(p, "min and max go with a score or a number item, not a %s-choice item", it.Type)
		return
	}
	if cond.AnyOf != nil || cond.NoneOf != nil {
		c.pl.Add(p, "any_of and none_of go with a choice item, not a number")
	}
	lo, hi := it.Range()
	for _, b := range []struct {
		key string
		v   *int
	}{{"min", cond.Min}, {"max", cond.Max}} {
		if b.v != nil && (*b.v < lo || *b.v > hi) {
			c.pl.Add(p+"."+b.key, "%s %d is outside the range of %q (%d to %d)", b.key, *b.v, it.ID, lo, hi)
		}
	}
	if cond.Min != nil && cond.Max != nil && *cond.Min > *cond.Max {
		c.pl.Add(p, "min %d is above max %d", *cond.Min, *cond.Max)
	}
}

// numberRange is what a number item can add to a score, from its lowest to its highest.
func (it *Item) numberRange() (lo, hi int) {
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
