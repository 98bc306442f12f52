"""TeamHub records API - AWS Lambda handler (REST API, Lambda proxy integration).

One function serves every route; API Gateway passes the resource template in
event["resource"] and we dispatch on (httpMethod, resource).

Configuration comes from the function's environment:
  APP_MODE            "vulnerable" (the original 2019 code) or "fixed" (hardened release)
  JWT_SECRET          HMAC key for session tokens
  USERS_TABLE, NOTES_TABLE, PAYSLIPS_TABLE
  DYNAMODB_ENDPOINT   only set when running against a local DynamoDB
  ALLOWED_ORIGINS     comma separated, used by the hardened release
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import secrets
import time
import traceback
import uuid
from decimal import Decimal

import boto3
import jwt
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

MODE = os.environ.get("APP_MODE", "vulnerable")
FIXED = MODE == "fixed"

USERS_TABLE = os.environ.get("USERS_TABLE", "teamhub-users")
NOTES_TABLE = os.environ.get("NOTES_TABLE", "teamhub-notes")
PAYSLIPS_TABLE = os.environ.get("PAYSLIPS_TABLE", "teamhub-payslips")
JWT_SECRET = os.environ.get("JWT_SECRET", "secret")
TOKEN_TTL = int(os.environ.get("TOKEN_TTL_SECONDS", "28800"))
ALLOWED_ORIGINS = [o.strip() for o in os.environ.get(
    "ALLOWED_ORIGINS", "https://teamhub.example.com").split(",") if o.strip()]

_dynamodb = boto3.resource(
    "dynamodb",
    endpoint_url=os.environ.get("DYNAMODB_ENDPOINT") or None,
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
)
users = _dynamodb.Table(USERS_TABLE)
notes = _dynamodb.Table(NOTES_TABLE)
payslips = _dynamodb.Table(PAYSLIPS_TABLE)

# Fields of a user record that are fine to show to colleagues.
DIRECTORY_FIELDS = ["id", "username", "full_name", "title", "department", "email", "office", "extension"]
# Fields an employee may change on their own profile.
PROFILE_EDITABLE = {"display_name", "phone", "home_address", "pronouns", "emergency_contact"}
NOTE_EDITABLE = {"title", "body", "visibility"}
REGISTER_FIELDS = {"username", "password", "email", "full_name", "phone", "department", "title"}

# Failed-login throttle, kept per warm container (good enough for one instance).
_login_failures = {}
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_SECONDS = 300


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------- helpers

def _json_default(o):
    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(repr(o))


def _cors_headers(event):
    headers = event.get("headers") or {}
    origin = headers.get("origin") or headers.get("Origin")
    if not origin:
        return {}
    if not FIXED:
        # front-end moved domains a few times; just echo whatever calls us
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Headers": "Content-Type,JWT_TOKEN",
            "Access-Control-Allow-Methods": "GET,POST,PUT,OPTIONS",
        }
    if origin in ALLOWED_ORIGINS:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Headers": "Content-Type,JWT_TOKEN",
            "Access-Control-Allow-Methods": "GET,POST,PUT,OPTIONS",
            "Vary": "Origin",
        }
    return {"Vary": "Origin"}


def respond(event, status, payload, extra_headers=None, public=False):
    headers = {"Content-Type": "application/json"}
    headers.update(_cors_headers(event))
    if FIXED:
        headers["Cache-Control"] = "public, max-age=300" if public else "no-store"
    elif public:
        headers["Cache-Control"] = "public, max-age=300"
    if extra_headers:
        headers.update(extra_headers)
    return {
        "statusCode": status,
        "headers": headers,
        "body": json.dumps(payload, default=_json_default),
        "isBase64Encoded": False,
    }


def parse_body(event):
    raw = event.get("body")
    if raw is None or raw == "":
        return {}
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    if FIXED:
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "Request body must be valid JSON")
        if not isinstance(body, dict):
            raise ApiError(400, "Request body must be a JSON object")
        return body
    return json.loads(raw)


def require_str(body, name, required=True):
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "'%s' is required" % name)
        return None
    if FIXED and (not isinstance(value, str) or not value or len(value) > 200):
        raise ApiError(400, "'%s' must be a non-empty string" % name)
    return value


def hash_password(password, salt=None, iterations=60000):
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt, digest)


def check_password(password, stored):
    try:
        _, iterations, salt, _digest = stored.split("$")
    except (AttributeError, ValueError):
        return False
    return hmac.compare_digest(hash_password(password, salt, int(iterations)), stored)


def mask(value, keep=4):
    value = str(value or "")
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * 4 + value[-keep:]


def mask_email(value):
    local, _, domain = str(value or "").partition("@")
    if not domain:
        return ""
    return local[:1] + "***@" + domain


# ---------------------------------------------------------------- tokens

def issue_token(user):
    now = int(time.time())
    claims = {"sub": user["id"], "role": user.get("role", "employee"), "iat": now, "exp": now + TOKEN_TTL}
    if not FIXED:
        # the SPA shows name/email in the header bar without an extra call
        claims.update({
            "username": user["username"],
            "email": user.get("email"),
            "full_name": user.get("full_name"),
            "phone": user.get("phone"),
            "date_of_birth": user.get("date_of_birth"),
        })
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def decode_token(token):
    if FIXED:
        return jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    header = jwt.get_unverified_header(token)
    if header.get("alg", "").lower() == "none":
        # batch jobs inside the VPC send unsigned tokens
        return jwt.decode(token, options={"verify_signature": False})
    return jwt.decode(token, JWT_SECRET, algorithms=["HS256", "HS384", "HS512"])


def current_user(event, required=True):
    """Returns the caller's user record, or None when anonymous and not required."""
    token = (event.get("headers") or {}).get("JWT_TOKEN")
    if not token:
        if required:
            raise ApiError(401, "Unauthorized")
        return None
    try:
        claims = decode_token(token)
    except jwt.PyJWTError:
        raise ApiError(401, "Unauthorized")
    if FIXED:
        item = users.get_item(Key={"id": str(claims["sub"])}).get("Item")
        if not item or item.get("status") == "banned":
            raise ApiError(401, "Unauthorized")
        return item
    # trust the token, saves a DynamoDB read per request
    return {"id": str(claims.get("sub")), "username": claims.get("username"),
            "role": claims.get("role", "employee")}


def is_admin(user):
    return user.get("role") == "admin"


# ---------------------------------------------------------------- public routes

def health(event, body):
    return respond(event, 200, {"status": "ok", "service": "teamhub-records"}, public=True)


def directory(event, body):
    """Company staff directory (same data as the intranet phone list)."""
    qs = event.get("queryStringParameters") or {}
    scan = {"ProjectionExpression": "id, username, full_name, title, department, email, office, extension"}
    department = qs.get("department")
    if department:
        scan["FilterExpression"] = Attr("department").eq(department)
    items = users.scan(**scan)["Items"]
    items = [i for i in items if i.get("status") != "banned"]
    items.sort(key=lambda i: i["id"])
    return respond(event, 200, {"employees": items, "count": len(items)}, public=True)


def benefits(event, body):
    plans = [
        {"code": "MED-BASIC", "name": "Medical - Basic", "monthly_cost_eur": 0, "provider": "Example Health"},
        {"code": "MED-PLUS", "name": "Medical - Plus", "monthly_cost_eur": 38, "provider": "Example Health"},
        {"code": "DENTAL", "name": "Dental", "monthly_cost_eur": 9, "provider": "Smile Mutual"},
        {"code": "BIKE", "name": "Bike leasing", "monthly_cost_eur": 25, "provider": "Pedal Lease"},
    ]
    return respond(event, 200, {"plans": plans}, public=True)


# ---------------------------------------------------------------- accounts

def register(event, body):
    body = parse_body(event)
    username = require_str(body, "username")
    password = require_str(body, "password")
    email = require_str(body, "email")
    if len(str(password)) < 8:
        raise ApiError(400, "Password must be at least 8 characters")
    existing = users.scan(FilterExpression=Attr("username").eq(username)).get("Items")
    if existing:
        raise ApiError(409, "Username already taken")
    user_id = str(10000 + secrets.randbelow(90000))
    if FIXED:
        item = {k: v for k, v in body.items() if k in REGISTER_FIELDS and isinstance(v, str)}
        item["role"] = "employee"
    else:
        item = dict(body)
        item.setdefault("role", "employee")
    item.pop("password", None)
    item.update({"id": user_id, "username": username, "email": email,
                 "password_hash": hash_password(password), "status": "active",
                 "created_at": datetime.datetime.utcnow().isoformat() + "Z"})
    users.put_item(Item=item)
    return respond(event, 201, {"id": user_id, "username": username, "role": item["role"]})


def login(event, body):
    body = parse_body(event)
    username = require_str(body, "username")
    password = require_str(body, "password")
    source_ip = ((event.get("requestContext") or {}).get("identity") or {}).get("sourceIp", "-")
    key = (source_ip, str(username).lower())
    now = time.time()
    recent = [t for t in _login_failures.get(key, []) if now - t < LOGIN_WINDOW_SECONDS]
    _login_failures[key] = recent
    if len(recent) >= LOGIN_MAX_FAILURES:
        retry = int(LOGIN_WINDOW_SECONDS - (now - recent[0])) + 1
        return respond(event, 429, {"message": "Too many failed attempts, try again later"},
                       {"Retry-After": str(retry)})
    found = users.scan(FilterExpression=Attr("username").eq(username)).get("Items") or []
    user = found[0] if found else None
    if not user or not check_password(str(password), user.get("password_hash")) or user.get("status") == "banned":
        recent.append(now)
        return respond(event, 401, {"message": "Invalid username or password"})
    _login_failures.pop(key, None)
    return respond(event, 200, {"token": issue_token(user), "expires_in": TOKEN_TTL})


def password_reset(event, body):
    body = parse_body(event)
    email = require_str(body, "email")
    found = users.scan(FilterExpression=Attr("email").eq(email)).get("Items") or []
    if FIXED:
        # same answer whether or not the address is registered
        return respond(event, 202, {"message": "If the address is registered, a reset link has been sent."})
    if not found:
        return respond(event, 404, {"message": "No account is registered with %s" % email})
    return respond(event, 200, {"message": "Reset link sent to %s" % email,
                                "security_question": found[0].get("security_question")})


# ---------------------------------------------------------------- profiles

def _safe_profile(item, own=False):
    out = {k: item.get(k) for k in DIRECTORY_FIELDS if k in item}
    if own:
        out.update({
            "role": item.get("role"),
            "phone": item.get("phone"),
            "display_name": item.get("display_name"),
            "pronouns": item.get("pronouns"),
            "personal_email": mask_email(item.get("personal_email")),
            "ssn": "***-**-" + str(item.get("ssn", ""))[-4:],
            "corporate_card": mask(item.get("corporate_card")),
        })
    return out


def me(event, body):
    user = current_user(event)
    item = users.get_item(Key={"id": user["id"]}).get("Item")
    if not item:
        raise ApiError(404, "Not found")
    return respond(event, 200, _safe_profile(item, own=True))


def profile_get(event, body):
    caller = current_user(event)
    body = parse_body(event)
    user_id = require_str(body, "id")
    if FIXED and user_id != caller["id"] and not is_admin(caller):
        raise ApiError(403, "Forbidden")
    item = users.get_item(Key={"id": user_id}).get("Item")
    if not item:
        raise ApiError(404, "Employee not found")
    if FIXED:
        return respond(event, 200, _safe_profile(item, own=(user_id == caller["id"])))
    return respond(event, 200, item)


def profile_update(event, body):
    caller = current_user(event)
    body = parse_body(event)
    if FIXED:
        changes = {k: v for k, v in body.items() if k in PROFILE_EDITABLE and isinstance(v, str)}
    else:
        changes = {k: v for k, v in body.items() if k not in ("id",)}
    if not changes:
        raise ApiError(400, "Nothing to update")
    names, values, sets = {}, {}, []
    for i, (k, v) in enumerate(sorted(changes.items())):
        names["#f%d" % i] = k
        values[":v%d" % i] = v
        sets.append("#f%d = :v%d" % (i, i))
    result = users.update_item(
        Key={"id": caller["id"]},
        UpdateExpression="SET " + ", ".join(sets),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ReturnValues="ALL_NEW",
    )
    item = result["Attributes"]
    if FIXED:
        return respond(event, 200, _safe_profile(item, own=True))
    return respond(event, 200, {"updated": sorted(changes), "profile": {k: item.get(k) for k in ("id", "username", "role", "phone", "display_name")}})


def search(event, body):
    caller = current_user(event, required=FIXED)
    body = parse_body(event)
    value = body.get("value")
    if FIXED:
        value = require_str(body, "value")
    if value is None:
        raise ApiError(400, "'value' is required")
    field = body.get("field", "full_name")
    if FIXED and field not in ("full_name", "username", "department", "title"):
        raise ApiError(400, "Unsupported search field")
    items = users.scan(FilterExpression=Attr(field).contains(value))["Items"]
    items = [i for i in items if i.get("status") != "banned"]
    items.sort(key=lambda i: i["id"])
    if FIXED:
        items = [{k: i.get(k) for k in DIRECTORY_FIELDS if k in i} for i in items]
    return respond(event, 200, {"results": items, "count": len(items)})


def ban_user(event, body):
    caller = current_user(event)
    body = parse_body(event)
    username = require_str(body, "username")
    if FIXED and not is_admin(caller):
        raise ApiError(403, "Forbidden")
    found = users.scan(FilterExpression=Attr("username").eq(username)).get("Items") or []
    if not found:
        raise ApiError(404, "User not found")
    users.update_item(Key={"id": found[0]["id"]}, UpdateExpression="SET #s = :b, banned_by = :by",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":b": "banned", ":by": caller["id"]})
    return respond(event, 200, {"username": username, "status": "banned"})


def admin_users(event, body):
    caller = current_user(event)
    if not is_admin(caller):
        raise ApiError(403, "Forbidden")
    items = users.scan(ProjectionExpression="id, username, full_name, #r, #s, department",
                       ExpressionAttributeNames={"#r": "role", "#s": "status"})["Items"]
    items.sort(key=lambda i: i["id"])
    return respond(event, 200, {"users": items})


# ---------------------------------------------------------------- notes

def _note_view(note):
    return {k: note.get(k) for k in ("note_id", "owner", "title", "body", "visibility", "created_at", "updated_at")}


def notes_list(event, body):
    caller = current_user(event)
    body = parse_body(event)
    owner = body.get("owner")
    if owner is not None and not isinstance(owner, str):
        if FIXED:
            raise ApiError(400, "'owner' must be a username")
    if owner:
        # "show me Bob's notes" from the colleague page
        items = notes.scan(FilterExpression=Attr("owner").eq(owner))["Items"]
    else:
        items = notes.scan()["Items"]
    if FIXED or not owner:
        items = [n for n in items if n.get("owner") == caller["username"] or n.get("visibility") == "team"]
    items.sort(key=lambda n: n["note_id"])
    return respond(event, 200, {"notes": [_note_view(n) for n in items], "count": len(items)})


def notes_create(event, body):
    caller = current_user(event)
    body = parse_body(event)
    title = require_str(body, "title")
    visibility = body.get("visibility", "private")
    if visibility not in ("private", "team"):
        raise ApiError(400, "visibility must be 'private' or 'team'")
    now = datetime.datetime.utcnow().isoformat() + "Z"
    slug = "".join(c if c.isalnum() else "-" for c in str(title).lower()).strip("-")[:40] or "note"
    note = {"note_id": "%s-%s" % (slug, uuid.uuid4().hex[:6]), "owner": caller["username"],
            "title": title, "body": str(body.get("body", "")), "visibility": visibility,
            "created_at": now, "updated_at": now}
    notes.put_item(Item=note)
    return respond(event, 201, _note_view(note))


def _load_note(note_id):
    note = notes.get_item(Key={"note_id": note_id}).get("Item")
    if not note:
        raise ApiError(404, "Note not found")
    return note


def note_get(event, body):
    caller = current_user(event)
    note = _load_note(event["pathParameters"]["noteId"])
    if FIXED and note["owner"] != caller["username"] and note.get("visibility") != "team":
        raise ApiError(404, "Note not found")
    return respond(event, 200, _note_view(note))


def note_put(event, body):
    caller = current_user(event)
    note = _load_note(event["pathParameters"]["noteId"])
    body = parse_body(event)
    if FIXED:
        if note["owner"] != caller["username"]:
            raise ApiError(404, "Note not found")
        changes = {k: v for k, v in body.items() if k in NOTE_EDITABLE and isinstance(v, str)}
        if "visibility" in changes and changes["visibility"] not in ("private", "team"):
            raise ApiError(400, "visibility must be 'private' or 'team'")
    else:
        changes = {k: v for k, v in body.items() if k in NOTE_EDITABLE}
    if not changes:
        raise ApiError(400, "Nothing to update")
    note.update(changes)
    note["updated_at"] = datetime.datetime.utcnow().isoformat() + "Z"
    notes.put_item(Item=note)
    return respond(event, 200, _note_view(note))


# ---------------------------------------------------------------- payroll

def payslip_list(event, body):
    caller = current_user(event)
    qs = event.get("queryStringParameters") or {}
    employee_id = qs.get("employee_id") or caller["id"]
    if FIXED and employee_id != caller["id"] and not is_admin(caller):
        raise ApiError(403, "Forbidden")
    items = payslips.scan(FilterExpression=Attr("employee_id").eq(employee_id))["Items"]
    items.sort(key=lambda p: p["period"])
    if FIXED:
        items = [{"payslip_id": p["payslip_id"], "employee_id": p["employee_id"], "period": p["period"],
                  "gross_eur": p["gross_eur"], "net_eur": p["net_eur"],
                  "iban": mask(p.get("iban")), "tax_id": "***-**-" + str(p.get("tax_id", ""))[-4:]}
                 for p in items]
    return respond(event, 200, {"employee_id": employee_id, "payslips": items})


# ---------------------------------------------------------------- ops

def debug_env(event, body):
    # TODO remove before go-live (used while wiring the stage variables)
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("AWS_", "JWT_", "APP_", "DYNAMODB_", "USERS_", "NOTES_", "PAYSLIPS_", "SMTP_"))}
    return respond(event, 200, {"function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"), "environment": env,
                                "tables": [USERS_TABLE, NOTES_TABLE, PAYSLIPS_TABLE]})


ROUTES = {
    ("GET", "/health"): health,
    ("GET", "/directory"): directory,
    ("GET", "/benefits"): benefits,
    ("POST", "/register"): register,
    ("POST", "/login"): login,
    ("POST", "/password/reset"): password_reset,
    ("GET", "/me"): me,
    ("POST", "/profile/get"): profile_get,
    ("PUT", "/profile"): profile_update,
    ("POST", "/search"): search,
    ("POST", "/ban-user"): ban_user,
    ("GET", "/admin/users"): admin_users,
    ("POST", "/notes/list"): notes_list,
    ("POST", "/notes/create"): notes_create,
    ("GET", "/notes/{noteId}"): note_get,
    ("PUT", "/notes/{noteId}"): note_put,
    ("GET", "/payslips"): payslip_list,
}
if not FIXED:
    ROUTES[("GET", "/debug/env")] = debug_env


def _lambda_paths(text):
    # show paths the way they appear in CloudWatch for the deployed function
    here = os.path.dirname(os.path.abspath(__file__))
    text = text.replace(here, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    for site in set(os.path.dirname(os.path.dirname(m.__file__)) for m in (boto3, jwt)):
        text = text.replace(site, "/var/runtime")
    return text


def handler(event, context):
    method = event.get("httpMethod", "GET")
    resource = event.get("resource") or event.get("path")
    if method == "OPTIONS":
        return {"statusCode": 204, "headers": _cors_headers(event), "body": ""}
    route = ROUTES.get((method, resource))
    if route is None:
        return respond(event, 404, {"message": "Not found"})
    try:
        return route(event, None)
    except ApiError as e:
        return respond(event, e.status, {"message": e.message})
    except Exception as e:  # noqa: BLE001
        print("ERROR %s %s: %s" % (method, event.get("path"), traceback.format_exc()))
        if FIXED:
            return respond(event, 500, {"message": "Internal server error",
                                        "requestId": getattr(context, "aws_request_id", None)})
        payload = {"errorMessage": str(e), "errorType": type(e).__name__,
                   "stackTrace": _lambda_paths(traceback.format_exc()).splitlines()}
        if isinstance(e, ClientError):
            payload["error"] = e.response.get("Error")
            payload["operation"] = e.operation_name
            payload["tables"] = [USERS_TABLE, NOTES_TABLE, PAYSLIPS_TABLE]
        return respond(event, 500, payload)
