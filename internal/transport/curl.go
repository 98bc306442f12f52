package transport

import (
	"net/http"
	"sort"
	"strings"
)

// Curl returns a copy-paste reproduction of a request. Identity headers are
// replaced by shell placeholders, so no credential is ever printed; the
// forged credential of a synthetic identity is printed as sent.
func Curl(method, url string, id Identity, extra http.Header, body []byte) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if method != "" && method != http.MethodGet {
		if method == http.MethodHead {
			b.WriteString(" -I")
		} else {
			b.WriteString(" -X " + method)
		}
	}
	for _, k := range id.CredentialHeaders() {
		if id.Synthetic {
			// A forged credential proves the weakness: print it.
			for _, v := range id.Header.Values(k) {
				b.WriteString(" -H " + shellQuote(k+": "+v))
			}
			continue
		}
		b.WriteString(` -H "` + k + `: ` + Placeholder(id.Name, k) + `"`)
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

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
