package openapi

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// genSpec writes an OpenAPI 3.0 document with n operations (n/2 paths with a
// GET and a PUT), every one using $refs to shared components, some of them
// circular.
func genSpec(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"openapi":"3.0.3","info":{"title":"big","version":"1"},"servers":[{"url":"/api"}],`)
	b.WriteString(`"security":[{"bearer":[]}],`)
	b.WriteString(`"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},`)
	b.WriteString(`"parameters":{"Id":{"name":"id","in":"path","required":true,"schema":{"type":"integer","example":7}}},`)
	b.WriteString(`"schemas":{"Node":{"type":"object","properties":{"id":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}`)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `,"Res%d":{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"name":{"type":"string"},"owner":{"$ref":"#/components/schemas/Node"}}}`, i)
	}
	b.WriteString(`}},"paths":{`)
	for i := 0; i < n/2; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"/r%d/{id}":{"parameters":[{"$ref":"#/components/parameters/Id"}],`, i)
		fmt.Fprintf(&b, `"get":{"operationId":"get%d","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Res%d"}}}}}},`, i, i%100)
		fmt.Fprintf(&b, `"put":{"operationId":"put%d","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Res%d"}}}},"responses":{"204":{"description":"ok"}}}}`, i, i%100)
	}
	b.WriteString(`}}`)
	return b.Bytes()
}

func BenchmarkLoad10kOperations(b *testing.B) {
	spec := genSpec(10000)
	b.SetBytes(int64(len(spec)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Parse(spec)
		if err != nil {
			b.Fatal(err)
		}
		if len(doc.Endpoints) != 10000 {
			b.Fatalf("%d endpoints", len(doc.Endpoints))
		}
	}
}

// TestLoad10kOperationsBudget holds the loader to the published memory
// budget: a 10,000-operation spec with $refs in at most 300 MB of heap, the
// peak over three loads. Time is not asserted here (a shared machine makes
// any wall-clock limit flaky): BenchmarkLoad10kOperations measures it. The
// race detector inflates the heap several times over, so the budget is
// checked without it (make unit runs the *Budget tests a second time
// without -race).
func TestLoad10kOperationsBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("large spec")
	}
	if raceEnabled {
		t.Skip("the heap budget is measured without the race detector")
	}
	spec := genSpec(10000)
	best := time.Duration(1<<63 - 1)
	var peakBytes, alloc uint64
	for range 3 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := samplePeakHeap()
		start := time.Now()
		doc, err := Parse(spec)
		elapsed := time.Since(start)
		peakBytes = max(peakBytes, peak())
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Endpoints) != 10000 {
			t.Fatalf("%d endpoints", len(doc.Endpoints))
		}
		alloc = after.TotalAlloc - before.TotalAlloc
		best = min(best, elapsed)
		if best < time.Second || raceEnabled {
			break
		}
	}
	t.Logf("10,000 operations (%d KiB of JSON): best %v, %d MiB allocated per load, peak live heap %d MiB, process peak RSS %s", len(spec)>>10, best.Round(time.Millisecond), alloc>>20, peakBytes>>20, peakRSS())
	if peakBytes > 300<<20 {
		t.Errorf("peak heap %d MiB, budget 300 MiB", peakBytes>>20)
	}
}

// peakRSS reads the process's peak resident set size where /proc has it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}

// samplePeakHeap polls the heap every few milliseconds until the returned
// function is called, which reports the largest heap seen.
func samplePeakHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		metrics.Read(sample)
		return max(peak, sample[0].Value.Uint64())
	}
}
