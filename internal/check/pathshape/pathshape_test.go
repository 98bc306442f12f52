package pathshape

import "testing"

func TestOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/api/appointments/5001":                          "/api/appointments/{id}",
		"/api/patients/u_1001/prescriptions/7002":         "/api/patients/{id}/prescriptions/{id}",
		"/api/billing/invoice?id=9001":                    "/api/billing/invoice?id=",
		"/api/statements?email=a%40b.c&dob=1992-04-05":    "/api/statements?dob=&email=",
		"/api/patients/{patient_id}":                      "/api/patients/{patient_id}",
		"/api/health":                                     "/api/health",
		"/api/users/123e4567-e89b-12d3-a456-426614174000": "/api/users/{id}",
		"/api/v2/me": "/api/v2/me",
	} {
		if got := Of(in); got != want {
			t.Errorf("Of(%q) = %q, want %q", in, got, want)
		}
	}
}
