package dynamodb

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leakhound/leakhound/internal/audit"
	"github.com/leakhound/leakhound/internal/finding"
)

func marshalItem(m map[string]any) (map[string]types.AttributeValue, error) {
	out := map[string]types.AttributeValue{}
	for k, v := range m {
		av, err := marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func marshal(v any) (types.AttributeValue, error) {
	switch v := v.(type) {
	case string:
		return &types.AttributeValueMemberS{Value: v}, nil
	case int:
		return &types.AttributeValueMemberN{Value: fmt.Sprint(v)}, nil
	case float64:
		return &types.AttributeValueMemberN{Value: fmt.Sprint(v)}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}, nil
	case []byte:
		return &types.AttributeValueMemberB{Value: v}, nil
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case []string:
		return &types.AttributeValueMemberSS{Value: v}, nil
	case []any:
		var l []types.AttributeValue
		for _, e := range v {
			av, err := marshal(e)
			if err != nil {
				return nil, err
			}
			l = append(l, av)
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case map[string]any:
		m, err := marshalItem(v)
		return &types.AttributeValueMemberM{Value: m}, err
	}
	return nil, fmt.Errorf("cannot marshal %T", v)
}

// Invented people: values pass detect's validators but belong to no one.
var people = []struct{ name, email, phone, ssn, card, dob, password string }{
	{"Alice Moreau", "alice.moreau@proton.me", "+1 503-284-1234", "536-22-1234", "4556737586899855", "1980-02-03", "alice-Tulip-77"},
	{"Bob Okafor", "bob.okafor@gmail.com", "+1 217-341-7788", "219-41-5678", "5425233430109903", "1975-06-21", "bob-Harbor-42"},
	{"Carmen Lindqvist", "carmen.lindqvist@outlook.com", "+1 512-326-4410", "401-73-2291", "4929123456781236", "1991-11-09", "carmen-Ridge-5"},
	{"Dmitri Petrov", "dmitri.petrov@fastmail.com", "+1 608-255-9021", "318-62-7745", "5105108765432104", "1968-03-30", "dmitri-Cedar-19"},
}

func keyS(name string) []types.KeySchemaElement {
	return []types.KeySchemaElement{{AttributeName: aws.String(name), KeyType: types.KeyTypeHash}}
}

func attrDefs(kv ...string) []types.AttributeDefinition {
	var out []types.AttributeDefinition
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.AttributeDefinition{AttributeName: aws.String(kv[i]), AttributeType: types.ScalarAttributeType(kv[i+1])})
	}
	return out
}

func gsi(name, key string, p types.ProjectionType) types.GlobalSecondaryIndex {
	return types.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: keyS(key), Projection: &types.Projection{ProjectionType: p}}
}

// vulnerableTables creates the denormalised tables of the vulnerable
// clinic: cleartext SSN, phone, e-mail, cards; fast password hashes; an
// index on patient_id that projects ALL.
func vulnerableTables(t *testing.T, c *dynamodb.Client) (patients, invoices string) {
	var items []map[string]any
	for i, p := range people {
		hash := "pbkdf2:sha256:1$Zq3vK8LmNp7Rt5Wx$" + hex.EncodeToString(sha256.New().Sum([]byte(p.password)))[:64]
		if i%2 == 1 {
			sum := sha256.Sum256([]byte(p.password))
			hash = hex.EncodeToString(sum[:])
		}
		items = append(items, map[string]any{
			"patient_id": fmt.Sprintf("u_%d", 1001+i), "name": p.name, "email": p.email, "phone": p.phone,
			"ssn": p.ssn, "dob": p.dob, "role": "patient", "created_at": "2025-01-1" + fmt.Sprint(i) + "T09:30:00Z",
			"address":       map[string]any{"street": fmt.Sprintf("%d Maple Avenue", 12+i), "city": "Portland", "zip": "97201"},
			"password_hash": hash,
		})
	}
	patients = newTable(t, c, &dynamodb.CreateTableInput{
		TableName: aws.String("clinic-patients"), KeySchema: keyS("patient_id"),
		AttributeDefinitions:   attrDefs("patient_id", "S", "email", "S"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("email-index", "email", types.ProjectionTypeAll)},
	}, items)
	items = nil
	for i, p := range people {
		items = append(items, map[string]any{
			"invoice_id": 9001 + i, "patient_id": fmt.Sprintf("u_%d", 1001+i), "patient_email": p.email,
			"card_number": p.card, "amount": 40.5 + float64(i), "status": "paid",
		})
	}
	invoices = newTable(t, c, &dynamodb.CreateTableInput{
		TableName: aws.String("clinic-invoices"), KeySchema: keyS("invoice_id"),
		AttributeDefinitions:   attrDefs("invoice_id", "N", "patient_id", "S"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("patient-index", "patient_id", types.ProjectionTypeAll)},
	}, items)
	return patients, invoices
}

func titles(fs []finding.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Title+" "+f.Evidence.Details["share"])
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func findingAt(fs []finding.Finding, check, path, subject string) *finding.Finding {
	for i := range fs {
		if fs[i].Check == check && fs[i].Path == path && (subject == "" || fs[i].Subject == subject) {
			return &fs[i]
		}
	}
	return nil
}

func TestAuditVulnerableTables(t *testing.T) {
	c := client(t)
	patients, invoices := vulnerableTables(t, c)
	res, err := Audit(context.Background(), Options{Client: c, Tables: []string{patients, invoices}, Endpoint: dynaliteURL, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	// Batches of one item each give the same findings.
	defer func(n int) { maxBatch = n }(maxBatch)
	maxBatch = 1
	small, err := Audit(context.Background(), Options{Client: c, Tables: []string{patients, invoices}, Endpoint: dynaliteURL, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := titles(res.Findings), titles(small.Findings); a != b {
		t.Errorf("one-item batches differ:\n%s\n---\n%s", a, b)
	}
	if len(res.Tables) != 2 || res.Tables[0].Sampled != 4 || len(res.Failed) != 0 {
		t.Fatalf("tables %+v failed %v", res.Tables, res.Failed)
	}
	p := "dynamodb://" + patients
	for _, tc := range []struct {
		check, path, subject string
		sev                  finding.Severity
		cwe                  string
	}{
		{audit.DynamoCleartext, p + "/ssn", "ssn", finding.High, "CWE-312"},
		{audit.DynamoCleartext, p + "/email", "email", finding.Medium, "CWE-312"},
		{audit.DynamoCleartext, p + "/phone", "phone", finding.Medium, "CWE-312"},
		{audit.DynamoCleartext, p + "/dob", "date_of_birth", finding.Medium, "CWE-312"},
		{audit.DynamoCleartext, p + "/address", "postal_address", finding.Medium, "CWE-312"},
		{audit.DynamoPassword, p + "/password_hash", "fast-hash", finding.High, "CWE-916"},
		{audit.DynamoCleartext, "dynamodb://" + invoices + "/card_number", "card", finding.High, "CWE-312"},
		{audit.DynamoGSIAll, "dynamodb://" + invoices + "/index/patient-index", "patient-index", finding.Medium, "CWE-200"},
		{audit.DynamoNoCMK, p, "sse", finding.Info, "CWE-312"},
	} {
		f := findingAt(res.Findings, tc.check, tc.path, tc.subject)
		if f == nil {
			t.Errorf("no %s finding at %s (%s)", tc.check, tc.path, tc.subject)
			continue
		}
		if f.Severity != tc.sev || f.CWE[0] != tc.cwe {
			t.Errorf("%s %s: severity %s CWE %v, want %s %s", tc.check, tc.path, f.Severity, f.CWE, tc.sev, tc.cwe)
		}
	}
	ssn := findingAt(res.Findings, audit.DynamoCleartext, p+"/ssn", "ssn")
	if ssn != nil {
		if d := ssn.Evidence.Details; d["table_keys"] != "patient_id" || d["table_indexes"] != "email-index (GSI on email, ALL)" ||
			d["point_in_time_recovery"] != "unknown" || d["table_encryption"] != "AWS owned key" {
			t.Errorf("table details: %v", d)
		}
		if d := ssn.Evidence.Details; d["share"] != "100%" || d["items"] != "4" || d["sampled"] != "4" {
			t.Errorf("ssn share: %v", d)
		}
		for _, want := range []string{`"dynamodb:Attributes"`, `"SPECIFIC_ATTRIBUTES"`, "ProjectionExpression=", "encrypt client-side before PutItem: address, dob, email, phone, ssn.", "Rehash (argon2id, scrypt or bcrypt) at the next login: password_hash."} {
			if !strings.Contains(ssn.Remediation, want) {
				t.Errorf("remedy lacks %q:\n%s", want, ssn.Remediation)
			}
		}
		// The policy allows the safe attributes and the key, nothing else.
		if !strings.Contains(ssn.Remediation, "\"created_at\",\n") || strings.Contains(ssn.Remediation, `"ssn",`) {
			t.Errorf("policy attributes wrong:\n%s", ssn.Remediation)
		}
		if !strings.Contains(ssn.Reproduce, "aws dynamodb scan --table-name "+patients) {
			t.Errorf("reproduce %q", ssn.Reproduce)
		}
	}
	pw := findingAt(res.Findings, audit.DynamoPassword, p+"/password_hash", "fast-hash")
	if pw != nil && !strings.Contains(pw.Title, "PBKDF2 with 1 iteration(s), unsalted SHA-256") {
		t.Errorf("password title %q", pw.Title)
	}
	// The e-mail index is keyed by personal data: not the finding.
	if f := findingAt(res.Findings, audit.DynamoGSIAll, p+"/index/email-index", ""); f != nil {
		t.Errorf("email-index reported: %s", f.Title)
	}
	// Names are identity data: low, never high.
	if f := findingAt(res.Findings, audit.DynamoCleartext, p+"/name", "person_name"); f != nil && f.Severity > finding.Low {
		t.Errorf("name: %s", f.Severity)
	}
	b, _ := json.Marshal(res.Findings)
	for _, p := range people {
		for _, raw := range []string{p.email, p.ssn, p.card, p.phone, p.dob, p.password} {
			if strings.Contains(string(b), raw) {
				t.Errorf("raw value %q in the findings", raw)
			}
		}
	}
	if res.Calls < 8 {
		t.Errorf("calls = %d", res.Calls)
	}
	// dynalite has no DescribeContinuousBackups: a warning, no finding.
	if len(res.Warnings) == 0 || findingAt(res.Findings, audit.DynamoNoPITR, p, "") != nil {
		t.Errorf("warnings %v", res.Warnings)
	}
}

// TestAuditFixedTables: the fixed clinic keeps the SSN encrypted (binary),
// the card as a processor token and last four digits, passwords as slow
// hashes, and an index that projects keys only. Traps: masked values,
// documentation addresses, ids and amounts. No high finding.
func TestAuditFixedTables(t *testing.T) {
	c := client(t)
	var items []map[string]any
	for i, p := range people {
		items = append(items, map[string]any{
			"patient_id": fmt.Sprintf("u_%d", 1001+i), "email": p.email, "phone": p.phone,
			"ssn_ciphertext": []byte("\x01\x02\x03 encrypted with a KMS data key " + fmt.Sprint(i)),
			"ssn_last4":      p.ssn[len(p.ssn)-4:], "payment_method_id": fmt.Sprintf("pm_%x", md5.Sum([]byte(p.card))),
			"card_last4": p.card[len(p.card)-4:], "masked_ssn": "***-**-" + p.ssn[len(p.ssn)-4:],
			"support_email": "help@example.com", "invoice_total": 1234567,
			"password_hash": "scrypt:32768:8:1$Zq3vK8LmNp7Rt5Wx$0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f" + fmt.Sprint(i),
			"tags":          []string{"vip", "newsletter"}, "active": true, "notes": nil,
		})
	}
	name := newTable(t, c, &dynamodb.CreateTableInput{
		TableName: aws.String("fixed-patients"), KeySchema: keyS("patient_id"),
		AttributeDefinitions:   attrDefs("patient_id", "S", "payment_method_id", "S"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("payment-index", "payment_method_id", types.ProjectionTypeKeysOnly)},
	}, items)
	res, err := Audit(context.Background(), Options{Client: pitr{c, true}, Tables: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity >= finding.High {
			t.Errorf("high finding on the fixed table: %s %s", f.Check, f.Title)
		}
		if strings.Contains(f.Path, "ssn") || strings.Contains(f.Path, "card") || strings.Contains(f.Path, "support_email") {
			t.Errorf("finding on a protected attribute: %s", f.Title)
		}
	}
	// E-mail and phone stay in clear, as the fixed app needs them: medium.
	if f := findingAt(res.Findings, audit.DynamoCleartext, "dynamodb://"+name+"/email", "email"); f == nil || f.Severity != finding.Medium {
		t.Errorf("email: %+v", f)
	}
	if f := findingAt(res.Findings, audit.DynamoNoPITR, "dynamodb://"+name, ""); f != nil {
		t.Errorf("PITR enabled yet reported")
	}
}

// pitr answers DescribeContinuousBackups, which dynalite lacks.
type pitr struct {
	*dynamodb.Client
	enabled bool
}

func (p pitr) DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	st := types.PointInTimeRecoveryStatusDisabled
	if p.enabled {
		st = types.PointInTimeRecoveryStatusEnabled
	}
	return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &types.ContinuousBackupsDescription{
		ContinuousBackupsStatus:        types.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &types.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: st},
	}}, nil
}

func TestAuditPasswordsInClearAndPITR(t *testing.T) {
	c := client(t)
	var items []map[string]any
	for i, p := range people {
		items = append(items, map[string]any{"user_id": fmt.Sprintf("u_%d", i), "password": p.password})
	}
	name := newTable(t, c, &dynamodb.CreateTableInput{TableName: aws.String("users"), KeySchema: keyS("user_id"), AttributeDefinitions: attrDefs("user_id", "S")}, items)
	res, err := Audit(context.Background(), Options{Client: pitr{c, false}, Tables: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	f := findingAt(res.Findings, audit.DynamoPassword, "dynamodb://"+name+"/password", "cleartext")
	if f == nil || f.CWE[0] != "CWE-256" || f.Severity != finding.High {
		t.Fatalf("cleartext passwords: %+v", res.Findings)
	}
	if findingAt(res.Findings, audit.DynamoNoPITR, "dynamodb://"+name, "pitr") == nil {
		t.Errorf("no PITR finding")
	}
}

func TestAuditSampleAndListTables(t *testing.T) {
	c := client(t)
	var items []map[string]any
	for i := range 250 {
		items = append(items, map[string]any{"id": fmt.Sprintf("e_%04d", i), "kind": "event", "n": i})
	}
	name := newTable(t, c, &dynamodb.CreateTableInput{TableName: aws.String("events"), KeySchema: keyS("id"), AttributeDefinitions: attrDefs("id", "S")}, items)
	for _, tc := range []struct{ sample, want int }{{100, 100}, {40, 40}, {1000, 250}} {
		res, err := Audit(context.Background(), Options{Client: c, Tables: []string{name}, Sample: tc.sample})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tables) != 1 || res.Tables[0].Sampled != tc.want {
			t.Errorf("sample %d: read %+v, want %d items", tc.sample, res.Tables, tc.want)
		}
	}
	// No --table: every table of ListTables; a missing table fails alone.
	res, err := Audit(context.Background(), Options{Client: c, Sample: 10})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tb := range res.Tables {
		found = found || tb.Name == name
	}
	if !found {
		t.Errorf("ListTables: %s not audited", name)
	}
	res, err = Audit(context.Background(), Options{Client: c, Tables: []string{"no-such-table"}})
	if err != nil || len(res.Failed) != 1 || !strings.Contains(res.Failed[0], "no-such-table") {
		t.Errorf("missing table: err %v failed %v", err, res.Failed)
	}
}

func TestHashScheme(t *testing.T) {
	for _, tc := range []struct {
		v           string
		fast, known bool
	}{
		{"$2b$12$KIXQJ8Zr3Lm2Np7Rt5Wx9uYb4Cd6Fg1Hj0Ks3Lm8Nq2PZr3Lm2Np7", false, true},
		{"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", false, true},
		{"scrypt:32768:8:1$salt$abcdef", false, true},
		{"pbkdf2:sha256:600000$salt$abcdef", false, true},
		{"pbkdf2:sha256:1$salt$abcdef", true, true},
		{"pbkdf2_sha256$720000$salt$hash=", false, true},
		{"$pbkdf2-sha256$1000$salt$hash", true, true},
		{"sha256$salt$abcdef", true, true},
		{"5f4dcc3b5aa765d61d8327deb882cf99", true, true},
		{"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", true, true},
		{"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", true, true},
		{"$1$salt$hash", true, true},
		{"$6$rounds=5000$salt$hash", false, true},
		{"hunter2", false, false},
	} {
		_, fast, known := hashScheme(tc.v)
		if fast != tc.fast || known != tc.known {
			t.Errorf("hashScheme(%q) = fast %v known %v", tc.v, fast, known)
		}
	}
}

func TestAppendItem(t *testing.T) {
	item, _ := marshalItem(map[string]any{"b": map[string]any{"x": []any{"s", 1.5, true, nil}}, "a": "q\"", "n": 12, "bin": []byte{1}, "ss": []string{"x"}})
	b, spans := appendItem(nil, 0, item, nil)
	if string(b) != `{"a":"q\"","b":{"x":["s",1.5,true,null]},"bin":null,"n":12,"ss":["x"]}` {
		t.Errorf("json %s", b)
	}
	if len(spans) != 5 || spans[0].attr != "a" || string(b[spans[1].start:spans[1].end]) != `"b":{"x":["s",1.5,true,null]}` {
		t.Errorf("spans %+v", spans)
	}
}

// counting is a hermetic API with one empty table; it counts calls.
type counting struct {
	API
	calls int
}

func (c *counting) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	c.calls++
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableName: in.TableName, KeySchema: keyS("id")}}, nil
}

func (c *counting) DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	c.calls++
	return &dynamodb.DescribeContinuousBackupsOutput{}, nil
}

func (c *counting) DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error) {
	c.calls++
	return &dynamodb.DescribeTimeToLiveOutput{}, nil
}

func (c *counting) Scan(ctx context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	c.calls++
	return &dynamodb.ScanOutput{}, nil
}

// TestRateLimit: --rate bounds the calls per second. Two tables cost 8
// calls (3 describes and 1 scan page each); at 20 calls per second the
// last one cannot start before 350 ms. A lower bound only: a slow machine
// cannot make it fail.
func TestRateLimit(t *testing.T) {
	api := &counting{}
	start := time.Now()
	res, err := Audit(context.Background(), Options{Client: api, Tables: []string{"a", "b"}, Sample: 10, Rate: 20})
	if err != nil {
		t.Fatal(err)
	}
	if api.calls != 8 || res.Calls != 8 {
		t.Fatalf("calls %d, counted %d; want 8", api.calls, res.Calls)
	}
	if d := time.Since(start); d < 350*time.Millisecond {
		t.Errorf("8 calls at 20/s took %v", d)
	}
}
