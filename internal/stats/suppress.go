package stats

import "fmt"

// suppress decides which cells to withhold. Primary suppression withholds every count from 1
// to k-1. Complementary suppression then withholds as few other cells as it takes so that no
// withheld cell can be worked out from the released ones: a reader knows every relation in
// rels (totals are sums of their parts, and whatever the questionnaire's structure implies,
// such as an item only asked after a given answer), and can combine them in any linear way,
// which covers subtracting from totals and sub-totals, and any chain of such subtractions.
//
// A withheld cell x is safe when no combination of relations isolates it, that is, when every
// set of values consistent with the release can move x up or down. Every withheld cell is
// above zero (zeros are released, and complements are chosen among non-zero cells), so a
// small move along such a direction keeps every cell non-negative: the bounds do not pin it.
//
// rels are dense rows over the cells, modulo the prime. values must be non-negative.
func suppress(values []int64, rels [][]uint64, k int64) ([]bool, error) {
	n := len(values)
	sup := make([]bool, n)
	for i, v := range values {
		sup[i] = v >= 1 && v < k
	}
	for range n + 1 {
		det := determined(rels, sup)
		if len(det) == 0 {
			return sup, nil
		}
		added := map[int]bool{}
	cells:
		for _, d := range det {
			// A complement added in this pass may already hide this cell; check again next pass.
			for j := range added {
				if d.row[j] != 0 {
					continue cells
				}
			}
			j, err := complement(d, values, sup)
			if err != nil {
				return nil, err
			}
			sup[j] = true
			added[j] = true
		}
	}
	return nil, fmt.Errorf("suppression did not settle")
}

// derivation says that cell i can be worked out: row is a relation in which i is the only
// withheld cell with a non-zero coefficient.
type derivation struct {
	cell int
	row  []uint64
}

// determined returns every withheld cell that the released cells and the relations pin down.
// It brings the relations to reduced row echelon form, taking pivots among withheld cells
// only: a withheld cell is pinned when its pivot row mentions no other withheld cell.
func determined(rels [][]uint64, sup []bool) []derivation {
	a := make([][]uint64, len(rels))
	for i, r := range rels {
		a[i] = append([]uint64(nil), r...)
	}
	type pivot struct{ row, col int }
	var pivots []pivot
	rank := 0
	for col, s := range sup {
		if !s || rank == len(a) {
			continue
		}
		p := -1
		for r := rank; r < len(a); r++ {
			if a[r][col] != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			continue
		}
		a[rank], a[p] = a[p], a[rank]
		eliminate(a, rank, col)
		pivots = append(pivots, pivot{rank, col})
		rank++
	}
	var out []derivation
	for _, p := range pivots {
		alone := true
		for col, s := range sup {
			if s && col != p.col && a[p.row][col] != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, derivation{p.col, a[p.row]})
		}
	}
	return out
}

// complement picks the released cell to withhold so that derivation d no longer works: the
// smallest non-zero cell it uses (a part is never larger than its total, so parts go before
// totals; ties go to the earlier cell).
func complement(d derivation, values []int64, sup []bool) (int, error) {
	best := -1
	for j, c := range d.row {
		if c == 0 || sup[j] || values[j] == 0 {
			continue
		}
		if best < 0 || values[j] < values[best] {
			best = j
		}
	}
	if best < 0 {
		// Only zeros are left, so the relation says the withheld cell is 0: the relations and
		// the counts disagree.
		return 0, fmt.Errorf("cell %d: the counts contradict the relations between cells", d.cell)
	}
	return best, nil
}
