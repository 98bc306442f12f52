package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/surface"
	"github.com/leakhound/leakhound/internal/surface/shape"
	"github.com/leakhound/leakhound/internal/transport"
)

var queryPair = regexp.MustCompile(`([?&])([^=&\s'"#?]+)=([^&\s'"#]*)`)

// maskQuery masks the personal data and secrets that query strings in s
// carry (/lookup?email=alice@… → /lookup?email=a***@…). Each parameter is
// decoded and read with its name as context, so dob=1984-03-12 is masked
// while page=2 stays.
func maskQuery(s string) string {
	return queryPair.ReplaceAllStringFunc(s, func(m string) string {
		sub := queryPair.FindStringSubmatch(m)
		v, err := url.QueryUnescape(sub[3])
		if err != nil {
			v = sub[3]
		}
		pair := sub[2] + "=" + v
		masked := detect.MaskText(pair)
		if masked == pair {
			return m
		}
		if name := sub[2]; !strings.HasPrefix(masked, name+"=") {
			// A rule matched the name itself (an artefact such as
			// __debugger__=yes): parameter names are never secret and a
			// reproduction needs them; the value alone is masked.
			if mv := detect.MaskText(v); mv != v {
				return sub[1] + name + "=" + mv
			}
			return m
		}
		return sub[1] + masked
	})
}

// maskLocation masks what a URL, a request line or a reproduction command
// carries: query values (maskQuery) and path segments holding personal
// data or secrets (/users/by-email/alice@…, /people/536-22-…/records). Each
// segment is read as text and with the segment before it as its key.
func maskLocation(s string) string {
	s = maskQuery(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '/')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j+1])
		i += j + 1
		end := i
		for end < len(s) && !strings.ContainsRune("/?#'\" \t\n", rune(s[end])) {
			end++
		}
		b.WriteString(maskSegment(prevSegment(s, i-1), s[i:end]))
		i = end
	}
	return b.String()
}

// prevSegment returns the path segment that ends at the slash at i.
func prevSegment(s string, i int) string {
	k := strings.LastIndexAny(s[:i], "/ '\"")
	return s[k+1 : i]
}

func maskSegment(prev, seg string) string {
	if seg == "" || strings.HasPrefix(seg, "{") {
		return seg
	}
	v, err := url.PathUnescape(seg)
	if err != nil {
		v = seg
	}
	if personSegment(prev, v) {
		return url.PathEscape(finding.Mask(string(detect.TypeUsername), v))
	}
	doc, _ := json.Marshal(map[string]string{prev: v})
	for _, body := range [][]byte{[]byte(v), doc} {
		for _, m := range detect.Scan(body, "").Matches {
			if m.Category == detect.PII || m.Category == detect.Secret {
				return url.PathEscape(finding.Mask(string(m.Type), v))
			}
		}
	}
	return seg
}

// personCollections are path words whose next segment names a person when
// it is not an id: /users/zquibble77, /profile/alice, /passphrase/bob.
var personCollections = map[string]bool{
	"user": true, "users": true, "profile": true, "profiles": true, "account": true, "accounts": true,
	"member": true, "members": true, "people": true, "person": true, "persons": true, "customer": true,
	"customers": true, "author": true, "authors": true, "employee": true, "employees": true, "patient": true,
	"patients": true, "passphrase": true, "by-username": true, "by-name": true, "u": true,
}

// personLiterals are words that follow a person collection as routes, not
// names.
var personLiterals = map[string]bool{
	"me": true, "self": true, "current": true, "new": true, "search": true, "list": true, "all": true,
	"admin": true, "login": true, "logout": true, "register": true, "profile": true, "settings": true,
	"export": true, "count": true, "stats": true, "active": true, "public": true,
	// RPC-style actions (POST /profile/get, /users/update).
	"get": true, "fetch": true, "find": true, "lookup": true, "view": true, "read": true, "details": true,
	"update": true, "edit": true, "create": true, "delete": true, "remove": true, "verify": true, "info": true,
}

var usernameShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{2,39}$`)

// personSegment reports whether seg, after the path word prev, is a
// username: a person collection followed by a name-shaped value that is
// neither a route word nor an id (ids are templated, not masked).
func personSegment(prev, seg string) bool {
	p := strings.ToLower(prev)
	return personCollections[p] && usernameShape.MatchString(seg) && !personLiterals[strings.ToLower(seg)] &&
		shape.Of("/"+seg) == "/"+seg // an id (u_1001, INV-0003) is templated, not masked
}

// scrubber replaces the scan's own credentials wherever they reappear (a
// target that echoes request headers, an error quoting a token): every
// value each identity sends, static or from its login, and its token part.
type scrubber struct {
	ids []transport.Identity
	// header holds the scan-wide headers (--header), which may carry keys.
	header http.Header
	client func() *transport.Client
}

func (s scrubber) secrets() []string {
	var out []string
	add := func(h http.Header) {
		for _, vs := range h {
			for _, v := range vs {
				out = append(out, v)
				if _, tok, ok := strings.Cut(v, " "); ok {
					out = append(out, tok) // Bearer <token>, Basic <creds>
				}
				for _, part := range strings.Split(v, ";") {
					if _, cv, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
						out = append(out, cv) // cookie values
					}
				}
			}
		}
	}
	for _, id := range s.ids {
		add(id.Header)
	}
	for k, vs := range s.header {
		if surface.IsCredentialHeader(k) || detect.SensitiveKey(k) {
			add(http.Header{k: vs})
		}
	}
	if s.client != nil {
		if c := s.client(); c != nil {
			add(c.SessionHeaders())
		}
	}
	keep := out[:0]
	for _, v := range out {
		if len(strings.TrimSpace(v)) >= 6 {
			keep = append(keep, strings.TrimSpace(v))
		}
	}
	// Longest first, so a header value goes before its token part.
	sort.Slice(keep, func(i, j int) bool { return len(keep[i]) > len(keep[j]) })
	return keep
}

// scrub replaces every credential of the scan in t.
func (s scrubber) scrub(t string, secrets []string) string {
	for _, v := range secrets {
		if strings.Contains(t, v) {
			t = strings.ReplaceAll(t, v, "[scan credential]")
		}
	}
	return t
}

// sanitize is the last step every finding passes: locations masked
// (personal data in paths and queries), excerpts and details read once more
// by the detectors, every leaf value of an excerpt masked by structure
// unless it is harmless (detect.MaskExcerpt), the scan's own credentials scrubbed everywhere.
func sanitize(fs []finding.Finding, s scrubber) {
	secrets := s.secrets()
	for i := range fs {
		f := &fs[i]
		f.MaskLocations(maskLocation)
		f.Evidence.Excerpt = maskLocation(detect.MaskExcerpt(detect.MaskSensitive(f.Evidence.Excerpt)))
		for k, v := range f.Evidence.Details {
			if strings.HasPrefix(k, "reproduce") {
				f.Evidence.Details[k] = maskLocation(v)
			} else {
				f.Evidence.Details[k] = maskLocation(detect.MaskSensitive(v))
			}
		}
		f.Scrub(func(t string) string { return s.scrub(t, secrets) })
	}
}

// scrubHandler masks log records: locations, detected values and the
// scan's own credentials, so even -vv logs carry nothing raw.
type scrubHandler struct {
	inner slog.Handler
	s     scrubber
}

func (h scrubHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h scrubHandler) clean(t string) string {
	return h.s.scrub(detect.MaskSensitive(maskLocation(t)), h.s.secrets())
}

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h scrubHandler) attr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(a.Value.String()))
	case slog.KindAny:
		return slog.String(a.Key, h.clean(fmt.Sprint(a.Value.Any())))
	}
	return a
}

func (h scrubHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return scrubHandler{h.inner.WithAttrs(clean), h.s}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{h.inner.WithGroup(name), h.s}
}
