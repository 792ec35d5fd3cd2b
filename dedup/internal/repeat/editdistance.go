package repeat

// Edit distance, bounded. Headline counts character edits between a
// squeezed headline and a candidate copy; Paragraphs counts word edits
// between two paragraphs' word hashes. Both only need to know whether the
// distance is within a small k, so the band of width 2k+1 is all that is
// filled.

// editDistanceWithin returns the Levenshtein distance between a and b when
// it is at most k, and k+1 otherwise. It fills only the diagonal band of
// width 2k+1 and stops as soon as a row exceeds k, so it costs O(k·len)
// at worst and far less for texts that differ early. row is scratch space,
// returned grown for reuse.
func editDistanceWithin[T comparable](a, b []T, k int, row []int) (int, []int) {
	n, m := len(a), len(b)
	inf := k + 1
	if k < 0 || abs(n-m) > k {
		return inf, row
	}
	if cap(row) < 2*(m+2) {
		row = make([]int, 2*(m+2))
	}
	row = row[:2*(m+2)]
	prev, cur := row[:m+2], row[m+2:]
	for j := 0; j <= m+1; j++ {
		prev[j] = min(j, inf)
	}
	for i := 1; i <= n; i++ {
		lo, hi := max(1, i-k), min(m, i+k)
		if lo == 1 {
			cur[0] = min(i, inf)
		} else {
			cur[lo-1] = inf
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			v := prev[j-1]
			if a[i-1] != b[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1, inf)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		cur[hi+1] = inf
		if rowMin > k {
			return inf, row
		}
		prev, cur = cur, prev
	}
	return min(prev[m], inf), row
}

// abs returns the absolute value of x.
func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
