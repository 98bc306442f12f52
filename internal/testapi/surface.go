package testapi

import (
	"net/http"
	"strconv"
	"strings"
)

// Order is a fake order of a patient.
type Order struct {
	ID      int     `json:"id"`
	OwnerID int     `json:"-"`
	Item    string  `json:"item"`
	Total   float64 `json:"total"`
}

// orders are seeded per owner: alice 5001-5002, bob 5003.
func orders() []Order {
	return []Order{
		{ID: 5001, OwnerID: 1001, Item: "Blood panel", Total: 120},
		{ID: 5002, OwnerID: 1001, Item: "X-ray", Total: 310.5},
		{ID: 5003, OwnerID: 1002, Item: "Vaccination", Total: 45},
	}
}

// surfaceRoutes serve the API description and the flaws found by comparing
// it with the live API:
//   - GET /openapi.json: the spec, generated from every route of the API
//     (found by discovery, not listed in the index). The vulnerable spec
//     leaves out GET /api/v1/export (a shadow route) and carries a real
//     password in an example.
//   - GET /api/v1/profile: documented as {id, username, name}; the
//     vulnerable variant returns the whole record (password_hash, ssn…).
//   - GET /api/v1/orders/{order_id}: documented as requiring a bearer token;
//     the vulnerable variant answers anonymous callers.
//   - GET /api/v1/legacy/patients: deprecated; still answers in the
//     vulnerable variant, 410 Gone in the fixed one.
//   - GET /api/v1/export: undocumented data export, vulnerable variant only.
//   - GET /mobile/v1/{rest...}: a catch-all that answers 200 to every path
//     (a soft 404), in both variants; discovery must not see ghosts there.
func surfaceRoutes(v Variant, d *Data) []Route {
	all := orders()
	routes := []Route{
		{Pattern: "GET /openapi.json", Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, openAPIDocument(v, d))
		}},
		{Pattern: "GET /api/v1/profile", Link: "/api/v1/profile", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			if v == Vulnerable {
				writeJSON(w, http.StatusOK, fullRecord(p))
				return
			}
			writeJSON(w, http.StatusOK, Public{ID: p.ID, Username: p.Username, Name: p.Name})
		}},
		{Pattern: "GET /api/v1/orders/mine", Link: "/api/v1/orders/mine", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			mine := []Order{}
			for _, o := range all {
				if o.OwnerID == p.ID {
					mine = append(mine, o)
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"orders": mine})
		}},
		{Pattern: "GET /api/v1/orders/{order_id}", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil && v == Fixed {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			id, _ := strconv.Atoi(r.PathValue("order_id"))
			for _, o := range all {
				if o.ID == id && (p == nil || o.OwnerID == p.ID) {
					writeJSON(w, http.StatusOK, o)
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such order"})
		}},
		{Pattern: "GET /api/v1/legacy/patients", Handler: func(w http.ResponseWriter, r *http.Request) {
			p := d.Caller(r)
			if p == nil {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "login required"})
				return
			}
			if v == Fixed {
				writeJSON(w, http.StatusGone, map[string]any{"error": "retired: use /api/v1/profile"})
				return
			}
			writeJSON(w, http.StatusOK, []Public{{ID: p.ID, Username: p.Username, Name: p.Name}})
		}},
		{Pattern: "GET /mobile/v1/{rest...}", Handler: func(w http.ResponseWriter, r *http.Request) {
			// Every path "exists": the gateway answers with an empty
			// envelope that echoes the path, like many SPA and gateway
			// fallbacks.
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "path": r.URL.Path, "data": nil})
		}},
	}
	if v == Vulnerable {
		routes = append(routes, Route{Pattern: "GET /api/v1/export", Handler: func(w http.ResponseWriter, r *http.Request) {
			rows := make([]map[string]any, 0, len(d.People))
			for i := range d.People {
				rows = append(rows, map[string]any{"id": d.People[i].ID, "username": d.People[i].Username, "email": d.People[i].Email})
			}
			writeJSON(w, http.StatusOK, map[string]any{"export": rows})
		}})
	}
	return routes
}

func fullRecord(p *Person) map[string]any {
	return map[string]any{
		"id": p.ID, "username": p.Username, "name": p.Name, "email": p.Email,
		"ssn": p.SSN, "password_hash": p.PasswordHash, "role": p.Role,
	}
}

// routeAreas returns the area list; set in init, as the spec handler is
// itself part of that list.
var routeAreas func() []func(Variant, *Data) []Route

func init() {
	routeAreas = func() []func(Variant, *Data) []Route { return areas }
}

// undocumented are the routes the vulnerable spec leaves out.
var undocumented = map[string]bool{"GET /api/v1/export": true, "GET /mobile/v1/{rest...}": true, "GET /openapi.json": true}

// openAPIDocument describes the API. Operations of other areas get a plain
// entry (no schema, no security) so that the fixed variant documents every
// live route; the surface routes get full descriptions.
func openAPIDocument(v Variant, d *Data) map[string]any {
	obj := func(props ...string) map[string]any {
		p := map[string]any{}
		for i := 0; i+1 < len(props); i += 2 {
			p[props[i]] = map[string]any{"type": props[i+1]}
		}
		return map[string]any{"type": "object", "properties": p}
	}
	ok := func(schema map[string]any) map[string]any {
		r := map[string]any{"description": "ok"}
		if schema != nil {
			r["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
		}
		return map[string]any{"200": r}
	}
	bearer := []any{map[string]any{"bearer": []any{}}}
	paths := map[string]any{}
	for _, area := range routeAreas() {
		for _, r := range area(v, d) {
			method, path, found := strings.Cut(r.Pattern, " ")
			if !found || strings.Contains(path, "...") || strings.Contains(path, "{$}") || undocumented[r.Pattern] {
				continue
			}
			item, _ := paths[path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[path] = item
			}
			item[strings.ToLower(method)] = map[string]any{"responses": ok(nil)}
		}
	}
	if v == Fixed {
		paths["/api/v1/export"] = map[string]any{"get": map[string]any{"responses": map[string]any{"404": map[string]any{"description": "removed"}}}}
	}
	password := "Winter2024!"
	if v == Fixed {
		password = "<password>"
	}
	paths["/api/v1/profile"] = map[string]any{"get": map[string]any{
		"operationId": "getProfile", "security": bearer,
		"responses": ok(map[string]any{"$ref": "#/components/schemas/Profile"}),
	}}
	paths["/api/v1/orders/mine"] = map[string]any{"get": map[string]any{
		"operationId": "listMyOrders", "security": bearer,
		"responses": ok(map[string]any{"type": "object", "properties": map[string]any{"orders": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Order"}}}}),
	}}
	paths["/api/v1/orders/{order_id}"] = map[string]any{"get": map[string]any{
		"operationId": "getOrder", "security": bearer,
		"parameters": []any{map[string]any{"name": "order_id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
		"responses":  ok(map[string]any{"$ref": "#/components/schemas/Order"}),
	}}
	paths["/api/v1/legacy/patients"] = map[string]any{"get": map[string]any{
		"operationId": "listPatientsLegacy", "deprecated": true, "security": bearer,
		"responses": ok(map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Profile"}}),
	}}
	paths["/api/v1/login"] = map[string]any{"post": map[string]any{
		"operationId": "login", "security": []any{},
		"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{
			"schema":  obj("username", "string", "password", "string"),
			"example": map[string]any{"username": "alice", "password": password},
		}}},
		"responses": map[string]any{"404": map[string]any{"description": "not served by the demo"}},
	}}
	paths["/mobile/v1/ping"] = map[string]any{"get": map[string]any{"responses": ok(nil)}}
	order := obj("id", "integer", "item", "string", "total", "number")
	order["additionalProperties"] = false
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "Northwind Clinic API", "version": "1.4.2"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Profile": obj("id", "integer", "username", "string", "name", "string"),
				"Order":   order,
			},
		},
	}
}
