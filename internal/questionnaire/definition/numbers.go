package definition

import (
	"fmt"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// MaxNumber bounds a number item's min and max, so that sums of weighted values stay far from
// overflow and a range can be walked.
const MaxNumber = 100000

// checkNumberItem checks a number item's own fields, and that a choice item has none of them.
func (c *checker) checkNumberItem(ip string, it *questionnaire.Item) {
	if it.Type != questionnaire.Number {
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
func (c *checker) numberCondition(p string, cond *questionnaire.Condition, it *questionnaire.Item) {
	if it.Type != questionnaire.Number {
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
