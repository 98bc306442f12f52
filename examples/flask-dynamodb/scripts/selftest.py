"""Checks, without leakhound, that a running example really has the flaws of
its mode (vulnerable) or really applies the remedies (fixed), so that a
missing finding in the end-to-end suite points at the scanner, not at the
target. Read-only apart from logins.

    /usr/bin/python3 scripts/selftest.py vulnerable|fixed

Reads the base URL and identities that up.sh wrote to .run/MODE/.
"""

import base64
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
import zlib

import jwt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "app"))

import people  # noqa: E402

results = []


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def call(method, path, headers=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def get(path, who=None, headers=None):
    h = dict(headers or {})
    if who:
        h["Authorization"] = "Bearer " + TOKENS[who]
    return call("GET", path, h)


def expect(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def safe(name, fn):
    try:
        fn()
    except Exception as e:  # a crash is a failed expectation, not the end
        expect(name, False, f"{type(e).__name__}: {e}")


def session_payload(set_cookie):
    value = set_cookie.split("session=", 1)[1].split(";", 1)[0]
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return value, json.loads(zlib.decompress(raw) if compressed else raw)


def session_key_is(value, key):
    from flask.sessions import TaggedJSONSerializer
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    s = URLSafeTimedSerializer(key, salt="cookie-session", serializer=TaggedJSONSerializer(),
                               signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    try:
        s.loads(value)
        return True
    except BadSignature:
        return False


LONG_ID = "x" * 3000
OTHERS = ["/api/patients/u_1002", "/api/patients/u_1002/prescriptions",
          "/api/patients/u_1002/prescriptions/7003", "/api/appointments/5002",
          "/api/billing/invoice?id=9002", "/api/lab-results/3002"]
OWN = ["/api/patients/u_1001", "/api/patients/u_1001/prescriptions",
       "/api/patients/u_1001/prescriptions/7001", "/api/appointments/5001",
       "/api/billing/invoice?id=9001", "/api/lab-results/3001"]
FILES = ["/.env", "/config.py", "/app.py", "/logs/app.log"]


def vulnerable():
    me = get("/api/me", "alice")
    body = me.json()
    expect("server banner names Werkzeug", "Werkzeug/" in me.headers.get("Server", ""))
    expect("no security headers", "X-Content-Type-Options" not in me.headers)
    expect("no Cache-Control: no-store", "no-store" not in me.headers.get("Cache-Control", ""))
    expect("/api/me returns the whole item (SSN, card, hash)",
           "ssn" in body and "number" in body.get("card", {}) and body.get("password_hash", "").startswith("pbkdf2:sha256:"))
    expect("/api/me links to a URL with e-mail and DOB", "?email=" in body["links"]["statement"])
    other = get("/profile?user_id=u_1002", "alice")
    expect("/profile?user_id= of another patient answers (no ownership check)", other.status == 200 and other.json().get("patient_id") == "u_1002")
    expect("/profile returns the whole item (no projection)", "ssn" in other.json())
    value, payload = session_payload(me.headers["Set-Cookie"])
    expect("session cookie carries the SSN", "ssn" in payload.get("profile", {}))
    expect("session cookie signed with 'changeme'", session_key_is(value, "changeme"))

    claims = jwt.decode(TOKENS["alice"], "secret", algorithms=["HS256"])
    expect("JWT signed with 'secret', PII claims, no exp", "email" in claims and "exp" not in claims)
    unsigned = jwt.encode({"sub": "u_1002", "role": "patient"}, None, algorithm="none")
    expect("alg: none token accepted", get("/api/me", headers={"Authorization": "Bearer " + unsigned}).status == 200)

    for path in OTHERS:
        r = get(path, "alice")
        expect(f"alice reads bob's {path}", r.status == 200 and "u_1002" in r.text, r.status)
    r = get("/api/lab-results/3002")
    expect("lab results without login, with SSN", r.status == 200 and "patient_ssn" in r.json())
    r = get("/api/admin/patients", "alice")
    expect("admin function open to a patient, raw scan()",
           r.status == 200 and {"Items", "ScannedCount", "ResponseMetadata"} <= set(r.json()))
    r = get("/api/schedule?doctor_id=d_01", "alice")
    expect("low-level client output with typed values", r.status == 200 and "S" in r.json()["Items"][0]["patient_name"])

    r = get("/api/billing/invoice?id=abc", "alice")
    expect("wrong key type: ValidationException and traceback echoed",
           r.status == 500 and "ValidationException" in r.text and "Traceback" in r.text)
    r = get("/api/patients/" + LONG_ID, "alice")
    expect("oversized key: botocore error echoed", r.status == 500 and "2048" in r.text)
    r = get("/api/appointments/abc", "alice")
    expect("Werkzeug debugger traceback page", r.status == 500 and "__debugger__" in r.text)
    expect("Werkzeug console page", "Werkzeug Debugger" in get("/console").text)

    env = get("/.env")
    expect("/.env served with an AWS key", env.status == 200 and "AWS_ACCESS_KEY_ID=AKIA" in env.text)
    expect("/config.py served with the secret", 'SECRET_KEY = "changeme"' in get("/config.py").text)
    expect("/app.py served", "create_app" in get("/app.py").text)
    expect("/logs/app.log served with full items", "password_hash" in get("/logs/app.log").text)
    r = get("/api/debug/config")
    expect("debug config endpoint", r.status == 200 and r.json()["config"]["SECRET_KEY"] == "changeme")

    r = get("/api/me", "alice", {"Origin": "https://attacker.example"})
    expect("CORS reflects any origin with credentials",
           r.headers.get("Access-Control-Allow-Origin") == "https://attacker.example"
           and r.headers.get("Access-Control-Allow-Credentials") == "true")

    alice = PEOPLE["u_1001"]
    yes = get("/api/register/check-email?email=" + alice["email"])
    no = get("/api/register/check-email?email=nobody.here@gmail.com")
    expect("check-email tells who is registered", yes.status == 200 and no.status == 404)
    unknown = call("POST", "/api/login", body={"email": "nobody.here@gmail.com", "password": "x"})
    wrong = call("POST", "/api/login", body={"email": alice["email"], "password": "x"})
    expect("login answers differ for unknown and wrong password", unknown.status != wrong.status)

    spec = get("/openapi.json").json()
    expect("spec leaves out the admin route", "/api/admin/patients" not in spec["paths"])
    me_props = spec["paths"]["/api/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    expect("spec leaves out sensitive fields", "ssn" not in me_props and "password_hash" not in me_props)
    lab = spec["paths"]["/api/lab-results/{result_id}"]["get"]
    expect("spec says lab results need a bearer token", lab["security"] == [{"bearerAuth": []}])
    v1 = spec["paths"]["/api/v1/patients/{patient_id}"]["get"]
    expect("deprecated v1 route still live", v1.get("deprecated") and get("/api/v1/patients/u_1002", "alice").status == 200)


def fixed():
    me = get("/api/me", "alice")
    body = me.json()
    expect("no version in the Server header", "Werkzeug" not in me.headers.get("Server", ""))
    expect("security headers", me.headers.get("X-Content-Type-Options") == "nosniff")
    expect("Cache-Control: no-store", me.headers.get("Cache-Control") == "no-store")
    expect("/api/me is projected", not {"ssn", "password_hash", "card", "dob", "address"} & set(body))
    expect("/profile of another patient refused", get("/profile?user_id=u_1002", "alice").status == 403)
    own = get("/profile?user_id=u_1001", "alice")
    expect("/profile of the caller is projected", own.status == 200 and set(own.json()) == {"patient_id", "name", "email"})
    expect("no PII in URLs", "?" not in body["links"]["statement"])
    expect("no session cookie", "Set-Cookie" not in me.headers)

    claims = jwt.decode(TOKENS["alice"], options={"verify_signature": False})
    expect("JWT has exp and no PII", "exp" in claims and "email" not in claims)
    try:
        jwt.decode(TOKENS["alice"], "secret", algorithms=["HS256"])
        expect("JWT secret is not 'secret'", False)
    except jwt.InvalidSignatureError:
        expect("JWT secret is not 'secret'", True)
    unsigned = jwt.encode({"sub": "u_1002", "role": "patient"}, None, algorithm="none")
    expect("alg: none refused", get("/api/me", headers={"Authorization": "Bearer " + unsigned}).status == 401)

    for path in OTHERS:
        expect(f"bob's {path} is 404 for alice", get(path, "alice").status == 404)
    for path in OWN:
        expect(f"alice reads her own {path}", get(path, "alice").status == 200)
    expect("lab results need a login", get("/api/lab-results/3001").status == 401)
    expect("admin function refused to a patient", get("/api/admin/patients", "alice").status == 403)
    r = get("/api/admin/patients", "admin")
    expect("admin function projected and masked", r.status == 200 and "***@" in r.text and "ssn" not in r.text)
    r = get("/api/schedule?doctor_id=d_01", "alice")
    expect("schedule shows busy slots only", r.status == 200 and set(r.json()) == {"doctor_id", "busy"})

    for path in ("/api/billing/invoice?id=abc", "/api/patients/" + LONG_ID, "/api/appointments/abc"):
        r = get(path, "alice")
        expect(f"bad input on {path[:40]} gives a plain 404", r.status == 404 and "Traceback" not in r.text)
    for path in FILES + ["/console", "/api/debug/config", "/api/v1/patients/u_1001"]:
        expect(f"{path} is not served", get(path, "alice").status == 404)

    r = get("/api/me", "alice", {"Origin": "https://attacker.example"})
    expect("CORS ignores other origins", "Access-Control-Allow-Origin" not in r.headers)
    r = get("/api/me", "alice", {"Origin": "https://portal.riverside-clinic.example"})
    expect("CORS allows the portal", r.headers.get("Access-Control-Allow-Origin") == "https://portal.riverside-clinic.example")

    alice = PEOPLE["u_1001"]
    expect("no GET check-email with the address in the URL",
           get("/api/register/check-email?email=" + alice["email"]).status == 405)
    unknown = call("POST", "/api/login", body={"email": "nobody.here@gmail.com", "password": "x"})
    wrong = call("POST", "/api/login", body={"email": alice["email"], "password": "x"})
    expect("login failures look the same", (unknown.status, unknown.body) == (wrong.status, wrong.body))

    spec = get("/openapi.json").json()
    expect("spec documents the admin route", "/api/admin/patients" in spec["paths"])


def main():
    global BASE, TOKENS, PEOPLE
    mode = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MODE", "vulnerable")
    run = os.path.join(HERE, "..", ".run", mode)
    with open(os.path.join(run, "base_url")) as f:
        BASE = f.read().strip()
    TOKENS = {}
    with open(os.path.join(run, "identities")) as f:
        for line in f:
            name, _, header = line.strip().partition("=")
            TOKENS[name] = header.split("Bearer ", 1)[1]
    PEOPLE = {p["patient_id"]: p for p in people.people()}
    safe(mode, {"vulnerable": vulnerable, "fixed": fixed}[mode])
    failed = [r for r in results if not r[1]]
    for name, ok, detail in results:
        if not ok or "-v" in sys.argv:
            print(f"  {'ok  ' if ok else 'FAIL'} {name} {detail}".rstrip())
    print(f"selftest {mode}: {len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
