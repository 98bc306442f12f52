package testapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// CanaryToken is the credential a canary scan sends: it holds "test",
// "secret" and "token", words that must not make it pass for a placeholder.
const CanaryToken = "test-secret-token-7Qz4Lk9Xw2"

// Canaries are the unique values the canary API plants, by type, in
// bodies, headers and URL paths. A scan without --reveal must print none
// of them anywhere (reports in every format, logs at -vv).
var Canaries = map[string]string{
	"email": "zoltan.quibble@proton.me", "email_header": "hdr.quibble@fastmail.com",
	"email_path": "path.quibble@outlook.com", "ssn_path": "219-53-4421",
	"phone": "+44 20 7946 0958", "ssn": "536-22-9187", "itin": "912-70-4413", "card": "4556 7375 8689 9855",
	"maestro": "501800123454", "iban": "DE89370400440532013000", "date_of_birth": "1983-06-21",
	"address": "48 Rue Oberkampf, 75011 Paris", "name": "Zoltan Quibble", "username": "zquibble77",
	"nino": "AB123456C", "nhs": "943 476 5919", "sin": "130 692 544", "passport": "X1234567",
	"aws_key_id": "AKIA2E5A7F3B2Q4C7XYZ", "aws_secret": "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",
	"github": "ghp_R8sWq2Lm4Np6Tv8Xz0Bc2De4Fg6Hj8Kl0Mn2", "stripe": "sk_live_51H8sT2LmQ9rVx3Wy7Zb1Cd5Fg",
	"password": "Tr0ub4dor&3", "password_hash": "pbkdf2:sha256:600000$Zq3vK8Lm$1d4b3f0e9a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a",
	"client_secret": "cs-quibble-weak", "diagnosis": "Quibble syndrome type 2",
}

// CanaryAnswer is the one-character security answer the canary API serves.
const CanaryAnswer = "8"

// Canary is a small API that plants every canary: a profile with every
// detected type, a header carrying an e-mail, two URLs with personal data
// in their path, and an endpoint that echoes the request headers.
func Canary() http.Handler {
	c := Canaries
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Customer-Email", c["email_header"])
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"links": []string{"/api/profile", "/api/echo", "/api/users/by-email/" + c["email_path"],
			"/api/people/" + c["ssn_path"] + "/records"}})
	})
	mux.HandleFunc("GET /api/profile", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"users": []map[string]any{{
			"email": c["email"], "phone": c["phone"], "ssn": c["ssn"], "itin": c["itin"], "card_number": c["card"],
			"debit_card": c["maestro"], "iban": c["iban"], "date_of_birth": c["date_of_birth"], "address": c["address"],
			"full_name": c["name"], "username": c["username"], "nino": c["nino"], "nhs_number": c["nhs"], "sin": c["sin"],
			"passport_number": c["passport"], "aws_access_key_id": c["aws_key_id"], "aws_secret_access_key": c["aws_secret"],
			"github_token": c["github"], "stripe_key": c["stripe"], "password": c["password"], "password_hash": c["password_hash"],
			"client_secret": c["client_secret"], "diagnosis": c["diagnosis"], "secret_answer": CanaryAnswer,
		}}})
	})
	mux.HandleFunc("GET /api/echo", func(w http.ResponseWriter, r *http.Request) {
		h := map[string]string{}
		var names []string
		for k := range r.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			h[k] = strings.Join(r.Header.Values(k), ", ")
		}
		write(w, map[string]any{"headers": h})
	})
	mux.HandleFunc("GET /api/users/by-email/{email}", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"email": r.PathValue("email"), "full_name": c["name"]})
	})
	mux.HandleFunc("GET /api/people/{ssn}/records", func(w http.ResponseWriter, r *http.Request) {
		write(w, map[string]any{"ssn": r.PathValue("ssn"), "full_name": c["name"], "records": []string{"visit"}})
	})
	return mux
}
