#!/usr/bin/env python3
"""Checks a running TeamHub stack: every planted weakness is present in
`vulnerable` mode and remedied in `fixed` mode; functionality and traps behave
the same in both.  Usage: selftest.py vulnerable|fixed   (run scripts/up.sh first)
"""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import http.client
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODE = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MODE", "vulnerable")
if MODE not in ("vulnerable", "fixed"):
    sys.exit("usage: selftest.py vulnerable|fixed")
RUN = os.path.join(HERE, ".run", MODE)
BASE = open(os.path.join(RUN, "base_url")).read().strip()
URL = urlsplit(BASE)
TOKENS = {}
for line in open(os.path.join(RUN, "identities")):
    if "=" in line:
        name, header = line.strip().split("=", 1)
        TOKENS[name] = header.split(":", 1)[1].strip()
VULN = MODE == "vulnerable"
FULL_SSN = re.compile(r"\b9\d\d-\d\d-\d{4}\b")


def call(method, path, body=None, token=None, headers=None, raw=None):
    hdrs = dict(headers or {})
    data = None
    if raw is not None:
        data = raw.encode()
        hdrs.setdefault("Content-Type", "application/json")
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    if token:
        hdrs["JWT_TOKEN"] = token
    # http.client keeps header names as written (urllib would turn JWT_TOKEN into Jwt_token)
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=15)
    try:
        conn.request(method, URL.path.rstrip("/") + path, body=data, headers=hdrs)
        r = conn.getresponse()
        status, rh, text = r.status, r.headers, r.read().decode()
    finally:
        conn.close()
    try:
        js = json.loads(text)
    except ValueError:
        js = None
    return status, rh, js, text


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()


def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def hs256(claims, key):
    signing = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64(claims)
    sig = hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def unsigned(claims):
    return b64({"alg": "none", "typ": "JWT"}) + "." + b64(claims) + "."


ALICE, BOB, ADMIN = TOKENS["alice"], TOKENS["bob"], TOKENS["admin"]
EXP = claims_of(ALICE)["exp"]
RUN_ID = secrets.token_hex(3)

# ------------------------------------------------------------ weakness checks
# each returns (weakness_present: bool, detail)


def w_bola_profile():
    s, _, js, _ = call("POST", "/profile/get", {"id": "1002"}, ALICE)
    return s == 200 and (js or {}).get("username") == "bob", "alice reads profile 1002 -> %s" % s


def w_exposure_profile():
    s, _, js, text = call("POST", "/profile/get", {"id": "1001"}, ALICE)
    assert s == 200, "own profile must load (%s)" % s
    leaked = [k for k in ("password_hash", "security_answer") if k in (js or {})]
    if "*" not in str((js or {}).get("corporate_card", "*")):
        leaked.append("corporate_card")
    return bool(leaked or FULL_SSN.search(text)), "own record fields leaked: %s" % leaked


def w_bola_note_get():
    s, _, js, _ = call("GET", "/notes/bob-salary-negotiation", token=ALICE)
    return s == 200, "alice GET bob's private note -> %s" % s


def w_bola_note_put():
    s, _, js, _ = call("PUT", "/notes/bob-salary-negotiation", {"title": "Raise talk"}, ALICE)
    return s == 200, "alice PUT bob's private note -> %s" % s


def w_bola_notes_list():
    s, _, js, _ = call("POST", "/notes/list", {"owner": "bob"}, ALICE)
    ids = [n["note_id"] for n in (js or {}).get("notes", [])]
    assert "bob-q3-pipeline" in ids, "team note of bob must be listed (%s)" % ids
    return "bob-salary-negotiation" in ids, "alice lists owner=bob -> %s" % ids


def w_bola_payslips():
    s, _, js, _ = call("GET", "/payslips?employee_id=1002", token=ALICE)
    return s == 200 and bool((js or {}).get("payslips")), "alice GET payslips of 1002 -> %s" % s


def f_own_payslips():
    s, _, js, text = call("GET", "/payslips", token=ALICE)
    assert s == 200 and js["payslips"], "own payslips must load (%s)" % s
    p = js["payslips"][0]
    return js["employee_id"] == "1001" and len(js["payslips"]) == 2, "own payslips, iban=%s" % p.get("iban")


def w_noauth_search():
    s, _, js, _ = call("POST", "/search", {"value": "Tanaka"})
    return s == 200 and bool((js or {}).get("results")), "anonymous search -> %s" % s


def w_exposure_search():
    s, _, js, text = call("POST", "/search", {"value": "Tanaka"}, ALICE)
    assert s == 200 and js["results"], "search must work for alice (%s)" % s
    return "password_hash" in text or bool(FULL_SSN.search(text)), "search result keys %s" % sorted(js["results"][0])


def _fresh_user(extra=None):
    name = "qa-%s-%s" % (RUN_ID, secrets.token_hex(2))
    body = {"username": name, "password": "Selftest-Pass-1", "email": name + "@example.com", "full_name": "QA Temp"}
    body.update(extra or {})
    s, _, js, _ = call("POST", "/register", body)
    assert s == 201, "register must work (%s %s)" % (s, js)
    s, _, lj, _ = call("POST", "/login", {"username": name, "password": "Selftest-Pass-1"})
    assert s == 200, "login of new user must work (%s)" % s
    return name, js, lj["token"]


def w_bfla_ban():
    name, _, _ = _fresh_user()
    s, _, _, _ = call("POST", "/ban-user", {"username": name}, BOB)
    present = s == 200
    if not present:
        s2, _, _, _ = call("POST", "/ban-user", {"username": name}, ADMIN)
        assert s2 == 200, "admin must be able to ban (%s)" % s2
    return present, "bob bans %s -> %s" % (name, s)


def w_mass_assign_register():
    _, js, token = _fresh_user({"role": "admin", "salary_eur": 1})
    s, _, _, _ = call("GET", "/admin/users", token=token)
    return js.get("role") == "admin" and s == 200, "register role=admin -> role %s, /admin/users %s" % (js.get("role"), s)


def w_mass_assign_profile():
    _, _, token = _fresh_user()
    s, _, js, _ = call("PUT", "/profile", {"phone": "+33 6 00 00 00 01", "role": "admin"}, token)
    assert s == 200, "profile update must work (%s)" % s
    _, _, me, _ = call("GET", "/me", token=token)
    return me.get("role") == "admin", "PUT /profile role=admin -> role %s" % me.get("role")


def w_error_profile():
    s, _, js, text = call("POST", "/profile/get", {"id": 2}, ALICE)
    return "Traceback" in text or "ValidationException" in text, "id=2 (number) -> %s %s" % (s, text[:60])


def w_error_body():
    s, _, js, text = call("POST", "/search", raw='{"value": "x"', token=ALICE)
    s2, _, _, text2 = call("POST", "/search", {"value": "x", "field": "a.b[x"}, ALICE)
    leaked = any(m in t for t in (text, text2) for m in ("Traceback", "stackTrace", "FilterExpression"))
    return leaked, "bad JSON -> %s, bad field -> %s" % (s, s2)


def w_debug_env():
    s, _, js, text = call("GET", "/debug/env")
    return s == 200 and "JWT_SECRET" in text, "GET /debug/env -> %s" % s


def w_weak_secret():
    tok = hs256({"sub": "1002", "role": "employee", "username": "bob", "exp": EXP}, "secret")
    s, _, js, _ = call("GET", "/me", token=tok)
    return s == 200 and (js or {}).get("id") == "1002", "token signed with 'secret' -> %s" % s


def w_alg_none():
    tok = unsigned({"sub": "1002", "role": "employee", "username": "bob", "exp": EXP})
    s, _, js, _ = call("GET", "/me", token=tok)
    return s == 200, "alg=none token -> %s" % s


def w_jwt_pii():
    c = claims_of(ALICE)
    return any(k in c for k in ("email", "phone", "date_of_birth", "full_name")), "claims %s" % sorted(c)


def w_cors():
    s, h, _, _ = call("GET", "/me", token=ALICE, headers={"Origin": "https://evil.example.net"})
    return (h.get("Access-Control-Allow-Origin") == "https://evil.example.net"
            and h.get("Access-Control-Allow-Credentials") == "true"), "ACAO=%s" % h.get("Access-Control-Allow-Origin")


def w_cache():
    _, h, _, _ = call("GET", "/me", token=ALICE)
    _, h2, _, _ = call("POST", "/profile/get", {"id": "1001"}, ALICE)
    ok = all("no-store" in (x.get("Cache-Control") or "") for x in (h, h2))
    return not ok, "Cache-Control=%s" % h.get("Cache-Control")


def w_enumeration():
    s1, _, j1, _ = call("POST", "/password/reset", {"email": "nobody-%s@example.com" % RUN_ID})
    s2, _, j2, _ = call("POST", "/password/reset", {"email": "bob.tanaka@example.com"})
    return (s1, j1) != (s2, j2), "unknown -> %s, known -> %s" % (s1, s2)


WEAKNESSES = [
    ("BOLA POST /profile/get body id", w_bola_profile),
    ("data exposure POST /profile/get", w_exposure_profile),
    ("BOLA GET /notes/{noteId}", w_bola_note_get),
    ("BOLA PUT /notes/{noteId}", w_bola_note_put),
    ("BOLA POST /notes/list body owner", w_bola_notes_list),
    ("BOLA GET /payslips?employee_id", w_bola_payslips),
    ("missing auth POST /search", w_noauth_search),
    ("data exposure POST /search", w_exposure_search),
    ("BFLA POST /ban-user", w_bfla_ban),
    ("mass assignment POST /register", w_mass_assign_register),
    ("mass assignment PUT /profile", w_mass_assign_profile),
    ("error details POST /profile/get", w_error_profile),
    ("error details POST /search", w_error_body),
    ("debug endpoint GET /debug/env", w_debug_env),
    ("weak JWT secret", w_weak_secret),
    ("JWT alg none accepted", w_alg_none),
    ("personal data in JWT claims", w_jwt_pii),
    ("CORS reflects origin with credentials", w_cors),
    ("no Cache-Control: no-store", w_cache),
    ("user enumeration POST /password/reset", w_enumeration),
]

# ------------------------------------------------------------ same in both modes


def f_directory():
    s, h, js, text = call("GET", "/directory?department=Engineering")
    return s == 200 and js["count"] >= 2 and not FULL_SSN.search(text) and "phone" not in text, "public directory %s" % s


def f_benefits():
    s, _, js, _ = call("GET", "/benefits")
    return s == 200 and len(js["plans"]) == 4, "benefits %s" % s


def f_me_masked():
    s, _, js, text = call("GET", "/me", token=BOB)
    return (s == 200 and js["id"] == "1002" and js["ssn"].startswith("***") and js["corporate_card"].startswith("****")
            and "password_hash" not in text), "me %s ssn=%s card=%s" % (s, js.get("ssn"), js.get("corporate_card"))


def f_own_and_team_notes():
    s, _, js, _ = call("GET", "/notes/alice-medical-leave", token=ALICE)
    s2, _, _, _ = call("GET", "/notes/bob-q3-pipeline", token=ALICE)
    s3, _, created, _ = call("POST", "/notes/create", {"title": "selftest %s" % RUN_ID, "visibility": "private"}, ALICE)
    s4, _, _, _ = call("PUT", "/notes/" + created["note_id"], {"body": "edited"}, ALICE)
    return (s, s2, s3, s4) == (200, 200, 201, 200), "own note %s, team note %s, create %s, edit %s" % (s, s2, s3, s4)


def f_requires_token():
    s, _, _, _ = call("GET", "/me")
    s2, _, _, _ = call("POST", "/notes/list", {})
    s3, _, _, _ = call("GET", "/me", token=ALICE[:-4] + "AAAA")
    return (s, s2, s3) == (401, 401, 401), "no token -> %s/%s, bad signature -> %s" % (s, s2, s3)


def f_admin_only():
    s, _, _, _ = call("GET", "/admin/users", token=BOB)
    s2, _, js, _ = call("GET", "/admin/users", token=ADMIN)
    return s == 403 and s2 == 200, "bob -> %s, admin -> %s" % (s, s2)


def f_login_rate_limit():
    name, _, _ = _fresh_user()
    statuses = [call("POST", "/login", {"username": name, "password": "wrong-%d" % i})[0] for i in range(7)]
    same_msg = call("POST", "/login", {"username": "no-such-user-%s" % RUN_ID, "password": "x"})[2]
    return statuses[0] == 401 and statuses[-1] == 429 and same_msg == {"message": "Invalid username or password"}, \
        "failed logins -> %s" % statuses


def f_gateway():
    s, _, js, _ = call("GET", "/does-not-exist")
    s2, _, _, _ = call("GET", "/notes/list")
    s3, _, spec, _ = call("GET", "/openapi.json")
    return (s == 403 and js == {"message": "Missing Authentication Token"} and s2 == 403
            and s3 == 200 and "/profile/get" in spec["paths"]), "unknown route %s, wrong method %s, openapi %s" % (s, s2, s3)


FUNCTIONAL = [
    ("public staff directory (trap)", f_directory),
    ("public benefits catalogue (trap)", f_benefits),
    ("/me returns own data, masked (trap)", f_me_masked),
    ("notes: own, team-visible, create, edit", f_own_and_team_notes),
    ("token required where documented", f_requires_token),
    ("GET /admin/users admin only", f_admin_only),
    ("GET /payslips returns the caller's own payslips", f_own_payslips),
    ("login rate limited, generic message (trap)", f_login_rate_limit),
    ("gateway: 403 for unknown routes, openapi served", f_gateway),
]


def main():
    failures = 0
    want = "present" if VULN else "remedied"
    for name, fn in WEAKNESSES:
        try:
            present, detail = fn()
            ok = present == VULN
        except Exception as e:  # noqa: BLE001
            ok, detail = False, "check error: %r" % e
        failures += not ok
        print("%s  [%s] %s: %s" % ("PASS" if ok else "FAIL", want, name, detail))
    for name, fn in FUNCTIONAL:
        try:
            ok, detail = fn()
        except Exception as e:  # noqa: BLE001
            ok, detail = False, "check error: %r" % e
        failures += not ok
        print("%s  [both] %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    print("%s: %d failure(s)" % (MODE, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
