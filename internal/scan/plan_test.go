package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/check/all"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// staticAPI answers every request in memory with a small JSON object, so the
// scan's own cost is measured, not the network's.
type staticAPI struct{}

func (staticAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	body := `{"id": 7, "name": "x", "extra": "y"}`
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewBufferString(body)), ContentLength: int64(len(body)), Request: r,
	}, nil
}

// documented builds n documented GET operations with schemas and ids.
func documented(n int) []surface.Endpoint {
	schema := &surface.Schema{Types: []string{"object"}, Properties: map[string]*surface.Schema{"id": {Types: []string{"integer"}}, "name": {Types: []string{"string"}}}}
	eps := make([]surface.Endpoint, n)
	for i := range eps {
		eps[i] = surface.Endpoint{
			Method: http.MethodGet, Path: fmt.Sprintf("/api/r%d/{id}", i), Source: surface.SourceSpec,
			Params:       []surface.Param{{Name: "id", In: "path", Required: true, Values: []string{"7"}}},
			AuthRequired: surface.BoolPtr(i%2 == 0), Deprecated: i%10 == 0, Security: [][]string{{"bearer"}},
			Responses: []surface.Response{{Status: "200", ContentType: "application/json", Schema: schema}},
		}
	}
	return eps
}

func scanN(tb testing.TB, n int) (*finding.Report, time.Duration) {
	tb.Helper()
	u, _ := url.Parse("http://api.test/")
	start := time.Now()
	rep, err := scan.Run(context.Background(), scan.Options{
		Client:    transport.Config{Target: u, Concurrency: 8, MaxRequests: 10 * n, RoundTripper: staticAPI{}},
		Endpoints: documented(n),
		Checks:    all.Active(),
		Passive:   all.Passive(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rep, time.Since(start)
}

// TestScanPlanScalesLinearly: requests grow with the endpoints, and the time
// per endpoint stays flat from 1,000 to 4,000 endpoints.
func TestScanPlanScalesLinearly(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large scan; timing is meaningless under the race detector")
	}
	small, ts := scanN(t, 1000)
	large, tl := scanN(t, 4000)
	if r := float64(large.RequestsSent) / float64(small.RequestsSent); r < 3.6 || r > 4.4 {
		t.Errorf("requests: %d for 1,000 endpoints, %d for 4,000 (x%.2f); want them to grow with the endpoints (x4)", small.RequestsSent, large.RequestsSent, r)
	}
	perSmall, perLarge := ts/1000, tl/4000
	t.Logf("1,000 endpoints: %v (%v each, %d requests); 4,000 endpoints: %v (%v each, %d requests)", ts.Round(time.Millisecond), perSmall, small.RequestsSent, tl.Round(time.Millisecond), perLarge, large.RequestsSent)
	if perLarge > 4*perSmall+time.Millisecond {
		t.Errorf("time per endpoint grew from %v to %v: not linear", perSmall, perLarge)
	}
}

func BenchmarkScanPlan(b *testing.B) {
	for _, n := range []int{500, 1000, 2000, 4000} {
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scanN(b, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
		})
	}
}
