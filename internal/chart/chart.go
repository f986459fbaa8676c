// Package chart is the geometry of the statistics dashboard's charts: a time series of bars
// drawn as inline SVG path data, its grid and axis labels, and bar lengths. It knows nothing
// of HTTP, statistics or languages: the caller gives the figures and formats the numbers.
package chart

import (
	"math"
	"strconv"
	"strings"
)

// Bar is one period of a time series.
type Bar struct {
	Label string
	Value float64
	// Unknown draws a hatched column the height of the chart: the figure is not shown.
	Unknown bool
	// Low and High, when High > Low, draw a whisker: the range the true value is likely in.
	Low, High float64
}

// Label is a text placed on the chart.
type Label struct{ X, Y, Text string }

// Time is a time series drawn as vertical bars. Each bar is a segment of one path, drawn
// with a stroke as wide as a bar, which keeps a year of weeks to about a kilobyte.
type Time struct {
	Width, Height    int
	Grid             string // path data of the grid lines
	Bars, Unknown    string // path data: one vertical segment per period
	Whiskers         string // path data: one vertical segment per period with a range
	BarWidth         string
	YLabels, XLabels []Label
}

// The geometry, in the units of the viewBox. Text is 21 units high on a phone (12 CSS pixels
// when the chart is 343 pixels wide) and smaller where the chart is wider, so margins leave
// room for 21-unit labels.
const (
	Width, Height = 600, 260
	top, right    = 14.0, 8.0
	bottom        = 42.0 // the dates hang 18 units below the plot, clear of the 0
	charWidth     = 14.0 // the width of a character of a 21-unit label, at most
	xLabels       = 6    // dates at most, on wide screens; phones show every other one
)

// TimeBars lays out bars; number writes an axis figure in the reader's language.
func TimeBars(bars []Bar, number func(int64) string) *Time {
	c := &Time{Width: Width, Height: Height}
	if len(bars) == 0 {
		return c
	}
	highest := 0.0
	for _, b := range bars {
		if !b.Unknown {
			highest = math.Max(highest, math.Max(b.Value, b.High))
		}
	}
	top0 := NiceMax(highest)
	// The left margin fits the longest figure of the y axis, and half the first date.
	left := math.Max(12+charWidth*float64(len([]rune(number(int64(top0))))), charWidth*float64(len(bars[0].Label))/2+2)
	plotW, plotH := Width-left-right, Height-top-bottom
	base := top + plotH
	y := func(v float64) string { return F1(base - plotH*math.Min(v, top0)/top0) }
	var grid strings.Builder
	for i := 0; i <= 4; i++ {
		gy := F1(base - plotH*float64(i)/4)
		grid.WriteString("M" + F1(left) + " " + gy + "H" + F1(Width-right))
		c.YLabels = append(c.YLabels, Label{X: F1(left - 8), Y: gy, Text: number(int64(top0 * float64(i) / 4))})
	}
	c.Grid = grid.String()
	band := plotW / float64(len(bars))
	c.BarWidth = F1(math.Max(band*0.8, 1))
	every := int(math.Ceil(float64(len(bars)) / xLabels))
	var drawn, hidden, whiskers strings.Builder
	for i, b := range bars {
		x := F1(left + band*(float64(i)+0.5))
		switch {
		case b.Unknown:
			hidden.WriteString("M" + x + " " + F1(base) + "V" + F1(top))
		case b.Value > 0:
			drawn.WriteString("M" + x + " " + F1(base) + "V" + y(b.Value))
		}
		if !b.Unknown && b.High > b.Low {
			whiskers.WriteString("M" + x + " " + y(math.Max(b.Low, 0)) + "V" + y(b.High))
		}
		// A label that would run off the right edge is left out.
		cx := left + band*(float64(i)+0.5)
		if i%every == 0 && cx+charWidth*float64(len(b.Label))/2 <= Width {
			c.XLabels = append(c.XLabels, Label{X: x, Y: F1(base + 18), Text: b.Label})
		}
	}
	c.Bars, c.Unknown, c.Whiskers = drawn.String(), hidden.String(), whiskers.String()
	return c
}

// BarLength is a horizontal bar's length in percent of its cell: value against scale.
func BarLength(value, scale float64) string {
	if scale <= 0 {
		return "0"
	}
	return F1(100 * math.Min(math.Max(value, 0), scale) / scale)
}

// F1 writes a coordinate with at most one decimal.
func F1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// NiceMax rounds a maximum up to 2, 4 or 10 times a power of ten, at least 20, so that the
// four grid steps are whole numbers.
func NiceMax(v float64) float64 {
	for p := 10.0; ; p *= 10 {
		for _, m := range []float64{2, 4, 10} {
			if m*p >= v {
				return m * p
			}
		}
	}
}
