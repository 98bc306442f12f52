// Package audit holds what the two audits of data at rest share: the
// descriptions of their rules, the severity of a detected type, and the
// assembly of their findings into a finding.Report that the reporters,
// baselines, suppressions and exit codes of `scan` handle unchanged.
//
// The audits read data, not HTTP answers, so a finding's location is not an
// endpoint: Method is "AUDIT" and Path names the place of the data —
// dynamodb://TABLE/ATTRIBUTE for an attribute of a DynamoDB table,
// dynamodb://TABLE or dynamodb://TABLE/index/NAME for table settings, and
// log://FILE for a log file (docs/audit.md).
package audit

import (
	"time"

	"github.com/leakhound/leakhound/internal/check"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/score"
)

// Method is the Method of every audit finding.
const Method = "AUDIT"

// Rule ids of the DynamoDB audit.
const (
	DynamoCleartext = "dynamodb-cleartext-attribute"
	DynamoPassword  = "dynamodb-weak-password-storage"
	DynamoGSIAll    = "dynamodb-gsi-projects-all"
	DynamoNoCMK     = "dynamodb-no-customer-managed-key"
	DynamoNoPITR    = "dynamodb-no-point-in-time-recovery"
	LogSensitive    = "log-sensitive-data"
	LogItemDump     = "log-item-dump"
)

// DynamoDBRules describes the rules of `leakhound audit dynamodb`.
func DynamoDBRules() []check.Meta {
	return []check.Meta{
		{ID: DynamoCleartext, Title: "Personal data or credentials stored in clear in a DynamoDB attribute",
			Severity: finding.High, CWE: []string{"CWE-312"},
			Description: "Sampled items of the table hold personal data or credentials in clear in this attribute. Every principal allowed to Scan, Query or GetItem the table, every backup, export and stream consumer reads them; one over-broad read path leaks them all.",
			Remediation: "Move the attribute out of the item (a separate table with its own IAM policy, a vault or the payment processor) or encrypt it client-side (AWS Database Encryption SDK, KMS envelope encryption) before PutItem; read it with a ProjectionExpression that names only what each read path needs, and restrict readers with an IAM condition on dynamodb:Attributes (docs/audit.md)."},
		{ID: DynamoPassword, Title: "Password stored in clear or with a fast hash",
			Severity: finding.High, CWE: []string{"CWE-256", "CWE-916"},
			Description: "Passwords are stored in clear (CWE-256) or hashed with a fast or unsalted function such as MD5, SHA-1, SHA-256 or PBKDF2 with a few iterations (CWE-916): anyone who reads the table recovers most passwords offline in hours.",
			Remediation: "Hash passwords with a slow, salted function: argon2id, scrypt, bcrypt, or PBKDF2-HMAC-SHA256 with at least 600,000 iterations (OWASP Password Storage Cheat Sheet); rehash at the next login of each user, and keep the hash out of every read path (ProjectionExpression, IAM dynamodb:Attributes)."},
		{ID: DynamoGSIAll, Title: "Global secondary index projects every attribute",
			Severity: finding.Medium, CWE: []string{"CWE-200", "CWE-312"},
			Description: "The index is keyed by an attribute that is not personal data, yet projects ALL attributes: every sensitive attribute of the table is copied into an index that callers query by that key, usually to list records, where none of the sensitive attributes is needed.",
			Remediation: "Recreate the index with ProjectionType KEYS_ONLY or INCLUDE and the non-sensitive attributes its queries need (an index's projection cannot be changed in place: create the new index, switch the readers, delete the old one)."},
		{ID: DynamoNoCMK, Title: "Table encrypted with an AWS owned key, not a customer managed key",
			Severity: finding.Info, CWE: []string{"CWE-312"},
			Description: "The table holding sensitive attributes is encrypted at rest with the default AWS owned key: key use is not in your CloudTrail and access to the data cannot be revoked or limited through a key policy.",
			Remediation: "Switch the table's server-side encryption to a customer managed KMS key (UpdateTable SSESpecification {Enabled: true, SSEType: KMS, KMSMasterKeyId: …}) whose key policy names the roles that may read the data."},
		{ID: DynamoNoPITR, Title: "Point-in-time recovery is off",
			Severity: finding.Info, CWE: []string{"CWE-693"},
			Description: "Continuous backups are off: an accidental or malicious overwrite of the table's items cannot be undone to a point in the last 35 days.",
			Remediation: "Enable point-in-time recovery (UpdateContinuousBackups PointInTimeRecoverySpecification {PointInTimeRecoveryEnabled: true})."},
	}
}

// LogRules describes the rules of `leakhound audit logs`.
func LogRules() []check.Meta {
	return []check.Meta{
		{ID: LogSensitive, Title: "Personal data or secrets written to a log file",
			Severity: finding.High, CWE: []string{"CWE-532"},
			Description: "Lines of the log file hold personal data or secrets in clear. Logs are copied to aggregators, kept for months, read by operators and support staff, and often served by mistake.",
			Remediation: "Log identifiers, not values: the record id and the outcome. Remove the value from the message (or the request URL: send personal data in the body of a POST, not in a query string), add a logging filter that masks what slips through, rotate the secrets that were logged, and purge the affected files and their copies."},
		{ID: LogItemDump, Title: "Whole records logged",
			Severity: finding.High, CWE: []string{"CWE-532"},
			Description: "Lines hold a whole record (a Python dict, JSON or DynamoDB JSON with several personal attributes), as written by logger.info('… %s', item): every field of every record that passes through the code reaches the log.",
			Remediation: "Log the record's id and the fields the message is about, never the whole item: logger.info(\"invoice fetched %s\", item[\"invoice_id\"]). Add a logging.Filter that redacts dicts before formatting, and purge the existing files."},
	}
}

// Severity is the severity of storing or logging a value of type typ in
// clear: regulated identifiers, payment data and credentials are high,
// personal data medium, identity data (a name, an IP address) low; stack
// and platform artefacts are info. It is the level table of the
// sensitivity model: detect.LevelOf(typ).Severity().
func Severity(typ string) finding.Severity {
	if !Sensitive(typ) {
		return finding.Info
	}
	return detect.LevelOf(detect.Type(typ)).Severity()
}

// Sensitive reports whether an audit reports values of type typ: personal
// data and credentials, not stack or platform artefacts.
func Sensitive(typ string) bool {
	c := category(typ)
	return c == detect.PII || c == detect.Secret
}

// category is detect.CategoryOf for a type name.
func category(typ string) detect.Category { return detect.CategoryOf(detect.Type(typ)) }

// Report assembles findings into a report: fingerprinted, sorted, scored.
// target names what was audited (an endpoint URL, a region, a path);
// places counts the tables or files read (the report's "endpoints").
func Report(version, target string, places, calls int, started time.Time, fs []finding.Finding) *finding.Report {
	for i := range fs {
		fs[i].Method = Method
		if fs[i].Occurrences == 0 {
			fs[i].Occurrences = 1
		}
		fs[i].ComputeFingerprint()
	}
	finding.Sort(fs)
	now := time.Now()
	r := &finding.Report{
		SchemaVersion: finding.SchemaVersion,
		Tool:          finding.Tool{Name: "leakhound", Version: version},
		Target:        target,
		StartedAt:     started.UTC(),
		FinishedAt:    now.UTC(),
		DurationMS:    now.Sub(started).Milliseconds(),
		RequestsSent:  calls,
		Endpoints:     places,
		Findings:      fs,
	}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	score.Apply(r, []string{score.DataExposure})
	return r
}
