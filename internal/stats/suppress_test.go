package stats

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// grid is an R×C table with its row totals, column totals and grand total, as cells and the
// relations a reader knows (each total is the sum of its parts).
type grid struct {
	r, c   int
	values []int64
	rels   [][]term
}

func newGrid(cells [][]int64) *grid {
	g := &grid{r: len(cells), c: len(cells[0])}
	n := (g.r + 1) * (g.c + 1)
	g.values = make([]int64, n)
	for i := range g.r {
		for j := range g.c {
			v := cells[i][j]
			g.values[g.at(i, j)] = v
			g.values[g.at(i, g.c)] += v
			g.values[g.at(g.r, j)] += v
			g.values[g.at(g.r, g.c)] += v
		}
	}
	// A table with one row or one column has no separate totals along that side: the
	// "total" is the cell itself, so the relation says they are equal.
	for i := range g.r + 1 {
		row := []term{{g.at(i, g.c), prime - 1}}
		for j := range g.c {
			row = append(row, term{g.at(i, j), 1})
		}
		g.rels = append(g.rels, row)
	}
	for j := range g.c {
		col := []term{{g.at(g.r, j), prime - 1}}
		for i := range g.r {
			col = append(col, term{g.at(i, j), 1})
		}
		g.rels = append(g.rels, col)
	}
	return g
}

func (g *grid) at(i, j int) int { return i*(g.c+1) + j }

func (g *grid) dense() [][]uint64 {
	d := &draft{ids: make([]string, len(g.values)), rels: g.rels}
	return d.dense()
}

func randomGrid(rng *rand.Rand) *grid {
	r, c := 1+rng.IntN(4), 1+rng.IntN(5)
	cells := make([][]int64, r)
	for i := range cells {
		cells[i] = make([]int64, c)
		for j := range cells[i] {
			switch rng.IntN(4) {
			case 0:
				cells[i][j] = 0
			case 1:
				cells[i][j] = 1 + rng.Int64N(10)
			default:
				cells[i][j] = rng.Int64N(60)
			}
		}
	}
	return newGrid(cells)
}

func TestSuppressNeverReleasesSmallCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 500 {
		g := randomGrid(rng)
		sup, err := suppress(g.values, g.dense(), 11)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range g.values {
			if !sup[i] && v >= 1 && v <= 10 {
				t.Fatalf("table %d: released %d", n, v)
			}
			if sup[i] && v == 0 {
				t.Fatalf("table %d: withheld a zero, which protects nothing", n)
			}
		}
	}
}

// TestSuppressedCellsCannotBeRecovered plays the reader: it takes the released cells and
// tries to work out each withheld one, first by repeated subtraction (a row, column or total
// with one unknown left), then by any linear combination of the totals over the rationals
// (exact, independent of the modular arithmetic of the code under test), then, for small
// tables, by listing every table of non-negative whole numbers that matches the release.
func TestSuppressedCellsCannotBeRecovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	enumerated := 0
	for n := range 400 {
		g := randomGrid(rng)
		sup, err := suppress(g.values, g.dense(), 11)
		if err != nil {
			t.Fatal(err)
		}
		if i, ok := bySubtraction(g, sup); ok {
			t.Fatalf("table %d: cell %d recovered by subtraction\n%s", n, i, g.show(sup))
		}
		if i, ok := byRationalAlgebra(g.values, g.rels, sup); ok {
			t.Fatalf("table %d: cell %d recovered by linear algebra\n%s", n, i, g.show(sup))
		}
		if i, ok, tried := byEnumeration(g, sup); tried {
			enumerated++
			if ok {
				t.Fatalf("table %d: cell %d has only one possible value\n%s", n, i, g.show(sup))
			}
		}
	}
	if enumerated < 50 {
		t.Errorf("only %d tables were small enough to enumerate", enumerated)
	}
}

func TestSuppressSingleRowAndColumn(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells [][]int64
	}{
		{"OneColumn", [][]int64{{40}, {3}, {50}}},
		{"OneRow", [][]int64{{40, 3, 50}}},
		{"OneCellSmall", [][]int64{{5}}},
		{"OneCellLarge", [][]int64{{50}}},
		{"AllSmall", [][]int64{{1, 2}, {3, 4}}},
		{"SmallTotal", [][]int64{{0, 4}, {0, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGrid(tc.cells)
			sup, err := suppress(g.values, g.dense(), 11)
			if err != nil {
				t.Fatal(err)
			}
			if i, ok := byRationalAlgebra(g.values, g.rels, sup); ok {
				t.Fatalf("cell %d recovered\n%s", i, g.show(sup))
			}
			if i, ok, _ := byEnumeration(g, sup); ok {
				t.Fatalf("cell %d has one possible value\n%s", i, g.show(sup))
			}
			for i, v := range g.values {
				if !sup[i] && v >= 1 && v <= 10 {
					t.Fatalf("released %d\n%s", v, g.show(sup))
				}
			}
		})
	}
}

func (g *grid) show(sup []bool) string {
	s := ""
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			k := g.at(i, j)
			if sup[k] {
				s += fmt.Sprintf("%5s", fmt.Sprintf("(%d)", g.values[k]))
			} else {
				s += fmt.Sprintf("%5d", g.values[k])
			}
		}
		s += "\n"
	}
	return s
}

// bySubtraction solves relations with a single unknown until none is left.
func bySubtraction(g *grid, sup []bool) (int, bool) {
	known := make([]bool, len(sup))
	for i, s := range sup {
		known[i] = !s
	}
	for progress := true; progress; {
		progress = false
		for _, rel := range g.rels {
			unknown := -1
			count := 0
			for _, t := range rel {
				if !known[t.cell] {
					unknown = t.cell
					count++
				}
			}
			if count == 1 {
				known[unknown] = true
				progress = true
				return unknown, true
			}
		}
	}
	return 0, false
}

// byRationalAlgebra reports a withheld cell that some rational combination of the relations
// isolates.
func byRationalAlgebra(values []int64, rels [][]term, sup []bool) (int, bool) {
	var cols []int
	for i, s := range sup {
		if s {
			cols = append(cols, i)
		}
	}
	m := make([][]*big.Rat, len(rels))
	for r, rel := range rels {
		m[r] = make([]*big.Rat, len(cols))
		for c := range cols {
			m[r][c] = new(big.Rat)
		}
		for _, t := range rel {
			coef := int64(t.coef)
			if t.coef > prime/2 {
				coef = int64(t.coef) - prime
			}
			for c, cell := range cols {
				if cell == t.cell {
					m[r][c].Add(m[r][c], big.NewRat(coef, 1))
				}
			}
		}
	}
	pivotOf := map[int]int{}
	rank := 0
	for c := range cols {
		p := -1
		for r := rank; r < len(m); r++ {
			if m[r][c].Sign() != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			continue
		}
		m[rank], m[p] = m[p], m[rank]
		inv := new(big.Rat).Inv(m[rank][c])
		for j := range cols {
			m[rank][j].Mul(m[rank][j], inv)
		}
		for r := range m {
			if r != rank && m[r][c].Sign() != 0 {
				f := new(big.Rat).Set(m[r][c])
				for j := range cols {
					m[r][j].Sub(m[r][j], new(big.Rat).Mul(f, m[rank][j]))
				}
			}
		}
		pivotOf[c] = rank
		rank++
	}
	for c, r := range pivotOf {
		alone := true
		for j := range cols {
			if j != c && m[r][j].Sign() != 0 {
				alone = false
			}
		}
		if alone {
			return cols[c], true
		}
	}
	return 0, false
}

// byEnumeration lists every completion of the withheld interior cells with whole numbers from
// 0 up, keeping those that match every released cell, and reports a withheld cell (interior
// or total) with a single possible value. tried is false when the table is too big to list.
func byEnumeration(g *grid, sup []bool) (cell int, ok, tried bool) {
	var unknown []int
	space := 1.0
	bound := g.values[g.at(g.r, g.c)] + 15
	for i := range g.r {
		for j := range g.c {
			if sup[g.at(i, j)] {
				unknown = append(unknown, g.at(i, j))
				space *= float64(bound + 1)
			}
		}
	}
	if space > 3e6 {
		return 0, false, false
	}
	seen := map[int]map[int64]bool{}
	vals := append([]int64(nil), g.values...)
	var walk func(k int)
	walk = func(k int) {
		if k < len(unknown) {
			for v := int64(0); v <= bound; v++ {
				vals[unknown[k]] = v
				walk(k + 1)
			}
			return
		}
		// Recompute totals from the interior and compare with the released ones.
		t := append([]int64(nil), vals...)
		for i := range g.r + 1 {
			t[g.at(i, g.c)] = 0
		}
		for j := range g.c + 1 {
			t[g.at(g.r, j)] = 0
		}
		for i := range g.r {
			for j := range g.c {
				v := t[g.at(i, j)]
				t[g.at(i, g.c)] += v
				t[g.at(g.r, j)] += v
				t[g.at(g.r, g.c)] += v
			}
		}
		for i, s := range sup {
			if !s && t[i] != g.values[i] {
				return
			}
		}
		for i, s := range sup {
			if s {
				if seen[i] == nil {
					seen[i] = map[int64]bool{}
				}
				seen[i][t[i]] = true
			}
		}
	}
	walk(0)
	for i, s := range sup {
		if s && len(seen[i]) < 2 {
			return i, true, true
		}
	}
	return 0, false, true
}
