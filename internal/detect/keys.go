package detect

import "strings"

// keyClass is what a JSON key (or a CSV header, or a word before a value)
// says about its value.
type keyClass uint8

const (
	kNone keyClass = iota
	kEmail
	kPhone
	kSSN
	kCard
	kIBAN
	kDOB
	kAddress
	kAddressPart // city, zip: part of an address, not reported alone
	kName
	kNameWeak // "name", "display_name": a person only in a record with other PII
	kIP
	kLat
	kLon
	kNINO
	kNHS
	kSIN
	kPassport
	kPassword
	kPasswordHash
	kSecret
	kAWSSecret
	kTableName
	kAccountID
	kIDLike  // ids, counts, prices, timestamps: silence digit shapes
	kGeneric // "number", "value": the parent key tells ({"card": {"number": …}})
	// kCredential: a secret-named key (client_secret, signing_key,
	// passphrase, security_answer); its value is a credential whatever
	// its entropy.
	kCredential
	kUsername // a login name: personal only in a record with other PII
	kMedical  // health data
	kRole     // a privilege field
	kExample  // example, examples: documentation, not data
)

var exactKeys = map[string]keyClass{
	"email": kEmail, "mail": kEmail, "emailaddress": kEmail, "emails": kEmail,

	"phone": kPhone, "phonenumber": kPhone, "mobile": kPhone, "mobilephone": kPhone, "cell": kPhone,
	"cellphone": kPhone, "tel": kPhone, "telephone": kPhone, "msisdn": kPhone, "fax": kPhone,
	"mobilenumber": kPhone, "contactnumber": kPhone,

	"ssn": kSSN, "socialsecuritynumber": kSSN, "socialsecurity": kSSN, "ssnnumber": kSSN, "itin": kSSN,
	"taxpayerid": kSSN, "ssnlast9": kSSN,

	"cardnumber": kCard, "creditcard": kCard, "creditcardnumber": kCard, "ccnumber": kCard, "cc": kCard,
	"pan": kCard, "cardno": kCard, "card": kCard, "paymentcard": kCard, "ccnum": kCard, "debitcard": kCard,

	"iban": kIBAN, "bankaccount": kIBAN, "ibannumber": kIBAN,

	"dob": kDOB, "dateofbirth": kDOB, "birthdate": kDOB, "birthday": kDOB, "born": kDOB, "birthdt": kDOB,

	"address": kAddress, "streetaddress": kAddress, "street": kAddress, "addressline1": kAddress,
	"addressline2": kAddress, "address1": kAddress, "address2": kAddress, "line1": kAddress,
	"line2": kAddress, "homeaddress": kAddress, "billingaddress": kAddress, "shippingaddress": kAddress,
	"mailingaddress": kAddress, "residentialaddress": kAddress, "addr": kAddress, "street1": kAddress,
	"street2": kAddress, "postaladdress": kAddress, "shipto": kAddress, "shippingto": kAddress, "deliverto": kAddress,
	"city": kAddressPart, "town": kAddressPart, "zip": kAddressPart, "zipcode": kAddressPart,
	"postcode": kAddressPart, "postalcode": kAddressPart,

	"firstname": kName, "lastname": kName, "fullname": kName, "givenname": kName, "familyname": kName,
	"surname": kName, "middlename": kName, "maidenname": kName, "cardholder": kName,
	"cardholdername": kName, "customername": kName, "contactname": kName, "holdername": kName,
	"legalname": kName, "patientname": kName, "employeename": kName, "accountholder": kName,
	"nameoncard": kName, "forename": kName, "fname": kName, "lname": kName,
	"name": kNameWeak, "displayname": kNameWeak,

	"ip": kIP, "ipaddress": kIP, "ipaddr": kIP, "clientip": kIP, "remoteip": kIP, "remoteaddr": kIP,
	"lastloginip": kIP, "lastip": kIP, "signupip": kIP, "userip": kIP, "sourceip": kIP,
	"xforwardedfor": kIP, "registrationip": kIP, "loginip": kIP, "currentsigninip": kIP,
	"lastsigninip": kIP,

	"lat": kLat, "latitude": kLat, "lng": kLon, "lon": kLon, "long": kLon, "longitude": kLon,

	"nino": kNINO, "nationalinsurance": kNINO, "nationalinsurancenumber": kNINO, "ninumber": kNINO,
	"nhs": kNHS, "nhsnumber": kNHS, "nhsno": kNHS,
	"sin": kSIN, "socialinsurancenumber": kSIN,
	"passport": kPassport, "passportnumber": kPassport, "passportno": kPassport,

	"password": kPassword, "passwd": kPassword, "pwd": kPassword, "pw": kPassword,
	"userpassword": kPassword, "currentpassword": kPassword, "newpassword": kPassword,
	"passwordhash": kPasswordHash, "hashedpassword": kPasswordHash, "pwdhash": kPasswordHash,
	"passhash": kPasswordHash, "passworddigest": kPasswordHash, "encryptedpassword": kPasswordHash,
	"pwhash": kPasswordHash,

	"token": kSecret, "accesstoken": kSecret, "refreshtoken": kSecret, "idtoken": kSecret,
	"authtoken": kSecret, "sessiontoken": kSecret, "apitoken": kSecret, "bearertoken": kSecret,
	"authorization": kSecret, "sessionid": kSecret, "credentials": kSecret, "cookie": kSecret,
	"apikey": kCredential, "apisecret": kCredential, "secret": kCredential, "clientsecret": kCredential,
	"secretkey": kCredential, "privatekey": kCredential, "webhooksecret": kCredential, "signingkey": kCredential,
	"xapikey": kCredential, "accesskey": kCredential, "passphrase": kCredential, "secretanswer": kCredential,
	"securityanswer": kCredential, "securityquestionanswer": kCredential, "pin": kCredential, "cvv": kCredential,
	"cvc": kCredential, "cvv2": kCredential, "otp": kCredential, "totpsecret": kCredential, "mfasecret": kCredential,
	"salt": kCredential,

	"username": kUsername, "login": kUsername, "screenname": kUsername, "handle": kUsername, "userlogin": kUsername,
	"diagnosis": kMedical, "diagnoses": kMedical, "medication": kMedical, "medications": kMedical,
	"allergies": kMedical, "allergy": kMedical, "prescription": kMedical, "prescriptions": kMedical,
	"medicalcondition": kMedical, "medicalconditions": kMedical, "healthcondition": kMedical, "bloodtype": kMedical,
	"medicalhistory": kMedical,
	"role":           kRole, "roles": kRole, "isadmin": kRole, "admin": kRole, "permissions": kRole, "permission": kRole,
	"scope": kRole, "scopes": kRole, "privileges": kRole, "superuser": kRole, "issuperuser": kRole, "isstaff": kRole,
	"staff": kRole, "groups": kRole, "usertype": kRole, "accesslevel": kRole,
	"example": kExample, "examples": kExample, "xexample": kExample, "xexamples": kExample,
	"secretaccesskey": kAWSSecret, "awssecretaccesskey": kAWSSecret, "awssecretkey": kAWSSecret,

	"tablename": kTableName,
	"accountid": kAccountID, "awsaccountid": kAccountID, "account": kAccountID,

	"id": kIDLike, "uuid": kIDLike, "guid": kIDLike, "sku": kIDLike, "isbn": kIDLike, "isbn13": kIDLike,
	"ean": kIDLike, "ean13": kIDLike, "upc": kIDLike, "barcode": kIDLike, "gtin": kIDLike,
	"count": kIDLike, "total": kIDLike, "quantity": kIDLike, "qty": kIDLike, "timestamp": kIDLike,
	"ts": kIDLike, "time": kIDLike, "version": kIDLike, "price": kIDLike, "amount": kIDLike,
	"cost": kIDLike, "color": kIDLike, "colour": kIDLike, "hash": kIDLike, "checksum": kIDLike,
	"etag": kIDLike, "sha": kIDLike, "md5": kIDLike, "size": kIDLike, "number": kGeneric, "value": kGeneric,
	"num": kGeneric, "digits": kGeneric, "last4": kIDLike, "lastfour": kIDLike,
	"reference": kIDLike, "ref": kIDLike, "serial": kIDLike, "code": kIDLike,
}

// classifyKey reads a key such as "dateOfBirth", "last_login_ip" or
// "Billing-Address".
func classifyKey(key []byte) keyClass {
	if len(key) == 0 || len(key) > 64 {
		return kNone
	}
	var buf [64]byte
	n := 0
	for _, c := range key {
		switch {
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 32
			n++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			buf[n] = c
			n++
		}
	}
	k := string(buf[:n])
	if c, ok := exactKeys[k]; ok {
		return c
	}
	has := func(s string) bool { return strings.Contains(k, s) }
	switch {
	case has("csrf") || has("xsrf") || has("page") || has("cursor") || has("continuation") || has("next"):
		return kNone
	case has("password") || has("passwd"):
		if has("hash") || has("digest") || has("encrypted") || has("crypt") {
			return kPasswordHash
		}
		for _, not := range []string{"at", "date", "time", "changed", "updated", "expires", "expiry", "policy",
			"length", "required", "strength", "hint", "reset", "set", "enabled", "rule", "min", "max", "url", "age"} {
			if strings.HasSuffix(k, not) || strings.HasPrefix(k, not) && not != "at" {
				return kNone
			}
		}
		return kPassword
	case has("secretaccesskey"):
		return kAWSSecret
	case has("secret") && !has("secretary") || has("apikey") || has("passphrase") || strings.HasSuffix(k, "privatekey") ||
		strings.HasSuffix(k, "answer") && (has("secret") || has("security")) || secretNamedKey(k):
		return kCredential
	case strings.HasSuffix(k, "token"):
		return kSecret
	case has("diagnos") || has("medication") || has("allerg") || has("prescription"):
		return kMedical
	case strings.HasSuffix(k, "email") || strings.HasPrefix(k, "email"):
		return kEmail
	case has("phone") || strings.HasSuffix(k, "mobile"):
		return kPhone
	case has("birth") || strings.HasSuffix(k, "dob"):
		return kDOB
	case has("ipaddr") || strings.HasSuffix(k, "ip") && len(k) <= 14 && !strings.HasSuffix(k, "ship") && !strings.HasSuffix(k, "zip") && !strings.HasSuffix(k, "tip"):
		return kIP
	case has("address") || strings.HasPrefix(k, "street"):
		if has("mac") || has("wallet") || has("ip") || has("email") || has("url") {
			return kNone
		}
		return kAddress
	case has("ssn") || has("socialsecurity"):
		return kSSN
	case has("cardnumber") || has("creditcard"):
		return kCard
	case has("iban"):
		return kIBAN
	case has("passport"):
		return kPassport
	case strings.HasSuffix(k, "firstname") || strings.HasSuffix(k, "lastname") || strings.HasSuffix(k, "fullname") || strings.HasSuffix(k, "surname"):
		return kName
	case strings.HasSuffix(k, "id") || strings.HasSuffix(k, "uuid") || has("order") || has("invoice") ||
		has("tracking") || has("timestamp") || strings.HasSuffix(k, "at") || has("count") || has("price") ||
		has("amount") || has("total") || has("sku") || has("isbn") || has("barcode") || has("version") ||
		strings.HasSuffix(k, "ms") || has("serial") || has("reference") || strings.HasSuffix(k, "no") ||
		has("hash") || has("color") || has("colour"):
		return kIDLike
	}
	return kNone
}

// notSecretKeys are names ending in "key" that hold no secret: DynamoDB and
// database keys, cache and idempotency keys, public keys, words.
var notSecretKeys = []string{"partition", "sort", "primary", "hash", "range", "foreign", "cache", "idempotency",
	"object", "s3", "public", "lookup", "translation", "i18n", "row", "dedup", "dedupe", "group", "message",
	"routing", "bucket", "file", "image", "map", "keyboard", "hot", "mon", "tur", "don", "joc", "hoc",
	"whis", "lastevaluated", "exclusivestart", "start", "next", "sequence", "shard", "composite", "unique",
	"natural", "surrogate", "entity", "item", "record", "resource", "sku", "product", "order", "user",
	"customer", "parent", "child", "ref", "reference", "index", "attribute", "field", "column", "table"}

// secretNamedKey reports names such as signing_key, encryption_key,
// FLASK_SECRET_KEY: a qualifier then "key".
func secretNamedKey(k string) bool {
	q, ok := strings.CutSuffix(k, "key")
	if !ok || q == "" || strings.HasSuffix(q, "id") || strings.HasSuffix(q, "name") {
		return false
	}
	for _, n := range notSecretKeys {
		if q == n || strings.HasSuffix(q, n) && len(q) > len(n) && (n == "partition" || n == "sort" || n == "primary" || n == "cache" || n == "idempotency" || n == "public" || n == "lastevaluated" || n == "exclusivestart") {
			return false
		}
	}
	return true
}
