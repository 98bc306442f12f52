package transport

import (
	"net/http"
	"sort"
	"strings"
)

// Secret is a header of a reproduction whose value is left to a shell
// variable, so that no credential is ever printed: the header goes out as
// Header: Prefix$Var, and the preamble names Var with Note.
type Secret struct {
	// Header is the header name exactly as the scanner sent it.
	Header string
	// Prefix is the literal part of the value before the variable
	// ("Bearer " when the scanner sent a bearer token, "" for a raw one,
	// "session=" for a cookie).
	Prefix string
	// Var is the shell variable, without "$": ALICE_AUTHORIZATION.
	Var string
	// Note says what to put in the variable.
	Note string
}

// IdentitySecrets returns the placeholders of the headers an identity sends:
// each variable holds the whole header value (with "Bearer " when the
// identity sends it).
func IdentitySecrets(id Identity) []Secret {
	var out []Secret
	for _, k := range id.CredentialHeaders() {
		note := "the " + k + " header " + id.Name + " sends"
		if len(id.Values(k)) == 0 && id.Login != nil {
			note = "the " + k + " header the login flow of " + id.Name + " yields"
		}
		out = append(out, Secret{Header: k, Var: PlaceholderName(id.Name, k), Note: note})
	}
	return out
}

// Curl returns a reproduction of a request as identity id: a preamble that
// names each placeholder (see RequireVar), then the curl
// command. Identity headers are sent under their names as typed, their
// values replaced by the placeholders; extra headers and the body are
// literal. The output runs in a POSIX shell once the placeholders are
// exported. The forged credential of a synthetic identity is printed as
// sent: it proves the weakness and belongs to nobody.
func Curl(method, url string, id Identity, extra http.Header, body []byte) string {
	if id.Synthetic {
		all := http.Header{}
		for k, vs := range extra {
			all[k] = append(all[k], vs...)
		}
		for k, vs := range id.Header {
			all[k] = append(all[k], vs...)
		}
		return CurlSecrets(method, url, nil, all, body)
	}
	return CurlSecrets(method, url, IdentitySecrets(id), extra, body)
}

// CurlSecrets is Curl with explicit placeholders (forged tokens, re-signed
// cookies). Secrets that share a variable are named once in the preamble.
func CurlSecrets(method, url string, secrets []Secret, extra http.Header, body []byte) string {
	var b strings.Builder
	named := map[string]bool{}
	for _, s := range secrets {
		if named[s.Var] {
			continue
		}
		named[s.Var] = true
		b.WriteString(RequireVar(s.Var, s.Note) + "\n")
	}
	b.WriteString("curl -sS -i")
	if method != "" && method != http.MethodGet {
		if method == http.MethodHead {
			b.WriteString(" -I")
		} else {
			b.WriteString(" -X " + method)
		}
	}
	for _, s := range secrets {
		b.WriteString(` -H "` + doubleQuoted(s.Header+": "+s.Prefix) + "$" + s.Var + `"`)
	}
	enames := make([]string, 0, len(extra))
	for k := range extra {
		enames = append(enames, k)
	}
	sort.Strings(enames)
	for _, k := range enames {
		for _, v := range extra[k] {
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if len(body) > 0 {
		b.WriteString(" --data-binary " + shellQuote(string(body)))
	}
	b.WriteString(" " + shellQuote(url))
	return b.String()
}

// doubleQuoted escapes s for the inside of a double-quoted shell word, so
// that a variable may follow it there ("Authorization: Bearer $VAR").
func doubleQuoted(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	return r.Replace(s)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// HeaderPlaceholder names the shell variable that stands for the value of
// a header sent on every request (--header): $LEAKHOUND_HEADER_X_API_KEY.
func HeaderPlaceholder(header string) string {
	return Placeholder("leakhound_header", header)
}

// WithScanHeaders adds the scan-wide headers (--header) to a reproduction
// made by Curl or CurlSecrets, as placeholders named in its preamble, so
// that it reaches the API as the scan did:
// `curl -sS -i -H "X-Api-Key: $LEAKHOUND_HEADER_X_API_KEY" …`. Their values
// are never printed. Text without a curl line is returned unchanged.
func WithScanHeaders(curl string, names []string) string {
	const head = "curl -sS -i"
	i := strings.Index(curl, head)
	if len(names) == 0 || i < 0 || (i > 0 && curl[i-1] != '\n') {
		return curl
	}
	var pre, h strings.Builder
	for _, k := range names {
		v := PlaceholderName("leakhound_header", k)
		pre.WriteString(RequireVar(v, "the value of --header "+k) + "\n")
		h.WriteString(` -H "` + doubleQuoted(k+": ") + "$" + v + `"`)
	}
	return curl[:i] + pre.String() + head + h.String() + curl[i+len(head):]
}

// RequireVar returns the preamble line of a reproduction for the shell
// variable name: `: "${ALICE_AUTHORIZATION:?export ALICE_AUTHORIZATION
// first: the Authorization header alice sends}"`. Pasted into a POSIX
// shell (bash, dash, zsh) it keeps a value the user exported already and
// otherwise stops with that message (POSIX ${parameter:?word}), so a
// reproduction never runs, nor overwrites a credential, with a
// placeholder.
func RequireVar(name, note string) string {
	msg := "export " + name + " first"
	if note != "" {
		msg += ": " + strings.ReplaceAll(note, "\n", " ")
	}
	// Inside "${…:?word}" a } ends the word, $ ` \ " act, and bash pairs
	// single quotes even there: keep them out of the message.
	msg = strings.Map(func(r rune) rune {
		switch r {
		case '}', '$', '`', '\\', '"', '\'':
			return '_'
		}
		return r
	}, msg)
	return `: "${` + name + `:?` + msg + `}"`
}
