package testapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Authorization shapes (issue 5). The vulnerable variant trusts ids from the
// client: path ids (/api/users/{id}), query ids (/api/records?patient_id=),
// sequential numbers, string ids with a numeric suffix (/api/profiles/u_1001)
// and nested ids (/api/users/{uid}/orders/{oid}); it serves an admin list to
// every user, upcoming appointments to anonymous callers, tells whether an
// email has an account, and lets anyone PATCH anyone's profile, role
// included. The fixed variant answers 404 for objects the caller does not
// own, keeps the admin list for admins, requires a login for appointments
// (a per-user view), answers the reset request the same way for every
// email and accepts only the nickname in a PATCH. Both serve a public
// doctor directory on purpose.

type order struct {
	ID       int    `json:"id"`
	UserID   int    `json:"user_id"`
	Item     string `json:"item"`
	Total    string `json:"total"`
	ShipTo   string `json:"ship_to"`
	Placed   string `json:"placed_at"`
	Pharmacy string `json:"pharmacy"`
}

type record struct {
	ID         int    `json:"id"`
	PatientID  int    `json:"patient_id"`
	Diagnosis  string `json:"diagnosis"`
	Medication string `json:"medication"`
	Visit      string `json:"visit_date"`
}

type appointment struct {
	PatientID int    `json:"-"`
	Patient   string `json:"patient_name"`
	Phone     string `json:"patient_phone"`
	Doctor    string `json:"doctor"`
	At        string `json:"at"`
}

type doctor struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Specialty string `json:"specialty"`
	Link      string `json:"href"`
}

type authzState struct {
	v    Variant
	d    *Data
	mu   sync.Mutex
	nick map[int]string
	role map[int]string

	orders       []order
	records      []record
	appointments []appointment
	doctors      []doctor
}

func newAuthzState(v Variant, d *Data) *authzState {
	return &authzState{
		v: v, d: d,
		nick: map[int]string{1001: "ali", 1002: "bobby", 1003: "cn"},
		role: map[int]string{},
		orders: []order{
			{ID: 5001, UserID: 1001, Item: "Insulin pen refills", Total: "42.10", ShipTo: "742 Evergreen Terrace, Springfield, OR 97403", Placed: "2026-10-02", Pharmacy: "Main St Pharmacy"},
			{ID: 5002, UserID: 1001, Item: "Glucose test strips", Total: "18.75", ShipTo: "742 Evergreen Terrace, Springfield, OR 97403", Placed: "2026-10-19", Pharmacy: "Main St Pharmacy"},
			{ID: 5003, UserID: 1002, Item: "Sertraline 50mg", Total: "12.00", ShipTo: "12 Harbor Road, Portland, ME 04101", Placed: "2026-10-05", Pharmacy: "Harbor Drugs"},
			{ID: 5004, UserID: 1003, Item: "Blood pressure monitor", Total: "64.90", ShipTo: "55 Beacon Street, Boston, MA 02108", Placed: "2026-09-28", Pharmacy: "Beacon Health"},
		},
		records: []record{
			{ID: 9101, PatientID: 1001, Diagnosis: "Type 1 diabetes", Medication: "Insulin glargine", Visit: "2026-09-14"},
			{ID: 9102, PatientID: 1002, Diagnosis: "Generalized anxiety disorder", Medication: "Sertraline", Visit: "2026-09-20"},
			{ID: 9103, PatientID: 1003, Diagnosis: "Hypertension", Medication: "Lisinopril", Visit: "2026-08-30"},
		},
		appointments: []appointment{
			{PatientID: 1001, Patient: "Alice Moreau", Phone: "+1 415-555-0132", Doctor: "Dr. Ada Lin", At: "2026-12-01T09:30:00Z"},
			{PatientID: 1002, Patient: "Bob Okafor", Phone: "+1 212-555-0187", Doctor: "Dr. Sam Reyes", At: "2026-12-02T14:00:00Z"},
		},
		doctors: []doctor{
			{ID: 7, Name: "Dr. Ada Lin", Specialty: "Endocrinology", Link: "/api/doctors/7"},
			{ID: 8, Name: "Dr. Sam Reyes", Specialty: "Psychiatry", Link: "/api/doctors/8"},
		},
	}
}

func authzRoutes(v Variant, d *Data) []Route {
	s := newAuthzState(v, d)
	return []Route{
		{Pattern: "GET /api/account", Link: "/api/account", Handler: s.account},
		{Pattern: "GET /api/orders/mine", Link: "/api/orders/mine", Handler: s.myOrders},
		{Pattern: "GET /api/users/{id}", Handler: s.user},
		{Pattern: "PATCH /api/users/{id}", Handler: s.patchUser},
		{Pattern: "GET /api/users/{id}/orders", Handler: s.userOrders},
		{Pattern: "GET /api/users/{uid}/orders/{oid}", Handler: s.userOrder},
		{Pattern: "GET /api/records", Handler: s.recordsByPatient},
		{Pattern: "GET /api/profiles/{ref}", Handler: s.profile},
		{Pattern: "GET /api/admin/users", Link: "/api/admin/users", Handler: s.adminUsers},
		{Pattern: "GET /api/appointments/upcoming", Link: "/api/appointments/upcoming", Handler: s.appointmentsUpcoming},
		{Pattern: "GET /api/doctors", Link: "/api/doctors", Handler: s.doctorList},
		{Pattern: "GET /api/doctors/{id}", Handler: s.doctorOne},
		{Pattern: "GET /api/password-reset", Link: "/api/password-reset?email=someone%40example.com", Handler: s.passwordReset},
		{Pattern: "POST /api/login", Handler: s.login},
		{Pattern: "POST /api/token", Handler: s.token},
	}
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
}

// caller answers 401 and returns nil when the request is anonymous.
func (s *authzState) caller(w http.ResponseWriter, r *http.Request) *Person {
	p := s.d.Caller(r)
	if p == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
	}
	return p
}

func (s *authzState) roleOf(p *Person) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.role[p.ID]; ok {
		return r
	}
	return p.Role
}

// mayRead says whether caller may read the objects of owner.
func (s *authzState) mayRead(caller *Person, owner int) bool {
	return s.v == Vulnerable || caller.ID == owner || s.roleOf(caller) == "admin"
}

// userView renders a person; the fixed variant leaves out the secrets.
func (s *authzState) userView(p *Person) map[string]any {
	s.mu.Lock()
	nick := s.nick[p.ID]
	role, ok := s.role[p.ID]
	s.mu.Unlock()
	if !ok {
		role = p.Role
	}
	m := map[string]any{
		"id": p.ID, "username": p.Username, "name": p.Name, "email": p.Email, "phone": p.Phone,
		"date_of_birth": p.DOB, "address": p.Address, "nickname": nick, "role": role,
		"orders": fmt.Sprintf("/api/users/%d/orders", p.ID),
	}
	if s.v == Vulnerable {
		m["ssn"], m["card_number"], m["password_hash"] = p.SSN, p.Card, p.PasswordHash
	}
	return m
}

func (s *authzState) account(w http.ResponseWriter, r *http.Request) {
	p := s.caller(w, r)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": p.ID, "username": p.Username, "name": p.Name, "email": p.Email, "role": s.roleOf(p),
		"links": map[string]string{
			"self":           fmt.Sprintf("/api/users/%d", p.ID),
			"public_profile": fmt.Sprintf("/api/profiles/u_%d", p.ID),
			"orders":         fmt.Sprintf("/api/users/%d/orders", p.ID),
			"records":        fmt.Sprintf("/api/records?patient_id=%d", p.ID),
		},
	})
}

func (s *authzState) ordersOf(uid int) []map[string]any {
	out := []map[string]any{}
	for _, o := range s.orders {
		if o.UserID == uid {
			out = append(out, map[string]any{"id": o.ID, "item": o.Item, "total": o.Total, "href": fmt.Sprintf("/api/users/%d/orders/%d", uid, o.ID)})
		}
	}
	return out
}

func (s *authzState) myOrders(w http.ResponseWriter, r *http.Request) {
	p := s.caller(w, r)
	if p == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": p.ID, "orders": s.ordersOf(p.ID)})
}

func (s *authzState) user(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	p := s.d.ByID(id)
	if err != nil || p == nil || !s.mayRead(c, id) {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.userView(p))
}

// patchUser updates a profile: the vulnerable variant lets anyone change
// anyone's profile and binds every field it knows (role included); the fixed
// one checks ownership and binds only the nickname.
func (s *authzState) patchUser(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	p := s.d.ByID(id)
	if err != nil || p == nil || (s.v == Fixed && c.ID != id) {
		notFound(w)
		return
	}
	var in map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid JSON"})
		return
	}
	s.mu.Lock()
	if n, ok := in["nickname"].(string); ok {
		s.nick[id] = n
	}
	if role, ok := in["role"].(string); ok && s.v == Vulnerable {
		s.role[id] = role
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.userView(p))
}

func (s *authzState) userOrders(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || s.d.ByID(id) == nil || !s.mayRead(c, id) {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "orders": s.ordersOf(id)})
}

// userOrder is the nested shape: the vulnerable variant looks the order up by
// its id alone and trusts neither the caller nor the uid in the path.
func (s *authzState) userOrder(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	uid, err1 := strconv.Atoi(r.PathValue("uid"))
	oid, err2 := strconv.Atoi(r.PathValue("oid"))
	if err1 != nil || err2 != nil {
		notFound(w)
		return
	}
	for _, o := range s.orders {
		if o.ID != oid {
			continue
		}
		if s.v == Fixed && (o.UserID != uid || !s.mayRead(c, uid)) {
			break
		}
		writeJSON(w, http.StatusOK, o)
		return
	}
	notFound(w)
}

func (s *authzState) recordsByPatient(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	id, err := strconv.Atoi(r.URL.Query().Get("patient_id"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "patient_id is required"})
		return
	}
	p := s.d.ByID(id)
	if p == nil || !s.mayRead(c, id) {
		notFound(w)
		return
	}
	var rs []record
	for _, rec := range s.records {
		if rec.PatientID == id {
			rs = append(rs, rec)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"patient_id": id, "patient_name": p.Name, "date_of_birth": p.DOB, "records": rs})
}

func (s *authzState) profile(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	ref := r.PathValue("ref")
	id, err := strconv.Atoi(strings.TrimPrefix(ref, "u_"))
	p := s.d.ByID(id)
	if !strings.HasPrefix(ref, "u_") || err != nil || p == nil || !s.mayRead(c, id) {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ref": ref, "name": p.Name, "email": p.Email, "phone": p.Phone, "address": p.Address, "date_of_birth": p.DOB})
}

func (s *authzState) adminUsers(w http.ResponseWriter, r *http.Request) {
	c := s.caller(w, r)
	if c == nil {
		return
	}
	if s.v == Fixed && s.roleOf(c) != "admin" {
		notFound(w)
		return
	}
	users := []map[string]any{}
	for i := range s.d.People {
		users = append(users, s.userView(&s.d.People[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(users), "users": users})
}

func (s *authzState) appointmentsUpcoming(w http.ResponseWriter, r *http.Request) {
	if s.v == Vulnerable {
		writeJSON(w, http.StatusOK, map[string]any{"appointments": s.appointments})
		return
	}
	c := s.caller(w, r)
	if c == nil {
		return
	}
	mine := []appointment{}
	for _, a := range s.appointments {
		if a.PatientID == c.ID {
			mine = append(mine, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointments": mine})
}

func (s *authzState) doctorList(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"doctors": s.doctors})
}

func (s *authzState) doctorOne(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	for _, doc := range s.doctors {
		if doc.ID == id {
			writeJSON(w, http.StatusOK, doc)
			return
		}
	}
	notFound(w)
}

func (s *authzState) passwordReset(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.URL.Query().Get("email"))
	if email == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "email is required"})
		return
	}
	if s.v == Fixed {
		writeJSON(w, http.StatusAccepted, map[string]any{"status": "If an account exists for this address, a reset link is on its way."})
		return
	}
	for _, p := range s.d.People {
		if strings.EqualFold(p.Email, email) {
			writeJSON(w, http.StatusOK, map[string]any{"status": "reset link sent", "username": p.Username})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "no account with this email address"})
}

// login never succeeds (the demo users have no passwords) but the
// vulnerable variant says whether the account exists.
func (s *authzState) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Email, Password string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid JSON"})
		return
	}
	if s.v == Fixed {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid email or password"})
		return
	}
	for _, p := range s.d.People {
		if strings.EqualFold(p.Email, in.Email) {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "wrong password"})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "no account registered for " + in.Email})
}

// DemoPassword is the password of a demo user for POST /api/token.
func DemoPassword(username string) string { return "demo-password-" + username }

// token is a login flow for tests: username and password in, bearer token
// out.
func (s *authzState) token(w http.ResponseWriter, r *http.Request) {
	var in struct{ Username, Password string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid JSON"})
		return
	}
	for _, p := range s.d.People {
		if p.Username == in.Username && in.Password == DemoPassword(p.Username) {
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"access_token": p.Token, "token_type": "bearer"}})
			return
		}
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid username or password"})
}
