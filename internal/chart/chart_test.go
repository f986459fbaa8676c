package chart

import (
	"strconv"
	"strings"
	"testing"
)

func TestNiceMax(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0, 20}, {1, 20}, {20, 20}, {21, 40}, {41, 100}, {101, 200}, {3999, 4000}, {4001, 10000}} {
		if got := NiceMax(c.in); got != c.want {
			t.Errorf("NiceMax(%g) = %g, want %g", c.in, got, c.want)
		}
	}
}

func TestTimeBars(t *testing.T) {
	number := func(n int64) string { return strconv.FormatInt(n, 10) }
	bars := []Bar{{Label: "2026-W01", Value: 10, Low: 6, High: 14}, {Label: "2026-W02", Unknown: true}, {Label: "2026-W03", Value: 0},
		{Label: "2026-W04", Value: 38, Low: 30, High: 46}}
	c := TimeBars(bars, number)
	// Two bars drawn (zero draws nothing), one hatched column, two whiskers.
	if n := strings.Count(c.Bars, "M"); n != 2 {
		t.Errorf("%d bars drawn, want 2: %q", n, c.Bars)
	}
	if n := strings.Count(c.Unknown, "M"); n != 1 {
		t.Errorf("%d unknown columns, want 1: %q", n, c.Unknown)
	}
	if n := strings.Count(c.Whiskers, "M"); n != 2 {
		t.Errorf("%d whiskers, want 2: %q", n, c.Whiskers)
	}
	// The axis reaches the highest whisker: 46 rounds up to 100, in four steps.
	if got := c.YLabels[4].Text; got != "100" {
		t.Errorf("top of the axis %s, want 100", got)
	}
	if len(c.XLabels) == 0 || c.XLabels[0].Text != "2026-W01" {
		t.Errorf("x labels %v", c.XLabels)
	}
	if TimeBars(nil, number).Bars != "" {
		t.Error("an empty series drew bars")
	}
}

func TestBarLength(t *testing.T) {
	for _, c := range []struct {
		v, scale float64
		want     string
	}{{5, 10, "50"}, {1, 3, "33.3"}, {-2, 10, "0"}, {12, 10, "100"}, {3, 0, "0"}} {
		if got := BarLength(c.v, c.scale); got != c.want {
			t.Errorf("BarLength(%g, %g) = %s, want %s", c.v, c.scale, got, c.want)
		}
	}
}
