//go:build race

package detect_test

// raceEnabled: the race detector slows scans ten-fold and unevenly, so
// timing tests skip and corpus tests shrink under it.
const raceEnabled = true
