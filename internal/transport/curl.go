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

// HeaderPlaceholder names the shell variable that stands for the value of
// a header sent on every request (--header): $LEAKHOUND_HEADER_X_API_KEY.
func HeaderPlaceholder(header string) string {
	return Placeholder("leakhound_header", header)
}

// WithScanHeaders adds the scan-wide headers (--header) to a reproduction
// made by Curl, as placeholders, so that it reaches the API as the scan
// did: `curl -sS -i -H "X-Api-Key: $LEAKHOUND_HEADER_X_API_KEY" …`. Their
// values are never printed. A string that is not a Curl line is returned
// unchanged.
func WithScanHeaders(curl string, names []string) string {
	const head = "curl -sS -i"
	if len(names) == 0 || !strings.HasPrefix(curl, head) {
		return curl
	}
	var b strings.Builder
	b.WriteString(head)
	for _, k := range names {
		b.WriteString(` -H "` + k + `: ` + HeaderPlaceholder(k) + `"`)
	}
	b.WriteString(curl[len(head):])
	return b.String()
}
