"""The OpenAPI 3 document served at /openapi.json.

The fixed mode documents every operation with its exact response fields. The
vulnerable mode serves the document as it was left after the first sprint:
half the operations are missing and the response schemas leave out the
sensitive attributes that the handlers actually return.
"""

BEARER = [{"bearerAuth": []}]


def obj(props, required=None):
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def arr(items):
    return {"type": "array", "items": items}


S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}

LINKS = obj({k: S for k in ("self", "appointments", "invoices", "prescriptions", "lab_results", "statement")})
ERROR = obj({"error": S, "error_id": S})


def op(summary, schema, params=None, security=True, status="200", tags=None, body=None):
    o = {"summary": summary, "responses": {
        status: {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "401": {"description": "Not logged in", "content": {"application/json": {"schema": ERROR}}},
        "404": {"description": "Not found", "content": {"application/json": {"schema": ERROR}}},
    }}
    if params:
        o["parameters"] = params
    o["security"] = BEARER if security else []
    if tags:
        o["tags"] = tags
    if body:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return o


def path_param(name, schema=S, example=None):
    p = {"name": name, "in": "path", "required": True, "schema": schema}
    if example is not None:
        p["example"] = example
    return p


def query_param(name, schema=S, example=None, required=True):
    p = {"name": name, "in": "query", "required": required, "schema": schema}
    if example is not None:
        p["example"] = example
    return p


def document(full):
    profile = {"patient_id": S, "name": S, "email": S, "role": S, "created_at": S}
    if full:
        profile["phone_last4"] = S
    profile_links = dict(profile, links=LINKS)
    appointment = {"appointment_id": I, "patient_id": S, "doctor_id": S, "doctor_name": S,
                   "starts_at": S, "reason": S}
    login_body = obj({"email": S, "password": S}, ["email", "password"])
    login_ok = obj({"token": S, "patient_id": S})
    uid = path_param("patient_id", example="u_1001")

    paths = {
        "/api/login": {"post": op("Log in and get a bearer token", login_ok, security=False,
                                  tags=["auth"], body=login_body)},
        "/api/me": {"get": op("The logged-in patient's profile", obj(profile_links), tags=["patients"])},
        "/api/patients/{patient_id}": {"get": op("A patient's profile", obj(profile_links), [uid],
                                                 tags=["patients"])},
        "/profile": {"get": op("A user's profile, by owner reference", obj(profile),
                               [query_param("user_id")], tags=["patients"])},
        "/api/appointments/mine": {"get": op("The logged-in patient's appointments",
                                             obj({"appointments": arr(obj(dict(appointment, href=S, doctor_schedule=S)))}),
                                             tags=["appointments"])},
        "/api/appointments/{appointment_id}": {"get": op("One appointment", obj(appointment),
                                                         [path_param("appointment_id", I, 5001)],
                                                         tags=["appointments"])},
        "/api/lab-results/{result_id}": {"get": op("One lab result",
                                                   obj({"result_id": I, "patient_id": S, "test": S,
                                                        "value": S, "collected_at": S}),
                                                   [path_param("result_id", I, 3001)], tags=["lab"])},
    }
    if not full:
        legacy = op("A patient's profile (version 1)", obj(profile), [uid], tags=["patients"])
        legacy["deprecated"] = True
        paths["/api/v1/patients/{patient_id}"] = {"get": legacy}
    if full:
        paths["/api/patients/{patient_id}"]["patch"] = op(
            "Change the logged-in patient's phone or address", obj(profile), [uid], tags=["patients"],
            body=obj({"phone": S, "address": obj({"street": S, "city": S, "state": S, "zip": S})}))
        paths["/api/patients/{patient_id}"]["patch"]["responses"]["400"] = {
            "description": "A field that cannot be changed", "content": {"application/json": {"schema": ERROR}}}
        rx = {"rx_id": I, "patient_id": S, "drug": S, "dosage": S, "prescriber": S, "refills": I}
        invoice = {"invoice_id": I, "patient_id": S, "amount": N, "currency": S, "issued_at": S,
                   "status": S, "card_brand": S}
        paths.update({
            "/": {"get": op("Service index", obj({"service": S, "links": obj({"openapi": S, "login": S, "me": S})}),
                            security=False)},
            "/healthz": {"get": op("Liveness probe", obj({"status": S}), security=False)},
            "/openapi.json": {"get": op("This document", {"type": "object"}, security=False)},
            "/api/patients/{patient_id}/prescriptions": {"get": op(
                "A patient's prescriptions", obj({"prescriptions": arr(obj(dict(rx, href=S)))}), [uid],
                tags=["prescriptions"])},
            "/api/patients/{patient_id}/prescriptions/{rx_id}": {"get": op(
                "One prescription", obj(rx), [uid, path_param("rx_id", I, 7001)], tags=["prescriptions"])},
            "/api/billing/invoices/mine": {"get": op(
                "The logged-in patient's invoices", obj({"invoices": arr(obj(dict(invoice, href=S)))}),
                tags=["billing"])},
            "/api/billing/invoice": {"get": op(
                "One invoice", obj(dict(invoice, card_last4=S)), [query_param("id", I, 9001)],
                tags=["billing"])},
            "/api/lab-results/mine": {"get": op(
                "The logged-in patient's lab results",
                obj({"lab_results": arr(obj({"result_id": I, "test": S, "href": S}))}), tags=["lab"])},
            "/api/schedule": {"get": op(
                "A doctor's busy slots", obj({"doctor_id": S, "busy": arr(S)}),
                [query_param("doctor_id", S, "d_01", required=False)], tags=["appointments"])},
            "/api/statements": {"get": op(
                "The logged-in patient's billing statement",
                obj({"patient_id": S, "balance_due": N, "currency": S, "invoices": arr(I)}), tags=["billing"])},
            "/api/register/check-email": {"post": op(
                "Ask for a registration link", obj({"message": S}), security=False, status="202",
                tags=["auth"], body=obj({"email": S}, ["email"]))},
            "/api/admin": {"get": dict(op(
                "Administration index", obj({"links": obj({"patients": S})}), tags=["admin"]),
                **{"x-roles": ["admin"]})},
            "/api/admin/patients": {"get": dict(op(
                "All patients (administrators only)",
                obj({"patients": arr(obj({"patient_id": S, "role": S, "email": S, "created_at": S}))}),
                tags=["admin"]), **{"x-roles": ["admin"]})},
        })
        for p in ("/api/admin", "/api/admin/patients"):
            paths[p]["get"]["responses"]["403"] = {
                "description": "Not an administrator", "content": {"application/json": {"schema": ERROR}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Riverside Clinic patient API", "version": "1.4.0" if full else "0.9.0"},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                          "bearerFormat": "JWT"}}},
        "paths": paths,
    }
