package check

import (
	"fmt"
	"strings"
)

// Ranks are radon's letters, from the simplest (A) to the most complex (F).
const Ranks = "ABCDEF"

// RankOf is radon's cc_rank: the letter of a cyclomatic complexity, a
// block's (an integer) or an average (a float). A is up to 5, B up to 10, C
// up to 20, D up to 30, E up to 40, F above; an average of 5.5 is already B,
// as radon's ceil(cc/10) - H(5-cc) makes it.
func RankOf(cc float64) string {
	switch {
	case cc <= 5:
		return "A"
	case cc <= 10:
		return "B"
	case cc <= 20:
		return "C"
	case cc <= 30:
		return "D"
	case cc <= 40:
		return "E"
	}
	return "F"
}

// ParseRank reads a threshold: one letter A to F, in either case, as xenon
// takes it (xenon upper-cases it). "" means no threshold.
func ParseRank(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u := strings.ToUpper(s)
	if len(u) != 1 || !strings.Contains(Ranks, u) {
		return "", fmt.Errorf("bad rank %q: want one letter from A to F", s)
	}
	return u, nil
}

// over reports whether rank is worse than the threshold; no threshold ("")
// is never exceeded. Ranks compare as letters, as xenon compares them.
func over(rank, threshold string) bool {
	return threshold != "" && rank > threshold
}
