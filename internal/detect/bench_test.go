package detect_test

import (
	"bytes"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/detect/corpus"
)

var (
	benchOnce         sync.Once
	benignJSON, dense []byte
)

func benchData() {
	benchOnce.Do(func() {
		benignJSON = corpus.New(1).BenignJSON(8 << 20)
		dense = corpus.New(2).DenseJSON(8 << 20)
	})
}

// cpuTime is the CPU time (user + system) the process has used. The
// benchmarks report MB per CPU-second besides MB/s: the machine is shared,
// and the target is a per-core figure.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration, n int) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/(1<<20)/d.Seconds(), "MB/cpu-s")
	}
}

func benchScan(b *testing.B, data []byte, ct string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		detect.Scan(data, ct)
	}
	reportCPU(b, start, len(data))
}

// The ceiling: one bytes.Count pass over the same data.
func benchCount(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	start := cpuTime()
	for b.Loop() {
		bytes.Count(data, []byte(`"`))
	}
	reportCPU(b, start, len(data))
}

func BenchmarkScanBenignJSON(b *testing.B)      { benchData(); benchScan(b, benignJSON, "application/json") }
func BenchmarkCeilingBenignJSON(b *testing.B)   { benchData(); benchCount(b, benignJSON) }
func BenchmarkScanDensePIIJSON(b *testing.B)    { benchData(); benchScan(b, dense, "application/json") }
func BenchmarkCeilingDensePIIJSON(b *testing.B) { benchData(); benchCount(b, dense) }

// Adversarial inputs: all must scan in linear time without a stack overflow.
var adversarial = map[string]func(n int) []byte{
	"digit-run":     func(n int) []byte { return bytes.Repeat([]byte("4"), n) },
	"digit-groups":  func(n int) []byte { return bytes.Repeat([]byte("4111 "), n/5) },
	"deep-nesting":  func(n int) []byte { return append(bytes.Repeat([]byte("["), n/2), bytes.Repeat([]byte("]"), n/2)...) },
	"deep-objects":  func(n int) []byte { return bytes.Repeat([]byte(`{"ssn":`), n/7) },
	"single-string": func(n int) []byte { return []byte(`{"note":"` + strings.Repeat("a1-b2 ", n/6) + `"}`) },
	"at-signs":      func(n int) []byte { return bytes.Repeat([]byte("a@b."), n/4) },
	"keywords":      func(n int) []byte { return bytes.Repeat([]byte("AKIA eyJ $2b$ arn:aws "), n/22) },
	"unterminated":  func(n int) []byte { return append([]byte(`{"a":"`), bytes.Repeat([]byte(`\"`), n/2)...) },
	"phone-column":  func(n int) []byte { return []byte(`[` + strings.Repeat(`{"phone":"+1 415-555-2671"},`, n/28) + `{}]`) },
}

func BenchmarkAdversarial10MB(b *testing.B) {
	for name, gen := range adversarial {
		data := gen(10 << 20)
		b.Run(name, func(b *testing.B) { benchScan(b, data, "") })
	}
}

func TestAdversarialInputsScanInLinearTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: not under -short or the race detector")
	}
	timeOf := func(data []byte) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			detect.Scan(data, "")
			best = min(best, time.Since(start))
		}
		return best
	}
	for name, gen := range adversarial {
		small, large := timeOf(gen(512<<10)), timeOf(gen(4<<20))
		t.Logf("%s: 512 KB %v, 4 MB %v", name, small, large)
		// 8x the input may take at most 40x the time: noise on a shared
		// machine stays below that, a quadratic scan (64x) does not.
		if large > 40*small+100*time.Millisecond {
			t.Errorf("%s: 512 KB took %v, 4 MB took %v: not linear", name, small, large)
		}
	}
}
