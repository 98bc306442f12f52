package authz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/transport"
)

// Pair is the evidence of one comparison: the same request as the owner (or
// reference identity) and as the other identity.
type Pair struct {
	OwnerName, OtherName string
	OwnerURL, OtherURL   string
	Owner, Other         transport.Identity
	OwnerFlat, OtherFlat Flat
	// OtherBody, when set, lets the detectors classify the other side.
	OtherBody []byte
	Method    string
	Status    int
	// Header and Body are the request's own headers (Content-Type, a
	// reference header) and body, the same on both sides but for the
	// credentials; personal data in the body is masked in reproductions.
	Header http.Header
	Body   []byte
}

// Side returns a masked side-by-side excerpt of the leaves that matter
// (markers and sensitive fields first), at most rows lines, and the masked
// sensitive values the other identity received.
func (p Pair) Side(markers []Marker, rows int) (string, []finding.Value) {
	sens := SensitiveIn(p.OtherBody, p.OtherFlat)
	types := map[string]detect.Type{}
	for _, s := range sens {
		types[s.Path] = s.Type
	}
	markerVals := map[string]bool{}
	for _, m := range markers {
		markerVals[m.Value] = true
	}
	var paths []string
	seen := map[string]bool{}
	add := func(pth string) {
		if !seen[pth] && len(paths) < rows {
			if _, ok := p.OtherFlat[pth]; ok {
				seen[pth] = true
				paths = append(paths, pth)
			}
		}
	}
	for _, pth := range sortedKeys(p.OtherFlat) {
		if markerVals[p.OtherFlat[pth]] {
			add(pth)
		}
	}
	for _, s := range byLevel(sens) {
		add(s.Path)
	}
	for _, pth := range sortedKeys(p.OtherFlat) {
		add(pth)
	}
	cell := func(f Flat, pth string) string {
		v, ok := f[pth]
		if !ok {
			return "—"
		}
		if t := types[pth]; t != "" {
			return finding.Mask(string(t), v)
		}
		if t := detect.KeyType(Key(pth)); t != "" && detect.SensitiveKey(Key(pth)) {
			// A value under a sensitive key is masked whatever it looks like.
			return finding.Mask(string(t), v)
		}
		if masked := detect.MaskText(v); masked != v {
			return masked
		}
		// Any other value is masked by structure unless it is harmless
		// (an id under an id key, a small count, an enumeration).
		return detect.MaskValue(Key(pth), v, !isJSONScalar(v))
	}
	w := 10
	for _, pth := range paths {
		w = max(w, len(pth))
	}
	var b strings.Builder
	if p.OwnerFlat == nil {
		fmt.Fprintf(&b, "%-*s  %s\n", w, "field", "as "+p.OtherName)
		for _, pth := range paths {
			fmt.Fprintf(&b, "%-*s  %s\n", w, pth, cell(p.OtherFlat, pth))
		}
		return strings.TrimRight(b.String(), "\n"), MaskedValues(sens, 8)
	}
	fmt.Fprintf(&b, "%-*s  %-28s  %s\n", w, "field", "as "+p.OwnerName, "as "+p.OtherName)
	for _, pth := range paths {
		fmt.Fprintf(&b, "%-*s  %-28s  %s\n", w, pth, cell(p.OwnerFlat, pth), cell(p.OtherFlat, pth))
	}
	return strings.TrimRight(b.String(), "\n"), MaskedValues(sens, 8)
}

// Curls returns the reproduction commands of both sides, tokens as shell
// placeholders.
func (p Pair) Curls() (owner, other string) {
	body := MaskBody(p.Body)
	return transport.Curl(p.Method, p.OwnerURL, p.Owner, p.Header, body), transport.Curl(p.Method, p.OtherURL, p.Other, p.Header, body)
}

// Evidence builds the masked evidence of a pair.
func (p Pair) Evidence(request string, markers []Marker, details map[string]string) finding.Evidence {
	side, values := p.Side(markers, 12)
	// The excerpt is built masked cell by cell; NewEvidence masks any raw
	// value that could remain once more.
	ev := finding.NewEvidence(request, p.Status, side, values)
	ownerCurl, otherCurl := p.Curls()
	ev.Details = map[string]string{
		"reproduce_as_" + p.Owner.Name: ownerCurl,
		"reproduce_as_" + p.Other.Name: otherCurl,
	}
	if len(markers) > 0 {
		ev.Details["ownership_markers"] = DescribeMarkers(markers, 6)
	}
	for k, v := range details {
		ev.Details[k] = v
	}
	return ev
}

// DescribeMarkers lists markers masked: "id 1001 ($.id), email a***@proton.me".
func DescribeMarkers(ms []Marker, limit int) string {
	var parts []string
	for i, m := range ms {
		if i == limit {
			parts = append(parts, fmt.Sprintf("+%d more", len(ms)-limit))
			break
		}
		v := m.Value
		if m.Kind != "id" {
			v = finding.Mask(m.Kind, v)
		}
		parts = append(parts, m.Kind+" "+v)
	}
	return strings.Join(parts, ", ")
}

// Remediation texts shared by the object-level checks.
const (
	// OwnershipFix is the concrete Flask + DynamoDB fix for BOLA.
	OwnershipFix = "Check ownership on every object access, on the server, from the authenticated subject — never from an id the client sends — and answer 404 (not 403) for objects the caller does not own, so ids cannot be probed:\n\n" +
		"```python\n" +
		"@app.get(\"/api/users/<int:user_id>/orders/<int:order_id>\")\n" +
		"@login_required\n" +
		"def get_order(user_id, order_id):\n" +
		"    subject = g.current_user[\"id\"]          # from the verified session/JWT\n" +
		"    if user_id != subject:\n" +
		"        abort(404)\n" +
		"    item = orders.get_item(Key={\"owner_id\": subject, \"order_id\": order_id}).get(\"Item\")\n" +
		"    if item is None:                         # missing or someone else's\n" +
		"        abort(404)\n" +
		"    return jsonify(public_order(item))\n" +
		"```\n\n" +
		"Model DynamoDB tables so the owner is the partition key (`owner_id` as HASH, the object id as RANGE) and always query with `Key={\"owner_id\": subject, ...}` or `KeyConditionExpression=Key(\"owner_id\").eq(subject)`: a request for another user's object then cannot find it. Avoid `scan()` with a filter on a client-supplied id, and prefer random ids (UUIDv4) to sequential ones — as defence in depth, not as the fix."
	// AuthFix is the concrete fix for data served without authentication.
	AuthFix = "Require authentication by default and opt public routes out explicitly, instead of protecting routes one by one:\n\n" +
		"```python\n" +
		"PUBLIC = {\"health\", \"doctors\", \"static\"}\n\n" +
		"@app.before_request\n" +
		"def require_login():\n" +
		"    if request.endpoint in PUBLIC:\n" +
		"        return None\n" +
		"    user = current_user_from_token(request.headers.get(\"Authorization\"))\n" +
		"    if user is None:\n" +
		"        return jsonify(error=\"authentication required\"), 401\n" +
		"    g.current_user = user\n" +
		"```\n\n" +
		"Then scope the data to the caller (query DynamoDB by the subject's partition key) so an authenticated user still sees only their own records."
	// RoleFix is the concrete fix for function-level authorization.
	RoleFix = "Enforce roles on the server for every administrative function, deny by default, and take the role from the verified token or the user record — never from the request:\n\n" +
		"```python\n" +
		"def require_role(role):\n" +
		"    def wrap(view):\n" +
		"        @functools.wraps(view)\n" +
		"        def inner(*a, **kw):\n" +
		"            if g.current_user.get(\"role\") != role:\n" +
		"                abort(404)          # do not advertise the admin surface\n" +
		"            return view(*a, **kw)\n" +
		"        return inner\n" +
		"    return wrap\n\n" +
		"@app.get(\"/api/admin/users\")\n" +
		"@login_required\n" +
		"@require_role(\"admin\")\n" +
		"def admin_users(): ...\n" +
		"```\n\n" +
		"Group admin routes in one Blueprint with the check in its `before_request`, so a new route cannot be added without it."
)

// MaskBody returns a JSON request body with every value of a sensitive
// type (an email, a name, a card) masked, for reproductions and evidence;
// ids stay, since they are what a reader must change to reproduce.
func MaskBody(body []byte) []byte {
	if len(body) == 0 {
		return nil
	}
	f := Flatten(body)
	if f == nil {
		return []byte(finding.Mask("text", string(body)))
	}
	out := string(body)
	for _, s := range SensitiveIn(body, f) {
		q, err := json.Marshal(s.Value)
		if err != nil {
			continue
		}
		m, _ := json.Marshal(finding.Mask(string(s.Type), s.Value))
		out = strings.ReplaceAll(out, string(q), string(m))
	}
	return []byte(out)
}

// Curl returns the reproduction of the other side.
func (p Pair) Curl() string {
	_, other := p.Curls()
	return other
}

// isJSONScalar reports whether a flattened leaf was a JSON number or
// literal rather than a string.
func isJSONScalar(v string) bool {
	if v == "true" || v == "false" || v == "null" {
		return true
	}
	return json.Valid([]byte(v)) && v != "" && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}
