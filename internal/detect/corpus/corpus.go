// Package corpus generates labelled API payloads for the accuracy tests and
// benchmarks of package detect: realistic JSON and text bodies with planted
// personal data and secrets (every planted value is labelled) mixed with the
// hard negatives that must stay silent (UUIDs, timestamps, ISBNs, prices…).
// Everything comes from a fixed seed and the package's own tables of
// invented names, so a corpus is the same on every machine.
package corpus

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Label is one planted value: its detect type name and raw text.
type Label struct {
	Type  string
	Value string
}

// Doc is one body with its labels.
type Doc struct {
	ContentType string
	Body        []byte
	Labels      []Label
}

// Gen makes documents from a seeded source.
type Gen struct{ r *rand.Rand }

// New returns a generator with a fixed seed.
func New(seed uint64) *Gen { return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

var (
	firstNames = []string{"Alice", "Bjorn", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jamal",
		"Katarzyna", "Liam", "Mei", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Tomasz", "Ursula",
		"Victor", "Wanjiru", "Xavier", "Yusuf", "Zoe", "Amara", "Bruno", "Camille", "Diego", "Esther", "Felix"}
	lastNames = []string{"Moreau", "Larsen", "Rossi", "Ivanov", "Garcia", "Haddad", "Okafor", "Tanaka", "Silva",
		"Johnson", "Kowalski", "Murphy", "Chen", "Petrova", "Lindqvist", "Sharma", "Dubois", "Martinez", "Berg",
		"Nowak", "Schmidt", "Novak", "Kamau", "Fontaine", "Demir", "Fischer", "Nguyen", "O'Brien", "Walsh", "Costa"}
	domains = []string{"gmail.com", "proton.me", "outlook.com", "yahoo.fr", "fastmail.com", "icloud.com",
		"gmx.de", "hotmail.co.uk", "web.de", "orange.fr", "mail.ru", "zoho.com"}
	streets  = []string{"Main", "Oak", "Maple", "Cedar", "Elm", "Harbor", "Willow", "Sunset", "Lake", "Hill", "Park", "Mill"}
	suffixes = []string{"Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "St", "Ave"}
	cities   = []string{"Springfield", "Riverton", "Fairview", "Madison", "Georgetown", "Clinton", "Salem", "Franklin"}
	states   = []string{"IL", "CA", "NY", "TX", "WA", "MA", "OR", "CO"}
	// Area codes in service, so the numbers validate.
	areaCodes = []string{"212", "415", "617", "312", "206", "303", "512", "646", "718", "202", "305", "404"}
	products  = []string{"Widget Pro", "Gadget Mini", "Cable Set", "Desk Lamp", "Travel Mug", "Notebook A5", "Phone Case", "USB Hub"}
	words     = []string{"the", "order", "was", "shipped", "from", "warehouse", "after", "review", "customer", "requested",
		"update", "status", "pending", "payment", "received", "item", "returned", "support", "ticket", "closed", "note"}
)

func (g *Gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

func (g *Gen) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g *Gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// ---- planted values ----

func (g *Gen) Name() (string, string) { return g.pick(firstNames), g.pick(lastNames) }

func (g *Gen) Email(first, last string) string {
	clean := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "'", "")) }
	switch g.r.IntN(3) {
	case 0:
		return clean(first) + "." + clean(last) + "@" + g.pick(domains)
	case 1:
		return clean(first)[:1] + clean(last) + fmt.Sprint(g.r.IntN(99)) + "@" + g.pick(domains)
	}
	return clean(first) + "_" + clean(last) + "@" + g.pick(domains)
}

func (g *Gen) Phone() string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("+1 %s-%d%s-%s", g.pick(areaCodes), 2+g.r.IntN(8), g.digits(2), g.digits(4))
	case 1:
		return fmt.Sprintf("(%s) %d%s-%s", g.pick(areaCodes), 2+g.r.IntN(8), g.digits(2), g.digits(4))
	case 2:
		return fmt.Sprintf("+44 20 7946 0%s", g.digits(3))
	}
	return fmt.Sprintf("+33 6 %s %s %s %s", g.digits(2), g.digits(2), g.digits(2), g.digits(2))
}

func (g *Gen) SSN() string {
	for {
		area := 1 + g.r.IntN(899)
		if area == 666 {
			continue
		}
		return fmt.Sprintf("%03d-%02d-%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
	}
}

func luhnDigit(body string) byte {
	sum := 0
	dbl := true
	for i := len(body) - 1; i >= 0; i-- {
		n := int(body[i] - '0')
		if dbl {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		dbl = !dbl
	}
	return byte('0' + (10-sum%10)%10)
}

// Card returns a Luhn-valid number of a real brand, grouped or not.
func (g *Gen) Card() string {
	var body string
	switch g.r.IntN(3) {
	case 0:
		body = "4" + g.digits(14)
	case 1:
		body = fmt.Sprint(51+g.r.IntN(5)) + g.digits(13)
	default:
		body = "6011" + g.digits(11)
	}
	n := body + string(luhnDigit(body))
	if g.r.IntN(2) == 0 {
		return n[:4] + " " + n[4:8] + " " + n[8:12] + " " + n[12:]
	}
	return n
}

func ibanCheck(country, bban string) string {
	s := bban + country + "00"
	rem := 0
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			rem = (rem*100 + int(c-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return fmt.Sprintf("%s%02d%s", country, 98-rem, bban)
}

func (g *Gen) IBAN() string {
	switch g.r.IntN(3) {
	case 0:
		return ibanCheck("DE", g.digits(18))
	case 1:
		return ibanCheck("FR", g.digits(23))
	}
	letters := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	bank := string([]byte{letters[g.r.IntN(26)], letters[g.r.IntN(26)], letters[g.r.IntN(26)], letters[g.r.IntN(26)]})
	return ibanCheck("GB", bank+g.digits(14))
}

func (g *Gen) AWSKey() string {
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 16)
	for i := range b {
		b[i] = b32[g.r.IntN(32)]
	}
	return "AKIA" + string(b)
}

func (g *Gen) token(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *Gen) PasswordHash() string {
	hexs := func(n int) string { return hex.EncodeToString(g.bytes(n)) }
	switch g.r.IntN(4) {
	case 0:
		return "pbkdf2:sha256:600000$" + g.token(16, alnum) + "$" + hexs(32)
	case 1:
		return "scrypt:32768:8:1$" + g.token(16, alnum) + "$" + hexs(64)
	case 2:
		return "$2b$12$" + g.token(53, alnum+"./")
	}
	return "pbkdf2_sha256$720000$" + g.token(22, alnum) + "$" + base64.StdEncoding.EncodeToString([]byte(g.token(32, alnum)))
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func (g *Gen) DOB() string {
	y, m, d := 1940+g.r.IntN(66), 1+g.r.IntN(12), 1+g.r.IntN(28)
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("%02d/%02d/%04d", m, d, y)
	case 1:
		return fmt.Sprintf("%s %d, %d", monthNames[m-1], d, y)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func (g *Gen) Address() string {
	a := fmt.Sprintf("%d %s %s", 1+g.r.IntN(9999), g.pick(streets), g.pick(suffixes))
	if g.r.IntN(2) == 0 {
		a += fmt.Sprintf(", %s, %s %05d", g.pick(cities), g.pick(states), 10000+g.r.IntN(89999))
	}
	return a
}

// ---- hard negatives ----

func (g *Gen) uuid() string {
	h := hex.EncodeToString(g.bytes(16))
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *Gen) isbn13() string {
	body := "978" + g.digits(9)
	sum := 0
	for i, c := range body {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return body + fmt.Sprint((10-sum%10)%10)
}

func (g *Gen) sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.pick(words)
	}
	return strings.Join(w, " ")
}

func (g *Gen) negatives() map[string]any {
	return map[string]any{
		"request_id": g.uuid(),
		"created_ms": 1600000000000 + g.r.Int64N(200000000000),
		"isbn":       g.isbn13(),
		"price":      fmt.Sprintf("%d.%02d", g.r.IntN(2000), g.r.IntN(100)),
		"ratio":      g.r.Float64(),
		"version":    fmt.Sprintf("%d.%d.%d", g.r.IntN(5), g.r.IntN(20), g.r.IntN(50)),
		"color":      fmt.Sprintf("#%06x", g.r.IntN(1<<24)),
		"order_id":   "ORD-" + g.digits(4) + "-" + g.digits(9),
		"sku":        "SKU-" + g.digits(10) + "-XL",
		"blob":       base64.StdEncoding.EncodeToString([]byte(g.token(48, alnum))),
		"docs":       "write to jane.doe@example.com for access",
		"ean":        g.digits(13),
		"count":      g.r.IntN(1000000000),
	}
}

// ---- documents ----

func (g *Gen) label(ls *[]Label, typ, v string) { *ls = append(*ls, Label{typ, v}) }

// userRecord returns a user object and the labels of what it plants.
func (g *Gen) userRecord(ls *[]Label, dense bool) map[string]any {
	first, last := g.Name()
	u := map[string]any{"id": g.r.IntN(1000000), "uuid": g.uuid()}
	p := func(prob int) bool { return dense || g.r.IntN(100) < prob }
	if p(60) {
		u[g.pick([]string{"first_name", "firstName", "given_name"})] = first
		u[g.pick([]string{"last_name", "lastName", "surname"})] = last
		g.label(ls, "person_name", first)
		g.label(ls, "person_name", last)
	} else if p(70) {
		// "name" alone counts only because the record has an e-mail.
		k := g.pick([]string{"full_name", "name", "displayName"})
		u[k] = first + " " + last
		g.label(ls, "person_name", first+" "+last)
	}
	e := g.Email(first, last)
	u["email"] = e
	g.label(ls, "email", e)
	if p(60) {
		v := g.Phone()
		u[g.pick([]string{"phone", "phoneNumber", "mobile", "tel"})] = v
		g.label(ls, "phone", v)
	}
	if p(40) {
		v := g.DOB()
		u[g.pick([]string{"dob", "dateOfBirth", "birth_date"})] = v
		g.label(ls, "date_of_birth", v)
	}
	if p(40) {
		v := g.Address()
		u[g.pick([]string{"address", "street_address", "addressLine1"})] = v
		g.label(ls, "postal_address", v)
	}
	if p(30) {
		v := g.SSN()
		if g.r.IntN(3) == 0 {
			v = strings.ReplaceAll(v, "-", "")
		}
		u["ssn"] = v
		g.label(ls, "ssn", v)
	}
	if p(20) {
		v := g.Card()
		u["card"] = map[string]any{"card_number": v, "exp": fmt.Sprintf("%02d/%02d", 1+g.r.IntN(12), 25+g.r.IntN(6))}
		g.label(ls, "card", v)
	}
	if p(15) {
		v := g.IBAN()
		u["iban"] = v
		g.label(ls, "iban", v)
	}
	if p(15) {
		v := g.PasswordHash()
		u["password_hash"] = v
		g.label(ls, "password_hash", v)
	}
	u["created_at"] = fmt.Sprintf("2024-%02d-%02dT10:%02d:00Z", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(60))
	if !dense {
		u["meta"] = g.negatives()
	}
	return u
}

func (g *Gen) jsonDoc(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// PIIDoc returns one labelled document: a JSON user list, a JSON record
// with a secret, or a text note.
func (g *Gen) PIIDoc() Doc {
	var ls []Label
	switch g.r.IntN(5) {
	case 0, 1:
		n := 1 + g.r.IntN(6)
		users := make([]any, n)
		for i := range users {
			users[i] = g.userRecord(&ls, false)
		}
		return Doc{ContentType: "application/json", Body: g.jsonDoc(map[string]any{"data": users, "page": 1, "total": n, "meta": g.negatives()}), Labels: ls}
	case 2:
		k := g.AWSKey()
		g.label(&ls, "aws_access_key_id", k)
		return Doc{ContentType: "application/json", Body: g.jsonDoc(map[string]any{
			"service": "uploader", "region": "eu-west-1", "access_key_id": k, "bucket": "assets-" + g.digits(6),
			"meta": g.negatives(),
		}), Labels: ls}
	default:
		return g.textDoc()
	}
}

func (g *Gen) textDoc() Doc {
	var ls []Label
	var b strings.Builder
	first, last := g.Name()
	fmt.Fprintf(&b, "Ticket %s: %s. ", g.uuid(), g.sentence(6))
	e := g.Email(first, last)
	fmt.Fprintf(&b, "Customer %s %s <%s> wrote in. ", first, last, e)
	g.label(&ls, "email", e)
	if g.r.IntN(2) == 0 {
		v := g.Phone()
		fmt.Fprintf(&b, "Phone: %s. ", v)
		g.label(&ls, "phone", v)
	}
	if g.r.IntN(2) == 0 {
		v := g.SSN()
		fmt.Fprintf(&b, "SSN %s on file. ", v)
		g.label(&ls, "ssn", v)
	}
	if g.r.IntN(3) == 0 {
		v := g.DOB()
		fmt.Fprintf(&b, "DOB: %s. ", v)
		g.label(&ls, "date_of_birth", v)
	}
	if g.r.IntN(3) == 0 {
		v := g.IBAN()
		fmt.Fprintf(&b, "Refund to IBAN %s. ", v)
		g.label(&ls, "iban", v)
	}
	if g.r.IntN(3) == 0 {
		v := g.Card()
		fmt.Fprintf(&b, "Card used: %s. ", v)
		g.label(&ls, "card", v)
	}
	if g.r.IntN(4) == 0 {
		v := g.AWSKey()
		fmt.Fprintf(&b, "Leaked config: AWS_ACCESS_KEY_ID=%s ", v)
		g.label(&ls, "aws_access_key_id", v)
	}
	fmt.Fprintf(&b, "Order ORD-%s, ISBN %s, total $%d.%02d, build %d.%d.%d, created %d.",
		g.digits(8), g.isbn13(), g.r.IntN(900), g.r.IntN(100), g.r.IntN(9), g.r.IntN(30), g.r.IntN(99),
		1600000000000+g.r.Int64N(100000000000))
	return Doc{ContentType: "text/plain", Body: []byte(b.String()), Labels: ls}
}

// BenignDoc returns one payload without personal data or secrets, full of
// the look-alikes.
func (g *Gen) BenignDoc() Doc {
	switch g.r.IntN(6) {
	case 0:
		items := make([]any, 5+g.r.IntN(20))
		for i := range items {
			items[i] = map[string]any{"id": g.r.IntN(100000), "name": g.pick(products), "sku": "SKU-" + g.digits(10),
				"ean": g.digits(13), "isbn": g.isbn13(), "price": float64(g.r.IntN(100000)) / 100, "stock": g.r.IntN(500),
				"color": fmt.Sprintf("#%06x", g.r.IntN(1<<24)), "updated_ms": 1600000000000 + g.r.Int64N(1e11),
				"description": g.sentence(12)}
		}
		return Doc{ContentType: "application/json", Body: g.jsonDoc(map[string]any{"items": items, "count": len(items), "next": "/api/products?page=2"})}
	case 1:
		evs := make([]any, 10+g.r.IntN(30))
		for i := range evs {
			evs[i] = map[string]any{"event_id": g.uuid(), "ts": 1600000000000 + g.r.Int64N(1e11), "type": g.pick(words),
				"duration": g.r.Float64() * 1000, "version": fmt.Sprintf("%d.%d.%d", g.r.IntN(5), g.r.IntN(20), g.r.IntN(50)),
				"trace": g.uuid(), "value": g.r.Int64N(1e15), "href": "/api/events/" + g.digits(9)}
		}
		return Doc{ContentType: "application/json", Body: g.jsonDoc(map[string]any{"events": evs})}
	case 2:
		orders := make([]any, 5+g.r.IntN(15))
		for i := range orders {
			orders[i] = map[string]any{"order_id": "ORD-" + g.digits(4) + "-" + g.digits(9), "order_number": g.r.Int64N(1e10),
				"invoice": "INV-" + g.digits(16), "total": fmt.Sprintf("$%d.%02d", g.r.IntN(5000), g.r.IntN(100)),
				"items":    []any{map[string]any{"sku": "SKU-" + g.digits(10), "qty": 1 + g.r.IntN(5)}},
				"tracking": "1Z" + g.token(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), "created_at": "2024-05-06T10:00:00Z"}
		}
		return Doc{ContentType: "application/json", Body: g.jsonDoc(map[string]any{"orders": orders})}
	case 3:
		m := g.negatives()
		m["readme"] = "Send questions to support@example.com or see https://docs.example.org/v" + g.digits(1) + "/guide. " + g.sentence(20)
		m["thumbnail"] = base64.StdEncoding.EncodeToString([]byte(g.token(300, alnum)))
		m["matrix"] = []any{g.r.Float64(), g.r.Float64() * 1e9, 6.02214076e23, -1.5e-7}
		return Doc{ContentType: "application/json", Body: g.jsonDoc(m)}
	case 4:
		var b strings.Builder
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&b, ".c%d{color:#%06x;margin:%dpx %dpx;width:%d.%dpx}\n", i, g.r.IntN(1<<24), g.r.IntN(40), g.r.IntN(40), g.r.IntN(2000), g.r.IntN(10))
		}
		return Doc{ContentType: "text/css", Body: []byte(b.String())}
	}
	var b strings.Builder
	for i := 0; i < 15; i++ {
		fmt.Fprintf(&b, "%d INFO req=%s order=%s took=%d.%03dms version=%d.%d.%d items=%d\n",
			1600000000000+g.r.Int64N(1e11), g.uuid(), g.digits(12), g.r.IntN(900), g.r.IntN(1000),
			g.r.IntN(3), g.r.IntN(20), g.r.IntN(40), g.r.IntN(100))
	}
	return Doc{ContentType: "text/plain", Body: []byte(b.String())}
}

// Benign returns benign documents adding up to at least size bytes.
func (g *Gen) Benign(size int) []Doc {
	var out []Doc
	for n := 0; n < size; {
		d := g.BenignDoc()
		out = append(out, d)
		n += len(d.Body)
	}
	return out
}

// BenignJSON returns one JSON array of benign records of about size bytes.
func (g *Gen) BenignJSON(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"pages":[`)
	for first := true; b.Len() < size; first = false {
		d := g.BenignDoc()
		if d.ContentType != "application/json" {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		b.Write(d.Body)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// DenseJSON returns a JSON list of user records, about one record every
// 200 bytes, of about size bytes.
func (g *Gen) DenseJSON(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"users":[`)
	for first := true; b.Len() < size; first = false {
		if !first {
			b.WriteByte(',')
		}
		first, last := g.Name()
		rec := map[string]any{"id": g.r.IntN(1000000), "uuid": g.uuid(), "name": first + " " + last, "email": g.Email(first, last),
			"status": "active", "created_at": fmt.Sprintf("2024-%02d-%02dT10:%02d:00Z", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(60))}
		switch g.r.IntN(4) {
		case 0:
			rec["phone"] = g.Phone()
		case 1:
			rec["ssn"] = g.SSN()
		case 2:
			rec["dob"] = g.DOB()
		default:
			rec["card_number"] = g.Card()
		}
		b.Write(g.jsonDoc(rec))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}
