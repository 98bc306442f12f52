#!/usr/bin/env python3
"""Checks a running Pastebox: every planted weakness is present in `vulnerable`
mode and remedied in `fixed` mode; functionality and traps behave the same in
both.  Usage: selftest.py vulnerable|fixed   (run scripts/up.sh first)
"""
import base64
import hashlib
import hmac
import http.client as httpclient
import json
import os
import secrets
import sys
from urllib.parse import quote, urlsplit

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
        TOKENS[name] = header.split(":", 1)[1].strip().split(" ", 1)[1]
VULN = MODE == "vulnerable"
ALICE, BOB, ADMIN = TOKENS["alice"], TOKENS["bob"], TOKENS["admin"]
RUN_ID = secrets.token_hex(3)


def call(method, path, body=None, headers=None):
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        hdrs.setdefault("Content-Type", "application/json")
    conn = httpclient.HTTPConnection(URL.hostname, URL.port, timeout=15)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        status, rh, text = r.status, r.headers, r.read().decode()
    finally:
        conn.close()
    try:
        js = json.loads(text)
    except ValueError:
        js = None
    return status, rh, js, text


def gql(query, token=None, variables=None, headers=None):
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = "Bearer " + token
    body = {"query": query}
    if variables:
        body["variables"] = variables
    return call("POST", "/graphql", body, hdrs)


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()


def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def hs256(claims, key):
    signing = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64(claims)
    sig = hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def data(js):
    return (js or {}).get("data") or {}


def messages(js):
    return [e.get("message", "") for e in (js or {}).get("errors", [])] if isinstance(js, dict) else []


def fresh_user(role=None):
    name = "qa_%s_%s" % (RUN_ID, secrets.token_hex(2))
    args = 'username: "%s", password: "Selftest-Pass-1", email: "%s@example.com"' % (name, name)
    if role:
        args += ', role: "%s"' % role
    s, _, js, _ = gql("mutation { signUp(%s) { token user { id username role } } }" % args)
    assert s == 200 and data(js).get("signUp"), "signUp must work (%s %s)" % (s, js)
    return name, data(js)["signUp"]


# ------------------------------------------------------------ weakness checks


def w_bola_paste():
    s, _, js, _ = gql('{ paste(id: "3") { title content } }', ALICE)
    return bool(data(js).get("paste")), "alice reads bob's private paste 3 -> %s" % (messages(js) or "data")


def w_bola_edit():
    s, _, js, _ = gql('mutation { editPaste(id: "3", title: "clinic appointment") { paste { id } } }', ALICE)
    return bool(data(js).get("editPaste")), "alice edits bob's paste 3 -> %s" % (messages(js) or "ok")


def w_exposure_paste_meta():
    s, _, js, _ = gql("{ pastes(limit: 5) { id ipAddr userAgent owner { username email } } }")
    ps = data(js).get("pastes") or []
    assert ps, "public pastes must be listed (%s)" % js
    leaked = [p["id"] for p in ps if p["ipAddr"] or p["userAgent"] or p["owner"]["email"]]
    return bool(leaked), "anonymous sees ip/UA/email of pastes %s" % leaked


def w_exposure_user():
    s, _, js, _ = gql('{ user(username: "bob") { username bio email phone apiKey lastLoginIp } }', ALICE)
    u = data(js).get("user") or {}
    assert u.get("username") == "bob", "public profile must load (%s)" % js
    leaked = [k for k in ("email", "phone", "apiKey", "lastLoginIp") if u.get(k)]
    return bool(leaked), "alice sees bob's %s" % leaked


def w_noauth_users():
    s, _, js, _ = gql("{ users { username email phone } }")
    return bool(data(js).get("users")), "anonymous users list -> %s" % (messages(js) or "data")


def w_bfla_role():
    name, _ = fresh_user()
    s, _, js, _ = gql('mutation { setUserRole(username: "%s", role: "moderator") { user { role } } }' % name, BOB)
    present = bool(data(js).get("setUserRole"))
    if not present:
        s, _, js2, _ = gql('mutation { setUserRole(username: "%s", role: "moderator") { user { role } } }' % name,
                           ADMIN)
        assert data(js2).get("setUserRole"), "admin must be able to set roles (%s)" % js2
    return present, "bob sets role of %s -> %s" % (name, messages(js) or "ok")


def w_mass_assign_signup():
    _, su = fresh_user(role="admin")
    s, _, js, _ = gql("{ users { username } }", su["token"])
    return su["user"]["role"] == "admin", "signUp role=admin -> %s" % su["user"]["role"]


def w_stacktrace():
    s, _, js, _ = gql('{ paste(id: "abc") { title } }', ALICE)
    ext = [e.get("extensions") for e in (js or {}).get("errors", []) if e.get("extensions")]
    leaked = any("stacktrace" in json.dumps(x) for x in ext)
    return leaked, "paste(id: \"abc\") -> %s" % (messages(js) or "?")


def w_debug_config():
    s, _, js, text = call("GET", "/debug/config")
    return s == 200 and "JWT_SECRET" in text, "GET /debug/config -> %s" % s


def w_weak_secret():
    c = claims_of(ALICE)
    tok = hs256({"sub": "3", "role": "user", "iat": c["iat"], "exp": c["exp"]}, "password")
    s, _, js, _ = gql("{ me { username } }", tok)
    return (data(js).get("me") or {}).get("username") == "bob", "token signed with 'password' -> %s" % (
        messages(js) or "accepted")


def w_jwt_pii():
    c = claims_of(ALICE)
    return any(k in c for k in ("email", "login_ip")), "claims %s" % sorted(c)


def w_introspection():
    s, _, js, _ = gql("{ __schema { types { name } } }")
    return bool(data(js).get("__schema")), "__schema -> %s" % (s if not data(js) else "data")


def w_suggestions():
    s, _, js, _ = gql("{ pastez { id } }")
    return any("Did you mean" in m for m in messages(js)), "unknown field -> %s" % messages(js)


def w_alias_bruteforce():
    name, _ = fresh_user()
    aliases = " ".join('a%d: login(username: "%s", password: "guess-%d") { token }' % (i, name, i)
                       for i in range(10))
    aliases += ' ok: login(username: "%s", password: "Selftest-Pass-1") { token }' % name
    s, _, js, _ = gql("mutation { %s }" % aliases)
    got = bool((data(js).get("ok") or {}).get("token"))
    batch = [{"query": 'mutation { login(username: "%s", password: "g%d") { token } }' % (name, i)} for i in range(8)]
    s2, _, js2, _ = call("POST", "/graphql", batch)
    batched = isinstance(js2, list) and len(js2) == 8
    return got or batched, "11 aliased logins -> %s; batch of 8 -> %s" % (s, s2)


def w_enumeration():
    _, _, j1, _ = gql('mutation { login(username: "nobody_%s", password: "x") { token } }' % RUN_ID)
    name, _ = fresh_user()
    _, _, j2, _ = gql('mutation { login(username: "%s", password: "wrong-pass") { token } }' % name)
    return messages(j1) != messages(j2), "unknown: %s / known: %s" % (messages(j1), messages(j2))


def w_cors():
    s, h, _, _ = gql("{ me { username } }", ALICE, headers={"Origin": "https://evil.example.net"})
    return (h.get("Access-Control-Allow-Origin") == "https://evil.example.net"
            and h.get("Access-Control-Allow-Credentials") == "true"), "ACAO=%s" % h.get("Access-Control-Allow-Origin")


def w_cache():
    s, h, _, _ = gql("{ me { email } }", ALICE)
    return "no-store" not in (h.get("Cache-Control") or ""), "Cache-Control=%s" % h.get("Cache-Control")


WEAKNESSES = [
    ("BOLA query paste(id)", w_bola_paste),
    ("BOLA mutation editPaste(id)", w_bola_edit),
    ("data exposure Paste.ipAddr/userAgent/owner.email", w_exposure_paste_meta),
    ("data exposure query user(username)", w_exposure_user),
    ("missing auth query users", w_noauth_users),
    ("BFLA mutation setUserRole", w_bfla_role),
    ("mass assignment mutation signUp(role)", w_mass_assign_signup),
    ("stack traces in errors[].extensions", w_stacktrace),
    ("debug endpoint GET /debug/config", w_debug_config),
    ("weak JWT secret", w_weak_secret),
    ("personal data in JWT claims", w_jwt_pii),
    ("introspection enabled", w_introspection),
    ("field suggestions", w_suggestions),
    ("alias/batch login brute force", w_alias_bruteforce),
    ("user enumeration mutation login", w_enumeration),
    ("CORS reflects origin with credentials", w_cors),
    ("no Cache-Control: no-store", w_cache),
]

# ------------------------------------------------------------ same in both modes


def f_bare_get():
    s, _, js, _ = call("GET", "/graphql")
    s2, _, js2, _ = call("GET", "/graphql?query=" + quote("{ plans { code } }"))
    s3, _, _, _ = call("GET", "/graphql?query=" + quote('mutation { login(username: "a", password: "b") { token } }'))
    return (s == 400 and messages(js) == ["Must provide query string."] and s2 == 200
            and len(data(js2)["plans"]) == 3 and s3 == 405), "bare GET %s, GET query %s, GET mutation %s" % (s, s2, s3)


def f_staff():
    s, _, js, _ = gql("{ staff { displayName role contactEmail } }")
    return s == 200 and len(data(js)["staff"]) == 3, "public staff directory %s" % s


def f_me():
    s, _, js, _ = gql("{ me { username email card pastes { id } } }", ALICE)
    me = data(js).get("me") or {}
    return me.get("username") == "alice" and me.get("card") == "****4242" and len(me["pastes"]) == 2, "me %s" % me


def f_pastes():
    s1, _, j1, _ = gql('{ paste(id: "2") { title } }', ALICE)
    s2, _, j2, _ = gql('{ paste(id: "1") { title } }')
    s3, _, j3, _ = gql('mutation { createPaste(title: "selftest %s", content: "x") { paste { id } } }' % RUN_ID, BOB)
    pid = data(j3)["createPaste"]["paste"]["id"]
    s4, _, j4, _ = gql('mutation { editPaste(id: "%s", content: "y") { paste { content } } }' % pid, BOB)
    s5, _, j5, _ = gql('mutation { deletePaste(id: "%s") { ok } }' % pid, ALICE)
    s6, _, j6, _ = gql('mutation { deletePaste(id: "%s") { ok } }' % pid, BOB)
    ok = (data(j1).get("paste") and data(j2).get("paste") and data(j4)["editPaste"]["paste"]["content"] == "y"
          and not data(j5).get("deletePaste") and data(j6)["deletePaste"]["ok"])
    return bool(ok), "own private, public anon, create/edit own, delete by other refused, delete own"


def f_requires_login():
    s, _, js, _ = gql("{ me { username } }")
    s2, _, js2, _ = gql('mutation { createPaste(title: "x", content: "y") { paste { id } } }')
    return (messages(js) == ["Authentication required"] and messages(js2) == ["Authentication required"]), \
        "anonymous me/createPaste -> %s" % messages(js)


def f_rate_limit():
    name, _ = fresh_user()
    statuses = [gql('mutation { login(username: "%s", password: "bad-%d") { token } }' % (name, i))[0]
                for i in range(7)]
    return statuses[0] == 200 and statuses[-1] == 429, "separate failed logins -> %s" % statuses


def f_docs():
    s, _, _, text = call("GET", "/docs")
    s2, _, js, _ = call("GET", "/health")
    return s == 200 and "jane.doe@example.com" in text and s2 == 200, "docs %s, health %s" % (s, s2)


FUNCTIONAL = [
    ("bare GET /graphql -> 400, GET queries work, GET mutations 405", f_bare_get),
    ("query staff public (trap)", f_staff),
    ("query me: own data, masked card (trap)", f_me),
    ("pastes: own private, public, create/edit/delete", f_pastes),
    ("login required where needed", f_requires_login),
    ("separate failed logins rate limited (429)", f_rate_limit),
    ("docs page with example data, health", f_docs),
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
