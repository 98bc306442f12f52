package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/scan"
)

// progressMode says how scan progress is shown on stderr.
type progressMode int

const (
	progressOff  progressMode = iota
	progressLine              // one line redrawn in place (a TTY)
	progressLog               // a plain line every few seconds (-v in CI)
)

// chooseProgress shows progress on a TTY unless -q, and in CI or when stderr
// is not a terminal only with -v.
func chooseProgress(stderr io.Writer, verbosity int, ci bool) progressMode {
	switch {
	case verbosity < 0:
		return progressOff
	case isTTY(stderr) && !ci:
		return progressLine
	case verbosity > 0:
		return progressLog
	default:
		return progressOff
	}
}

// isTTY reports whether w is a terminal (NO_COLOR does not matter here).
func isTTY(w io.Writer) bool {
	if l, ok := w.(*lockedWriter); ok {
		w = l.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter draws scan.Progress snapshots on w, at most every interval.
type progressPrinter struct {
	mu       sync.Mutex
	w        io.Writer
	mode     progressMode
	interval time.Duration
	last     time.Time
	drawn    bool
	latest   scan.Progress
}

func (p *progressPrinter) update(s scan.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest = s
	if now := time.Now(); now.Sub(p.last) >= p.interval {
		p.last = now
		p.draw(s)
	}
}

func (p *progressPrinter) draw(s scan.Progress) {
	line := progressText(s)
	if p.mode == progressLine {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "leakhound: %s\n", line)
}

// stop clears the in-place line so the report and logs start clean.
func (p *progressPrinter) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == progressLine && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	if p.mode == progressLog && !p.last.IsZero() {
		p.draw(p.latest)
	}
}

func progressText(s scan.Progress) string {
	rate := 0.0
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = float64(s.Requests) / secs
	}
	phase := fmt.Sprintf("endpoints %d/%d", s.EndpointsDone, s.EndpointsTotal)
	if s.PairsTotal == 0 {
		phase = "discovering endpoints"
	}
	return fmt.Sprintf("%s · %d requests · %d findings · %.0f req/s · %s", phase, s.Requests, s.Findings, rate, s.Elapsed.Truncate(time.Second))
}

// startProgress sets cfg.Progress when progress should be shown and returns
// the func that clears it once the scan ends.
func startProgress(cfg *Config, stderr io.Writer) func() {
	mode := chooseProgress(stderr, cfg.Verbosity, os.Getenv("CI") != "")
	if mode == progressOff {
		return func() {}
	}
	p := &progressPrinter{w: stderr, mode: mode, interval: 100 * time.Millisecond}
	if mode == progressLog {
		p.interval = 5 * time.Second
	}
	cfg.Progress = p.update
	return p.stop
}
