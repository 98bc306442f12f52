package testapi

import (
	"net/http"
	"strconv"
)

// exposureRoutes serve the flaws of the sensitive-data checks: whole
// patient records (pii-exposure), served without login (pii-unauthenticated),
// password hashes and a cloud key (credential-exposure) and boto3's raw Scan
// output (raw-datastore-response). The fixed variant requires a login,
// projects the public fields and serialises them explicitly.
func exposureRoutes(v Variant, d *Data) []Route {
	return []Route{
		{Pattern: "GET /api/patients", Link: "/api/patients", Handler: func(w http.ResponseWriter, r *http.Request) {
			if v == Vulnerable {
				// jsonify(table.scan()["Items"]): every attribute of every record, to anyone.
				writeJSON(w, http.StatusOK, map[string]any{"patients": d.People})
				return
			}
			if d.Caller(r) == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			out := make([]Public, 0, len(d.People))
			for _, p := range d.People {
				out = append(out, Public{ID: p.ID, Username: p.Username, Name: p.Name})
			}
			writeJSON(w, http.StatusOK, map[string]any{"patients": out})
		}},
		{Pattern: "GET /api/integrations", Link: "/api/integrations", Handler: func(w http.ResponseWriter, r *http.Request) {
			if v == Vulnerable {
				// The settings record, keys included, serialised as is.
				writeJSON(w, http.StatusOK, map[string]any{
					"storage": map[string]any{"bucket": "northwind-scans", "region": "us-east-1",
						"aws_access_key_id": demoAWSKeyID, "aws_secret_access_key": demoAWSSecret},
					"smtp": map[string]any{"host": "smtp.northwind.invalid", "port": 587},
				})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{
				"storage": map[string]any{"bucket": "northwind-scans", "region": "us-east-1"},
				"smtp":    map[string]any{"host": "smtp.northwind.invalid", "port": 587},
			})
		}},
		{Pattern: "GET /api/appointments", Link: "/api/appointments", Handler: func(w http.ResponseWriter, r *http.Request) {
			if d.Caller(r) == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			if v == Vulnerable {
				// return client.scan(TableName=...) as is: typed values, Scan envelope, ResponseMetadata.
				items := []any{}
				for i, p := range d.People {
					items = append(items, map[string]any{
						"appointment_id": map[string]string{"S": "apt-" + strconv.Itoa(9000+i)},
						"patient_email":  map[string]string{"S": p.Email},
						"slot":           map[string]string{"S": "2026-12-0" + strconv.Itoa(i+1) + "T09:30"},
						"room":           map[string]string{"N": strconv.Itoa(100 + i)},
					})
				}
				writeJSON(w, http.StatusOK, map[string]any{
					"Items": items, "Count": len(items), "ScannedCount": len(items),
					"LastEvaluatedKey": map[string]any{"appointment_id": map[string]string{"S": "apt-9002"}},
					"ResponseMetadata": map[string]any{"RequestId": "Q7NV4S2E0H3GKJ1M", "HTTPStatusCode": 200, "RetryAttempts": 0},
				})
				return
			}
			items := []any{}
			for i := range d.People {
				items = append(items, map[string]any{"appointment_id": "apt-" + strconv.Itoa(9000+i), "slot": "2026-12-0" + strconv.Itoa(i+1) + "T09:30", "room": 100 + i})
			}
			writeJSON(w, http.StatusOK, map[string]any{"appointments": items, "next": nil})
		}},
	}
}

// An invented AWS key pair in the shape of a real one (not the documentation
// example, which detectors rightly ignore).
const (
	demoAWSKeyID  = "AKIA" + "Q4XN7Z2MBV5KR3TW"
	demoAWSSecret = "hT3v9Lq2Xw8Rk5Zp1Nm7Bc4Yd6Fg0Js2Ka9Ve3Uq"
)
