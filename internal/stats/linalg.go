package stats

// Linear algebra over the integers modulo a prime, used to decide which suppressed cells a
// reader could work out from the released ones. Working modulo p keeps the arithmetic exact
// and fast; a relation that holds over the rationals also holds modulo p, so the answers can
// only err on the side of suppressing more (and for a prime this large, practically never do).

const prime = 2147483647 // 2^31 - 1: products of two residues fit in a uint64

func modp(x int64) uint64 {
	x %= prime
	if x < 0 {
		x += prime
	}
	return uint64(x)
}

func mulmod(a, b uint64) uint64 { return a * b % prime }

func submod(a, b uint64) uint64 { return (a + prime - b) % prime }

// inverse is a^(p-2) mod p (Fermat); a must not be 0.
func inverse(a uint64) uint64 {
	result, base, e := uint64(1), a%prime, uint64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = mulmod(result, base)
		}
		base = mulmod(base, base)
		e >>= 1
	}
	return result
}

// nullSpace returns a basis of {x : A x = 0} for the rows of A (each of length n).
func nullSpace(rows [][]uint64, n int) [][]uint64 {
	a := make([][]uint64, len(rows))
	for i, r := range rows {
		a[i] = append([]uint64(nil), r...)
	}
	pivotCol := []int{}
	rank := 0
	for col := 0; col < n && rank < len(a); col++ {
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
		pivotCol = append(pivotCol, col)
		rank++
	}
	isPivot := make([]bool, n)
	for _, c := range pivotCol {
		isPivot[c] = true
	}
	var basis [][]uint64
	for free := 0; free < n; free++ {
		if isPivot[free] {
			continue
		}
		v := make([]uint64, n)
		v[free] = 1
		for r, c := range pivotCol {
			v[c] = submod(0, a[r][free])
		}
		basis = append(basis, v)
	}
	return basis
}

// eliminate scales row r so that a[r][col] is 1 and clears col from every other row.
func eliminate(a [][]uint64, r, col int) {
	inv := inverse(a[r][col])
	row := a[r]
	for j := range row {
		if row[j] != 0 {
			row[j] = mulmod(row[j], inv)
		}
	}
	for i := range a {
		if i == r || a[i][col] == 0 {
			continue
		}
		f := a[i][col]
		other := a[i]
		for j, v := range row {
			if v != 0 {
				other[j] = submod(other[j], mulmod(f, v))
			}
		}
	}
}
