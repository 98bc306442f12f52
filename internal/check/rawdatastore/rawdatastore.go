// Package rawdatastore reports API responses that are raw DynamoDB output:
// typed attribute values ({"S": …}), Scan/Query envelopes (Items, Count,
// ScannedCount, LastEvaluatedKey) or boto3's ResponseMetadata.
package rawdatastore

import (
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/check/internal/exposure"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Check is the raw-datastore-response check.
type Check struct{}

var _ check.Passive = (*Check)(nil)

// New returns the check.
func New() *Check { return &Check{} }

// Meta describes the check.
func (*Check) Meta() check.Meta {
	return check.Meta{
		ID:       "raw-datastore-response",
		Title:    "Raw DynamoDB output returned to clients",
		Severity: finding.Medium,
		CWE:      []string{"CWE-213", "CWE-200"},
		OWASP:    "API3:2023",
		Description: "The handler returns boto3's DynamoDB output as is: typed attribute values, the Scan envelope or " +
			"the ResponseMetadata. Every attribute of every item reaches the client, including ones added later, and " +
			"table keys, pagination keys and request ids describe the datastore to an attacker.",
		Remediation: "Read only the public attributes, convert DynamoDB types to plain values, and serialise an explicit " +
			"shape; never `return jsonify(response)` or `return response[\"Items\"]`.\n\n" +
			"```python\n" +
			"from boto3.dynamodb.types import TypeDeserializer\n\n" +
			"_deser = TypeDeserializer()\n" +
			"PUBLIC_FIELDS = (\"id\", \"username\", \"display_name\")\n\n" +
			"@app.get(\"/api/users\")\n" +
			"def list_users():\n" +
			"    resp = client.scan(\n" +
			"        TableName=USERS_TABLE,\n" +
			"        ProjectionExpression=\"#id, username, display_name\",\n" +
			"        ExpressionAttributeNames={\"#id\": \"id\"},\n" +
			"        Limit=50,\n" +
			"    )\n" +
			"    users = []\n" +
			"    for raw in resp[\"Items\"]:\n" +
			"        item = {k: _deser.deserialize(v) for k, v in raw.items()}\n" +
			"        users.append({k: item[k] for k in PUBLIC_FIELDS if k in item})\n" +
			"    # An opaque cursor instead of LastEvaluatedKey; no ResponseMetadata.\n" +
			"    return jsonify(users=users, next=sign_cursor(resp.get(\"LastEvaluatedKey\")))\n" +
			"```\n\n" +
			"With the resource API (`boto3.resource(\"dynamodb\").Table(...)`) items are already plain: still project and serialise explicitly, and convert `Decimal` yourself.",
	}
}

// Inspect reports a raw DynamoDB response.
func (c *Check) Inspect(ex *transport.Exchange, env check.Env) []finding.Finding {
	res := exposure.Analyze(ex)
	if res == nil || !res.JSON || !res.Wire.Raw() {
		return nil
	}
	var wire []detect.Match
	for _, m := range res.Matches {
		if m.Type == detect.TypeDynamoARN || m.Type == detect.TypeDynamoTable || m.Type == detect.TypeAWSAccount {
			wire = append(wire, m)
		}
	}
	f := check.FromExchange(c.Meta(), ex, check.Identity(env, ex.Identity))
	f.Subject = "dynamodb"
	f.Confidence = finding.ConfidenceHigh
	if res.Wire.TypedValues < 2 && !strings.Contains(strings.Join(res.Wire.Keys, ","), "ScannedCount") {
		f.Confidence = finding.ConfidenceMedium
	}
	// Raw output that carries secrets or personal data is worse.
	if len(res.Filter(detect.Secret, finding.ConfidenceMedium)) > 0 || len(exposure.PII(res)) > 0 {
		f.Severity = finding.High
	}
	f.Evidence = exposure.Evidence(ex, res, wire)
	f.Evidence.Details["typed_attribute_values"] = strconv.Itoa(res.Wire.TypedValues)
	f.Evidence.Details["dynamodb_keys"] = strings.Join(res.Wire.Keys, ", ")
	if res.Wire.FirstPath != "" {
		f.Evidence.Details["first_typed_value"] = res.Wire.FirstPath
	}
	return []finding.Finding{f}
}
