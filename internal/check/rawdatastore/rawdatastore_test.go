package rawdatastore_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/check/rawdatastore"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

func exchange(body string) *transport.Exchange {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &transport.Exchange{Method: "GET", URL: "http://127.0.0.1/api/items", Template: "/api/items", Identity: "alice", Status: 200, Header: h, Body: []byte(body)}
}

func TestRawScanResultFires(t *testing.T) {
	body := `{"Items":[{"id":{"S":"u1"},"email":{"S":"alice.moreau@proton.me"},"visits":{"N":"12"}}],"Count":1,"ScannedCount":40,
"LastEvaluatedKey":{"id":{"S":"u1"}},"ResponseMetadata":{"RequestId":"8ZC9Q","HTTPStatusCode":200,"RetryAttempts":0}}`
	fs := rawdatastore.New().Inspect(exchange(body), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %d", len(fs))
	}
	f := fs[0]
	if f.Check != "raw-datastore-response" || f.CWE[0] != "CWE-213" || f.Severity != finding.High {
		t.Errorf("check %s cwe %v severity %s", f.Check, f.CWE, f.Severity)
	}
	if !strings.Contains(f.Evidence.Details["dynamodb_keys"], "ScannedCount") || f.Evidence.Details["first_typed_value"] != "$.Items[0].id" {
		t.Errorf("details %v", f.Evidence.Details)
	}
	if strings.Contains(f.Evidence.Excerpt, "alice.moreau@proton.me") {
		t.Error("excerpt shows a raw e-mail address")
	}
	if !strings.Contains(f.Remediation, "ProjectionExpression") || !strings.Contains(f.Remediation, "TypeDeserializer") {
		t.Error("remediation lacks the boto3 fix")
	}
}

func TestSerialisedResponseIsSilent(t *testing.T) {
	for _, body := range []string{
		`{"items":[{"id":"u1","visits":12}],"count":1,"next":"opaque-cursor"}`,
		`{"S":"a lone key"}`,
		`<html>Items Count ScannedCount</html>`,
	} {
		if fs := rawdatastore.New().Inspect(exchange(body), nil); len(fs) != 0 {
			t.Errorf("want nothing for a serialised body, got %d", len(fs))
		}
	}
}
