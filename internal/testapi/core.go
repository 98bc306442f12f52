package testapi

import (
	"fmt"
	"net/http"
)

// coreRoutes are the routes of the first checks: version banners and
// security headers are set by the variant's middleware; the HTML page shows
// the missing Content-Security-Policy.
func coreRoutes(v Variant, d *Data) []Route {
	return []Route{
		{Pattern: "GET /api/health", Link: "/api/health", Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
		}},
		{Pattern: "GET /api/me", Link: "/api/me", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			writeJSON(w, http.StatusOK, Public{ID: p.ID, Username: p.Username, Name: p.Name})
		}},
		{Pattern: "GET /status", Link: "/status", Handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><html><head><title>Northwind Clinic status</title></head><body><h1>All systems normal</h1></body></html>")
		}},
	}
}
