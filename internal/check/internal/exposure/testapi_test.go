package exposure_test

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/credentialexposure"
	"github.com/leakhound/leakhound/internal/check/piiexposure"
	"github.com/leakhound/leakhound/internal/check/piiunauthenticated"
	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
)

// The four sensitive-data checks fire on the test API's leaky endpoints
// and stay silent on the fixed variant.
func TestExposureChecksOnTheTestAPI(t *testing.T) {
	opts := scantest.Options{Passive: []check.Passive{piiexposure.New(), credentialexposure.New(), piiunauthenticated.New(), rawdatastore.New()}}
	want := map[string]string{
		"pii-exposure":           "/api/patients",
		"pii-unauthenticated":    "/api/patients",
		"credential-exposure":    "/api/integrations",
		"raw-datastore-response": "/api/appointments",
	}
	rep, _ := scantest.Run(t, testapi.Vulnerable, opts)
	for id, path := range want {
		found := false
		for _, f := range scantest.Find(rep, id) {
			if f.Path == path {
				found = true
			}
		}
		if !found {
			t.Errorf("vulnerable API: %s did not fire on %s", id, path)
		}
	}
	// The patients list carries SSNs and password hashes too.
	for _, f := range scantest.Find(rep, "credential-exposure") {
		t.Logf("credential-exposure on %s: %s (%s)", f.Path, f.Severity, f.Evidence.Details["types"])
	}

	rep, _ = scantest.Run(t, testapi.Fixed, opts)
	for id := range want {
		for _, f := range scantest.Find(rep, id) {
			t.Errorf("fixed API: %s fired on %s (%s)", id, f.Path, f.Evidence.Details["types"])
		}
	}
}
