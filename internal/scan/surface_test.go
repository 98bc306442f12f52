package scan_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/leakhound/leakhound/internal/scan"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/transport"
)

// TestMapHarvestsLinksAndIDs: links are followed HarvestDepth levels deep;
// ids seen in answers fill spec templates, with their neighbours.
func TestMapHarvestsLinksAndIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `{"me": "/api/me", "people": "/api/people"}`)
		case "/api/me":
			fmt.Fprint(w, `{"patient_id": "u_1001", "links": {"notes": "/api/patients/u_1001/notes", "schedule": "/api/schedule?doctor_id=d_02"}}`)
		case "/api/people":
			fmt.Fprint(w, `{"people": [{"patient_id": "u_1002", "notes": "/api/patients/u_1002/notes"}, {"id": 41}]}`)
		case "/api/patients/u_1001/notes", "/api/patients/u_1002/notes":
			fmt.Fprint(w, `{"notes": [], "next": "/api/deep"}`)
		case "/api/deep":
			fmt.Fprint(w, `{"more": "/api/deeper"}`)
		case "/api/deeper":
			fmt.Fprint(w, `{"ok": true}`)
		case "/api/schedule":
			fmt.Fprint(w, `{"slots": []}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	inv, err := scan.Map(context.Background(), scan.Options{
		Client:       transport.Config{Target: u, Concurrency: 4, Timeout: 2 * time.Second, MaxRequests: 200},
		HarvestDepth: 3,
		Endpoints: []surface.Endpoint{{Method: "GET", Path: "/api/people/{id}", Source: surface.SourceSpec,
			Params: []surface.Param{{Name: "id", In: "path", Required: true, Values: []string{"1"}, Synthetic: true}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	byPath := map[string]surface.Endpoint{}
	for _, ep := range inv.Endpoints {
		got = append(got, ep.Path+" "+string(ep.Source))
		byPath[ep.Path] = ep
	}
	sort.Strings(got)
	want := []string{
		"/ target",
		"/api/deep harvest", // level 3; /api/deeper, level 4, is left out
		"/api/me harvest",
		"/api/patients/u_1001/notes harvest",
		"/api/patients/u_1002/notes harvest",
		"/api/people harvest",
		"/api/people/{id} spec",
		"/api/schedule?doctor_id=d_02 harvest",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("endpoints (-want +got):\n%s", diff)
	}
	person, _ := byPath["/api/people/{id}"].Param("path", "id")
	if person.Synthetic || person.Values[0] != "41" || strings.Join(person.Neighbors, ",") != "39,40,42,43" {
		t.Errorf("person id = %+v", person)
	}
}

// TestDefaultHarvestDepth: by default links two levels beyond the known
// surface join it.
func TestDefaultHarvestDepth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		next := map[string]string{"/": "/a", "/a": "/b", "/b": "/c"}[r.URL.Path]
		fmt.Fprintf(w, `{"next": %q}`, next)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	inv, err := scan.Map(context.Background(), scan.Options{Client: transport.Config{Target: u, MaxRequests: 50}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range inv.Endpoints {
		got = append(got, ep.Path)
	}
	if strings.Join(got, " ") != "/ /a /b" {
		t.Errorf("endpoints = %v, want /, /a and /b (two levels)", got)
	}
}
