package missingauth

import (
	"testing"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/authz"
	"github.com/leakhound/leakhound/internal/testapi"
	"github.com/leakhound/leakhound/internal/testapi/scantest"
	"github.com/leakhound/leakhound/internal/transport"
)

func TestMissingAuthentication(t *testing.T) {
	for _, ids := range [][]transport.Identity{{scantest.Alice(), scantest.Bob()}, {scantest.Alice()}} {
		rep, api := scantest.Scan(t, testapi.Vulnerable, []check.Check{New(nil)}, ids, scantest.Options{})
		scantest.NoWrites(t, api)
		fs := scantest.ByCheck(rep, "missing-authentication")
		got := scantest.Paths(fs)
		f, ok := got["/api/appointments/upcoming"]
		if !ok {
			t.Fatalf("%d identities: no finding on /api/appointments/upcoming; got %v", len(ids), got)
		}
		if f.Identity != transport.AnonymousName || f.Evidence.Details["compared_with"] == "" {
			t.Errorf("identity %s, details %v", f.Identity, f.Evidence.Details)
		}
		// The public doctor directory is the same for everyone and holds no
		// personal data.
		if _, bad := got["/api/doctors"]; bad {
			t.Error("public doctor directory reported")
		}
	}
	rep, _ := scantest.Scan(t, testapi.Fixed, []check.Check{New(nil)}, []transport.Identity{scantest.Alice(), scantest.Bob()}, scantest.Options{})
	if fs := scantest.ByCheck(rep, "missing-authentication"); len(fs) > 0 {
		t.Errorf("fixed variant: %d findings, first %s", len(fs), fs[0].Path)
	}
}

func TestAPIDescriptionIsPublic(t *testing.T) {
	doc := authz.Flatten([]byte(`{"openapi":"3.0.3","info":{"title":"Clinic"},"paths":{"/api/patients/{id}":{"get":{"parameters":[{"example":"u_1001"}]}}}}`))
	if !isAPIDescription(doc) {
		t.Error("an OpenAPI document is not recognised")
	}
	if isAPIDescription(authz.Flatten([]byte(`{"openapi_client":"x","id":1}`))) {
		t.Error("a data document taken for an API description")
	}
}
