package weakkey

import (
	"context"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/check"
)

// signedBy is a value whose signature only key verifies.
type signedBy struct{ key, where string }

func (s signedBy) Crack(cands []string) (string, bool) {
	if slices.Contains(cands, s.key) {
		return s.key, true
	}
	return "", false
}

func TestExposuresGroupValuesByKey(t *testing.T) {
	h := NewHarvest()
	h.Add("harvested-one", Origin{Method: "GET", Path: "/debug/env", URL: "http://127.0.0.1/debug/env", Where: "response of GET /debug/env", Name: "JWT_SECRET"})
	h.Add("harvested-two", Origin{Where: "example of GET /config in the API description"})
	signed := []signedBy{{"harvested-one", "a"}, {"unknown", "b"}, {"harvested-two", "c"}, {"harvested-one", "d"}}
	got := Exposures(context.Background(), h, nil, signed)
	if len(got) != 2 || got[0].Key != "harvested-one" || got[1].Key != "harvested-two" {
		t.Fatalf("exposures = %+v, want harvested-one then harvested-two", got)
	}
	if want := []signedBy{signed[0], signed[3]}; !slices.Equal(got[0].Signed, want) {
		t.Errorf("harvested-one verifies %v, want %v", got[0].Signed, want)
	}
	if got[0].Origin.Name != "JWT_SECRET" {
		t.Errorf("origin = %+v, want the assignment it was read from", got[0].Origin)
	}

	m := check.Meta{ID: "jwt-weakness", CWE: []string{"CWE-321"}}
	if f := got[0].Origin.Finding(m, nil); f.Method != "GET" || f.Path != "/debug/env" || f.Reproduce == "" {
		t.Errorf("finding at an answer = %s %s (%q), want GET /debug/env with a reproduction", f.Method, f.Path, f.Reproduce)
	}
	if f := got[1].Origin.Finding(m, nil); f.Method != "GET" || f.Path != "/" || f.Reproduce != "" {
		t.Errorf("finding at a spec example = %s %s (%q), want GET / without a reproduction", f.Method, f.Path, f.Reproduce)
	}

	if got := Exposures(context.Background(), NewHarvest(), nil, signed); got != nil {
		t.Errorf("an empty harvest exposes %+v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := Exposures(ctx, h, nil, signed); len(got) != 0 {
		t.Errorf("an ended scan still tries keys: %+v", got)
	}
}
