package definition

// ScoreExact reads a file as Parse does and reports whether lint found the score's Range
// exactly (every way of answering was tried) or only bounded it.
func ScoreExact(file string, data []byte, score string) (bool, error) {
	q, found, ps := parse(file, data)
	if ps != nil {
		return false, ps
	}
	return found.Bounds(q.ScoreByID(score)).Exact, nil
}
