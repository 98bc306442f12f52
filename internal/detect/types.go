package detect

import "github.com/leakhound/leakhound/internal/finding"

// Type names one kind of detected value: a personal-data type, a secret
// type, a privilege marker or a stack artefact. It is the one vocabulary
// every check, the authorization verdicts, the surface model, the score and
// the reports use; the PII names match those finding.Mask knows.
type Type string

// Types of detected values.
const (
	TypeEmail    Type = "email"
	TypePhone    Type = "phone"
	TypeSSN      Type = "ssn"
	TypeITIN     Type = "itin"
	TypeCard     Type = "card"
	TypeIBAN     Type = "iban"
	TypeDOB      Type = "date_of_birth"
	TypeAddress  Type = "postal_address"
	TypeName     Type = "person_name"
	TypeUsername Type = "username"
	TypeIP       Type = "ip_address"
	TypeGeo      Type = "geolocation"
	TypeNINO     Type = "uk_nino"
	TypeNHS      Type = "uk_nhs_number"
	TypeSIN      Type = "ca_sin"
	TypePassport Type = "passport_number"
	TypeMedical  Type = "medical"

	TypeAWSKeyID     Type = "aws_access_key_id"
	TypeAWSSecret    Type = "aws_secret_access_key"
	TypeGitHub       Type = "github_token"
	TypeStripe       Type = "stripe_key"
	TypeSlack        Type = "slack_token"
	TypeGoogleKey    Type = "google_api_key"
	TypePrivateKey   Type = "private_key"
	TypeJWT          Type = "jwt"
	TypeAPIKey       Type = "api_key"
	TypePassword     Type = "password"
	TypePasswordHash Type = "password_hash"
	// TypeCredential is any value under a secret-named key (client_secret,
	// signing_key, passphrase, security_answer…) or assigned to one in a
	// configuration file (SECRET_KEY=…), whatever its entropy.
	TypeCredential Type = "credential"

	// TypeRole is a privilege field (role, is_admin, permissions, scope).
	TypeRole Type = "role"

	// TypeDebugSecret is the page secret of the Werkzeug debugger: part of
	// the debugger artefact, not a credential of the application.
	TypeDebugSecret   Type = "werkzeug_debugger_secret"
	TypeTraceback     Type = "python_traceback"
	TypeDebugger      Type = "werkzeug_debugger"
	TypeFlaskError    Type = "flask_error"
	TypeTemplateError Type = "template_error"
	TypeBotocoreError Type = "botocore_error"
	TypeDynamoError   Type = "dynamodb_error"
	TypeDynamoARN     Type = "dynamodb_arn"
	TypeDynamoTable   Type = "dynamodb_table"
	TypeAWSAccount    Type = "aws_account_id"
	TypeServerPath    Type = "server_path"
	TypeSQLError      Type = "sql_error"
	TypeMongoError    Type = "mongodb_error"
	TypeJavaStack     Type = "java_stack_trace"
	TypeNodeStack     Type = "node_stack_trace"
	TypeGoStack       Type = "go_stack_trace"
	TypeDynamoWire    Type = "dynamodb_wire_format"
	// TypeSourceLiteral is a string literal in a source line a traceback
	// shows: often a hard-coded credential or query. Reported at low
	// confidence only, so that excerpts mask it.
	TypeSourceLiteral Type = "source_literal"
)

// Category groups the types of what is detected.
type Category int

// Categories.
const (
	PII Category = iota + 1
	Secret
	Artefact
	// Privilege is a field that grants or describes privileges.
	Privilege
)

func (c Category) String() string {
	switch c {
	case PII:
		return "pii"
	case Secret:
		return "secret"
	case Artefact:
		return "artefact"
	case Privilege:
		return "privilege"
	}
	return "unknown"
}

// CategoryOf returns the category of a type.
func CategoryOf(typ Type) Category {
	switch typ {
	case TypeEmail, TypePhone, TypeSSN, TypeITIN, TypeCard, TypeIBAN, TypeDOB, TypeAddress,
		TypeName, TypeUsername, TypeIP, TypeGeo, TypeNINO, TypeNHS, TypeSIN, TypePassport, TypeMedical:
		return PII
	case TypeAWSKeyID, TypeAWSSecret, TypeGitHub, TypeStripe, TypeSlack, TypeGoogleKey,
		TypePrivateKey, TypeJWT, TypeAPIKey, TypePassword, TypePasswordHash, TypeCredential:
		return Secret
	case TypeRole:
		return Privilege
	}
	return Artefact
}

// isIdentity reports the PII types that single out a person; they make
// the weak signals of a record (a bare "name", an IP, a location) count.
func isIdentity(typ Type) bool {
	switch typ {
	case TypeEmail, TypePhone, TypeSSN, TypeITIN, TypeCard, TypeIBAN, TypeDOB, TypeAddress,
		TypeNINO, TypeNHS, TypeSIN, TypePassport, TypeName:
		return true
	}
	return false
}

// Level says how bad it is when a value of a type reaches someone who
// should not see it. It is the one level table: checks derive severities
// from it, the score its sensitivity weight.
type Level int

// Levels, lowest first.
const (
	LevelNone Level = iota
	// LevelInternal: internals worth hiding (stack artefacts, table names,
	// privilege fields).
	LevelInternal
	// LevelIdentity: values that name or locate a person only together
	// with other data (a name, a username, an IP address).
	LevelIdentity
	// LevelPersonal: personal data (email, phone, date of birth, postal
	// address, location, health data).
	LevelPersonal
	// LevelCritical: regulated identifiers (SSN, NINO, NHS, SIN, passport),
	// payment data (card, IBAN) and credentials of any kind.
	LevelCritical
)

func (l Level) String() string {
	return [...]string{"none", "internal", "identity", "personal", "critical"}[max(0, min(int(l), 4))]
}

// levels is the level table.
var levels = map[Type]Level{
	TypeName: LevelIdentity, TypeUsername: LevelIdentity, TypeIP: LevelIdentity,
	TypeEmail: LevelPersonal, TypePhone: LevelPersonal, TypeDOB: LevelPersonal, TypeAddress: LevelPersonal,
	TypeGeo: LevelPersonal, TypeMedical: LevelPersonal,
	TypeSSN: LevelCritical, TypeITIN: LevelCritical, TypeCard: LevelCritical, TypeIBAN: LevelCritical,
	TypeNINO: LevelCritical, TypeNHS: LevelCritical, TypeSIN: LevelCritical, TypePassport: LevelCritical,
	TypeRole: LevelInternal, TypeDebugSecret: LevelInternal,
}

// LevelOf returns the level of a type: the table above, critical for every
// secret type, internal for every artefact, none for anything unknown.
func LevelOf(typ Type) Level {
	if l, ok := levels[typ]; ok {
		return l
	}
	switch CategoryOf(typ) {
	case Secret:
		return LevelCritical
	case Artefact:
		if typ != "" && isKnown(typ) {
			return LevelInternal
		}
	}
	return LevelNone
}

func isKnown(typ Type) bool {
	switch typ {
	case TypeTraceback, TypeDebugger, TypeFlaskError, TypeTemplateError, TypeBotocoreError, TypeDynamoError,
		TypeDynamoARN, TypeDynamoTable, TypeAWSAccount, TypeServerPath, TypeSQLError, TypeMongoError,
		TypeJavaStack, TypeNodeStack, TypeGoStack, TypeDynamoWire, TypeSourceLiteral:
		return true
	}
	return false
}

// Severity is the severity of exposing a value of this level to a caller
// who should not see it: critical data is high, personal data medium,
// identity and internal data low.
func (l Level) Severity() finding.Severity {
	switch l {
	case LevelCritical:
		return finding.High
	case LevelPersonal:
		return finding.Medium
	case LevelIdentity, LevelInternal:
		return finding.Low
	}
	return finding.Info
}

// Worst returns the highest level among types.
func Worst(types ...Type) Level {
	w := LevelNone
	for _, t := range types {
		w = max(w, LevelOf(t))
	}
	return w
}

// Stack names the data store or platform whose errors a set of artefact
// types shows, for choosing a remediation: "dynamodb", "sql", "mongodb",
// "python" or "" when nothing says.
func Stack(types ...Type) string {
	has := map[Type]bool{}
	for _, t := range types {
		has[t] = true
	}
	switch {
	case has[TypeBotocoreError] || has[TypeDynamoError] || has[TypeDynamoARN] || has[TypeDynamoTable] || has[TypeDynamoWire]:
		return "dynamodb"
	case has[TypeSQLError]:
		return "sql"
	case has[TypeMongoError]:
		return "mongodb"
	case has[TypeTraceback] || has[TypeDebugger] || has[TypeFlaskError] || has[TypeTemplateError]:
		return "python"
	}
	return ""
}

// KeyType returns the type of data a field name announces (email,
// password, role…), or "" when the name says nothing. It is the one key
// classifier: the detectors read JSON keys, CSV headers and words before a
// value with it, and the surface model and checks read field and
// parameter names with it.
func KeyType(name string) Type {
	switch classifyKey([]byte(name)) {
	case kEmail:
		return TypeEmail
	case kPhone:
		return TypePhone
	case kSSN:
		return TypeSSN
	case kCard:
		return TypeCard
	case kIBAN:
		return TypeIBAN
	case kDOB:
		return TypeDOB
	case kAddress:
		return TypeAddress
	case kName, kNameWeak:
		return TypeName
	case kUsername:
		return TypeUsername
	case kIP:
		return TypeIP
	case kLat, kLon:
		return TypeGeo
	case kNINO:
		return TypeNINO
	case kNHS:
		return TypeNHS
	case kSIN:
		return TypeSIN
	case kPassport:
		return TypePassport
	case kMedical:
		return TypeMedical
	case kPassword:
		return TypePassword
	case kPasswordHash:
		return TypePasswordHash
	case kSecret:
		return TypeAPIKey
	case kCredential:
		return TypeCredential
	case kAWSSecret:
		return TypeAWSSecret
	case kRole:
		return TypeRole
	}
	return ""
}

// KeyLevel is LevelOf(KeyType(name)): what a field name alone says. Use it
// only where no value is at hand (a parameter name, a schema property);
// where a value is, the level of what the detectors find in it decides.
func KeyLevel(name string) Level { return LevelOf(KeyType(name)) }

// SensitiveKey reports whether values under the field name must be masked
// whatever they look like: personal data, credentials and privilege fields.
func SensitiveKey(name string) bool {
	switch classifyKey([]byte(name)) {
	case kNone, kIDLike, kGeneric, kAddressPart, kLat, kLon, kTableName, kAccountID, kRole, kExample:
		return false
	}
	return true
}
