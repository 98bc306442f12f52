package surface

import (
	"strings"
	"unicode"
)

// Role is what a parameter means to an attacker, learnt from its name, its
// schema and its position. The authorization checks swap owner and object
// references between identities; bfla sends privilege fields; credentials
// are never filled from another identity's values.
type Role string

// Roles of parameters.
const (
	// RoleOwner names the user an operation acts for: user, user_id,
	// account, customer, member, owner, email, username, sub.
	RoleOwner Role = "owner-reference"
	// RoleObject names an object: id, *_id, *Id, *_ref, *_no, uuid, slug,
	// title, key, or any placeholder of a path segment.
	RoleObject Role = "object-reference"
	// RolePrivilege grants rights when a server trusts it from the client:
	// role, is_admin, admin, authLevel, level, tier, permissions, group,
	// scope, is_staff.
	RolePrivilege Role = "privilege-field"
	// RoleCredential is a secret: password, token, api key, OTP.
	RoleCredential Role = "credential"
	// RoleText is free text: a search query, a comment, a message.
	RoleText Role = "free-text"
)

// nameTokens splits a parameter name into lower-case words: authLevel →
// auth level, user_id → user id, X-Account-Id → x account id.
func nameTokens(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

var (
	credentialWords = map[string]bool{"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true, "secret": true, "token": true, "apikey": true, "otp": true, "pin": true, "totp": true, "credential": true, "credentials": true, "authorization": true, "cookie": true}
	privilegeWords  = map[string]bool{"role": true, "roles": true, "admin": true, "isadmin": true, "authlevel": true, "level": true, "tier": true, "permission": true, "permissions": true, "group": true, "groups": true, "scope": true, "scopes": true, "staff": true, "superuser": true, "privilege": true, "privileges": true, "rights": true, "acl": true, "usertype": true}
	ownerWords      = map[string]bool{"user": true, "userid": true, "uid": true, "account": true, "customer": true, "member": true, "owner": true, "email": true, "username": true, "sub": true, "login": true, "author": true, "patient": true, "client": true, "tenant": true}
	objectWords     = map[string]bool{"id": true, "uuid": true, "guid": true, "ref": true, "no": true, "slug": true, "title": true, "key": true, "code": true, "handle": true}
	textWords       = map[string]bool{"q": true, "query": true, "search": true, "text": true, "comment": true, "description": true, "message": true, "note": true, "content": true, "body": true, "bio": true, "term": true, "value": true, "filter": true, "keyword": true, "keywords": true}
)

// RoleOf learns the role of a parameter from its name, location and
// schema: an owner reference (user_id, email, X-Account-Id), an object
// reference (order_id, slug, a path placeholder), a privilege field (role,
// is_admin, authLevel), a credential (password, token) or free text (q,
// comment). It returns "" for other parameters (page, limit, sort).
func RoleOf(name, in string, s *Schema) Role {
	toks := nameTokens(name)
	if len(toks) == 0 {
		return ""
	}
	if in == "header" && len(toks) > 1 && toks[0] == "x" {
		toks = toks[1:]
	}
	joined := strings.Join(toks, "")
	last := toks[len(toks)-1]
	has := func(set map[string]bool) bool {
		if set[joined] {
			return true
		}
		for _, t := range toks {
			if set[t] {
				return true
			}
		}
		return false
	}
	if in == "header" && IsCredentialHeader(name) {
		return RoleCredential
	}
	// Credential words win, but not in a reference to a token (token_id).
	if credentialWords[joined] || joined == "apikey" || (has(credentialWords) && !objectWords[last]) {
		return RoleCredential
	}
	if has(privilegeWords) && !objectWords[last] && !(in == "path") {
		return RolePrivilege
	}
	if s != nil && s.Is("boolean") && (strings.HasPrefix(joined, "is") || strings.HasPrefix(joined, "can")) && has(map[string]bool{"admin": true, "staff": true, "superuser": true, "moderator": true, "verified": true, "owner": true}) {
		return RolePrivilege
	}
	if ownerWords[toks[0]] && (len(toks) == 1 || objectWords[last] || ownerWords[last]) || ownerWords[joined] {
		return RoleOwner
	}
	if s != nil && (s.Format == "email") {
		return RoleOwner
	}
	if objectWords[last] || strings.HasSuffix(joined, "id") && len(joined) > 2 && (strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID")) {
		return RoleObject
	}
	if in == "path" {
		return RoleObject
	}
	if has(textWords) && (s == nil || s.Is("string") || len(s.Types) == 0) {
		return RoleText
	}
	return ""
}

// IsReference reports whether a role names an object or its owner: the
// parameters the authorization checks swap between identities.
func (r Role) IsReference() bool { return r == RoleOwner || r == RoleObject }
