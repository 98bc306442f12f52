package shape

import (
	"slices"
	"testing"
)

// TestIDTable is the specification of the one path-shape rule: every
// package that templates a path or recognises an id follows it.
func TestIDTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		seg    string
		id     bool
		format string
	}{
		{"1001", true, "num:4"},
		{"0", true, "num:1"},
		{"u_1001", true, "pfx:u_:4"},
		{"INV-0003", true, "pfx:INV-:4"},
		{"ord-2024-0042", true, "pfx:ord-2024-:4"},
		{"c01", true, "pfx:c:2"},
		{"2024-01-15", true, "date"},
		{"2024-01-15_0007", true, "pfx:date:4"},
		{"abcdef123456", true, "hex"},
		{"507f1f77bcf86cd799439011", true, "hex"},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6", true, "uuid"},
		{"01ARZ3NDEKTSV4RRFFQ69G5FAV", true, "ulid"},
		{"v1", false, "other"},
		{"v10", false, "other"},
		{"V2", false, "other"},
		{"v2.1", false, "other"},
		{"deadbeefcafe", false, "other"},
		{"users", false, "other"},
		{"me", false, "other"},
		{"oauth2", false, "other"},
		{"s3", false, "other"},
		{"quietNote17", false, "other"},
		{"app.log", false, "other"},
		{"", false, "other"},
	} {
		if got := IsID(tc.seg); got != tc.id {
			t.Errorf("IsID(%q) = %v, want %v", tc.seg, got, tc.id)
		}
		if tc.id {
			if got := Format(tc.seg); got != tc.format {
				t.Errorf("Format(%q) = %q, want %q", tc.seg, got, tc.format)
			}
		}
	}
}

func TestOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/api/users/1001":                                  "/api/users/{id}",
		"/api/patients/u_1001/prescriptions/7001":          "/api/patients/{id}/prescriptions/{id2}",
		"/api/statements?email=a@b.example&dob=1990-01-02": "/api/statements?email={email}&dob={dob}",
		"/api/v1/profile":                                  "/api/v1/profile",
		"/api/v10/profile":                                 "/api/v10/profile",
		"/api/users/{user_id}":                             "/api/users/{user_id}",
		"/":                                                "/",
		"/logs/app.log":                                    "/logs/app.log",
		"/items/3f2a9c1e-0b7d-4c55-9a1e-2b3c4d5e6f70": "/items/{id}",
		"/api/schedule?doctor_id=d_02":                "/api/schedule?doctor_id={doctor_id}",
		"/api/admin":                                  "/api/admin",
		"/reports/2024-01-15":                         "/reports/{id}",
		"/keys/abcdef123456":                          "/keys/{id}",
		"/invoices/INV-0003":                          "/invoices/{id}",
		"/api/billing/invoice?id=9001":                "/api/billing/invoice?id={id}",
	} {
		if got := Of(in); got != want {
			t.Errorf("Of(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNeighbours(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"1001":                                 {"1002", "1000", "1003", "999"},
		"u_1001":                               {"u_1002", "u_1000", "u_1003", "u_999"},
		"0042":                                 {"0043", "0041", "0044", "0040"},
		"INV-0003":                             {"INV-0004", "INV-0002", "INV-0005", "INV-0001"},
		"INV-0001":                             {"INV-0002", "INV-0000", "INV-0003"},
		"3fa85f64-5717-4562-b3fc-2c963f66afa6": nil,
		"2024-01-15":                           nil,
		"quietNote17":                          nil,
		"0":                                    {"1", "2"},
	} {
		if got := Neighbours(in); !slices.Equal(got, want) {
			t.Errorf("Neighbours(%q) = %q, want %q", in, got, want)
		}
	}
}
