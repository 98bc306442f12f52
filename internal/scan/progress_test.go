package scan_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/testapi"
)

func TestProgressIsReported(t *testing.T) {
	srv := httptest.NewServer(testapi.New(testapi.Vulnerable))
	defer srv.Close()
	o := options(t, srv.URL)
	var got []scan.Progress
	o.Progress = func(p scan.Progress) { got = append(got, p) } // never called concurrently
	rep, err := scan.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no progress reported")
	}
	last := got[len(got)-1]
	if last.PairsDone != last.PairsTotal || last.EndpointsDone != last.EndpointsTotal {
		t.Errorf("last progress %+v is not complete", last)
	}
	if last.Requests == 0 || last.Requests > rep.RequestsSent {
		t.Errorf("progress requests %d, report %d", last.Requests, rep.RequestsSent)
	}
	// The progress line counts distinct findings, as the report will.
	if last.Findings != len(rep.Findings) {
		t.Errorf("progress counts %d findings, the report holds %d", last.Findings, len(rep.Findings))
	}
	for i := 1; i < len(got); i++ {
		if got[i].PairsDone < got[i-1].PairsDone || got[i].Requests < got[i-1].Requests || got[i].Elapsed < got[i-1].Elapsed {
			t.Fatalf("progress goes backwards at %d: %+v then %+v", i, got[i-1], got[i])
		}
	}
}
