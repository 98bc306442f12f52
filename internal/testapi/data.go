package testapi

import "net/http"

// Person is a fake patient or staff member. Every value is invented; the
// numbers pass the validation a real one would (Luhn, SSN rules), so the
// detectors treat them as real.
type Person struct {
	ID           int    `json:"id"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	SSN          string `json:"ssn"`
	DOB          string `json:"date_of_birth"`
	Address      string `json:"address"`
	Card         string `json:"card_number"`
	PasswordHash string `json:"password_hash"`
	Role         string `json:"role"`
	Token        string `json:"-"`
}

// Public is the part of a person anyone may see.
type Public struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// Data is the seeded state of the API.
type Data struct {
	People []Person
}

// Demo identities: two patients and an administrator.
const (
	AliceToken = "demo-alice-7Qm2xV9pLr"
	BobToken   = "demo-bob-3Hk8wZ1nTs"
	AdminToken = "demo-admin-9Pz4cR6yUe"
)

// NewData seeds the fake people.
func NewData() *Data {
	return &Data{People: []Person{
		{ID: 1001, Username: "alice", Name: "Alice Moreau", Email: "alice.moreau@proton.me", Phone: "+1 415-555-0132", SSN: "412-67-3385", DOB: "1984-03-12", Address: "742 Evergreen Terrace, Springfield, OR 97403", Card: "4539 1488 0343 6467", PasswordHash: "pbkdf2:sha256:600000$Xk2Lr8Qp$8f1c0d2e9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d", Role: "patient", Token: AliceToken},
		{ID: 1002, Username: "bob", Name: "Bob Okafor", Email: "bob.okafor@fastmail.com", Phone: "+1 212-555-0187", SSN: "309-52-7741", DOB: "1979-11-30", Address: "12 Harbor Road, Portland, ME 04101", Card: "5425 2334 3010 9903", PasswordHash: "pbkdf2:sha256:600000$Pq7Zm3Vt$1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b", Role: "patient", Token: BobToken},
		{ID: 1003, Username: "carol", Name: "Carol Nguyen", Email: "carol.nguyen@outlook.com", Phone: "+1 617-555-0144", SSN: "536-22-8714", DOB: "1991-07-04", Address: "55 Beacon Street, Boston, MA 02108", Card: "3714 496353 98423", PasswordHash: "pbkdf2:sha256:600000$Rt5Yn2Kw$9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d", Role: "admin", Token: AdminToken},
	}}
}

// Caller returns the person whose token authenticates r, if any.
func (d *Data) Caller(r *http.Request) *Person {
	t := bearer(r)
	if t == "" {
		return nil
	}
	for i := range d.People {
		if d.People[i].Token == t {
			return &d.People[i]
		}
	}
	return nil
}

// ByID returns the person with id, if any.
func (d *Data) ByID(id int) *Person {
	for i := range d.People {
		if d.People[i].ID == id {
			return &d.People[i]
		}
	}
	return nil
}
