package questionnaire

// ScoreExact reports whether lint found the score's Range exactly (every way of answering was
// tried) or only bounded it.
func ScoreExact(s *Score) bool { return s.exact }
