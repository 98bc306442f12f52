"""Riverside Clinic patient API: a small Flask + boto3 + DynamoDB service.

One code base, two modes (see config.py). The vulnerable mode is written the
way such services are often written in a hurry; every place where the fixed
mode differs is a flag on the config, so the remedy sits next to the mistake.
"""

import functools
import json
import logging
import os
import sys
import time
import traceback
import uuid
from decimal import Decimal

import jwt
from boto3.dynamodb.conditions import Key
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, g, jsonify, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash
from werkzeug.serving import WSGIRequestHandler

import config
import db
import openapi
import people

ROOT = os.path.dirname(os.path.abspath(__file__))


class JSONProvider(DefaultJSONProvider):
    """Serialises DynamoDB numbers (Decimal) as JSON numbers."""

    @staticmethod
    def default(o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return DefaultJSONProvider.default(o)


def not_found():
    return jsonify(error="not found"), 404


def create_app(cfg):
    if cfg.STATIC_FROM_ROOT:
        # Mistake: the project root is the static folder, mounted at "/", so
        # .env, the source, config.py and logs/ are all downloadable.
        app = Flask(__name__, static_folder=ROOT, static_url_path="")
    else:
        app = Flask(__name__, static_folder=None)
    app.config.from_object(cfg)
    app.json = JSONProvider(app)
    app.json.sort_keys = False

    log = logging.getLogger("clinic")
    log.setLevel(logging.INFO)
    if cfg.LOG_ITEMS:
        # Mistake: full items (SSNs, cards, hashes) logged into a served folder.
        os.makedirs(os.path.join(ROOT, "logs"), exist_ok=True)
        handler = logging.FileHandler(os.path.join(ROOT, "logs", "app.log"))
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)

    dynamo = db.resource()
    client = db.client()
    patients = dynamo.Table(db.PATIENTS)
    appointments = dynamo.Table(db.APPOINTMENTS)
    invoices = dynamo.Table(db.INVOICES)
    prescriptions = dynamo.Table(db.PRESCRIPTIONS)
    lab_results = dynamo.Table(db.LAB_RESULTS)

    # ---- helpers -----------------------------------------------------------

    def log_item(what, item):
        if cfg.LOG_ITEMS:
            log.info("%s %s", what, json.dumps(item, default=str))

    def project(item, fields):
        """Keeps only the public fields of an item (fixed mode)."""
        if item is None:
            return None
        return {f: item[f] for f in fields if f in item}

    def get(table, key, fields):
        # Remedy: ProjectionExpression names only the public attributes, so the
        # SSN, card and password hash never leave the database.
        kwargs = {"Key": key}
        if cfg.PROJECT_FIELDS:
            names = {f"#f{i}": f for i, f in enumerate(fields)}
            kwargs["ProjectionExpression"] = ", ".join(names)
            kwargs["ExpressionAttributeNames"] = names
        return table.get_item(**kwargs).get("Item")

    def by_patient(table, patient_id):
        return table.query(IndexName="patient-index",
                           KeyConditionExpression=Key("patient_id").eq(patient_id))["Items"]

    def owns(item):
        if not cfg.ENFORCE_OWNERSHIP:
            return True
        # The patient portal shows each patient their own records only; staff
        # work through /api/admin/*.
        return item is not None and item.get("patient_id") == g.user["sub"]

    def as_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def mask_email(email):
        local, _, domain = email.partition("@")
        return local[:1] + "***@" + domain

    def issue_token(patient):
        now = int(time.time())
        claims = {"sub": patient["patient_id"], "role": patient["role"], "iat": now}
        if cfg.JWT_PII_CLAIMS:
            claims.update(name=patient["name"], email=patient["email"], phone=patient["phone"],
                          dob=patient["dob"])
        if cfg.JWT_LIFETIME_SECONDS:
            claims["exp"] = now + cfg.JWT_LIFETIME_SECONDS
        return jwt.encode(claims, cfg.JWT_SECRET, algorithm="HS256")

    def current_user():
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
            if cfg.JWT_ACCEPT_NONE and jwt.get_unverified_header(token).get("alg", "").lower() == "none":
                # Mistake: unsigned "service" tokens are trusted as they are.
                return jwt.decode(token, options={"verify_signature": False})
            options = {"require": ["exp", "iat", "sub"]} if cfg.JWT_LIFETIME_SECONDS else {}
            return jwt.decode(token, cfg.JWT_SECRET, algorithms=["HS256"], options=options)
        if cfg.SESSION_PROFILE and "uid" in session:
            return {"sub": session["uid"], "role": session.get("role", "patient")}
        return None

    def login_required(admin=False):
        def wrap(view):
            @functools.wraps(view)
            def inner(*args, **kwargs):
                try:
                    user = current_user()
                except jwt.PyJWTError as e:
                    if cfg.ECHO_ERRORS:
                        return jsonify(error=f"invalid token: {e}"), 401
                    return jsonify(error="unauthorized"), 401
                if user is None:
                    return jsonify(error="login required"), 401
                g.user = user
                if admin and cfg.ENFORCE_ROLES and user.get("role") != "admin":
                    return jsonify(error="forbidden"), 403
                return view(*args, **kwargs)
            return inner
        return wrap

    def maybe_login(view):
        """The lab-result share links were meant to work without a login."""
        if cfg.REQUIRE_LOGIN_EVERYWHERE:
            return login_required()(view)
        return view

    def resource_links(patient_id):
        return {
            "self": f"/api/patients/{patient_id}",
            "appointments": "/api/appointments/mine",
            "invoices": "/api/billing/invoices/mine",
            "prescriptions": f"/api/patients/{patient_id}/prescriptions",
            "lab_results": "/api/lab-results/mine",
        }

    PROFILE = ["patient_id", "name", "email", "role", "created_at"]

    def public_profile(item):
        out = project(item, PROFILE)
        out["phone_last4"] = item["phone"][-4:] if "phone" in item else None
        return out

    # ---- routes ------------------------------------------------------------

    @app.get("/")
    def index():
        links = {"openapi": "/openapi.json", "login": "/api/login", "me": "/api/me"}
        if cfg.PII_IN_QUERY:
            links["check_email"] = "/api/register/check-email?email={email}"
        return jsonify(service="Riverside Clinic patient API", links=links)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/openapi.json")
    def spec():
        return jsonify(openapi.document(full=cfg.FULL_SPEC))

    @app.post("/api/login")
    def login():
        body = request.get_json(silent=True) or {}
        email, password = str(body.get("email", "")), str(body.get("password", ""))
        found = patients.query(IndexName="email-index", KeyConditionExpression=Key("email").eq(email))["Items"] if email else []
        patient = found[0] if found else None
        if cfg.UNIFORM_LOGIN_ERRORS:
            if patient is None or not check_password_hash(patient["password_hash"], password):
                return jsonify(error="invalid email or password"), 401
        else:
            # Mistake: two different answers tell who has an account here.
            if patient is None:
                return jsonify(error=f"no account registered for {email}"), 404
            if not check_password_hash(patient["password_hash"], password):
                return jsonify(error="wrong password"), 401
        log_item("login", patient)
        if cfg.SESSION_PROFILE:
            session["uid"] = patient["patient_id"]
            session["role"] = patient["role"]
        return jsonify(token=issue_token(patient), patient_id=patient["patient_id"])

    @app.get("/api/me")
    @login_required()
    def me():
        item = get(patients, {"patient_id": g.user["sub"]}, PROFILE + ["phone"])
        if item is None:
            return not_found()
        if cfg.SESSION_PROFILE:
            # Mistake: personal data cached client-side in the session cookie.
            session["uid"] = item["patient_id"]
            session["role"] = item["role"]
            session["profile"] = {k: item[k] for k in ("name", "email", "phone", "dob", "ssn") if k in item}
        links = resource_links(item["patient_id"])
        if cfg.PII_IN_QUERY:
            links["statement"] = f"/api/statements?email={item['email']}&dob={item['dob']}"
        else:
            links["statement"] = "/api/statements"
        body = item if not cfg.PROJECT_FIELDS else public_profile(item)
        return jsonify(dict(body, links=links))

    @app.get("/api/patients/<patient_id>")
    @login_required()
    def patient(patient_id):
        if cfg.ENFORCE_OWNERSHIP and patient_id != g.user["sub"]:
            return not_found()  # 404, not 403: no hint that the id exists
        item = get(patients, {"patient_id": patient_id}, PROFILE + ["phone"])
        if item is None:
            return not_found()
        log_item("patient fetched", item)
        body = item if not cfg.PROJECT_FIELDS else public_profile(item)
        return jsonify(dict(body, links=resource_links(patient_id)))

    if cfg.LEGACY_ROUTES:
        # The first version of the API, deprecated in the spec, still routed.
        app.add_url_rule("/api/v1/patients/<patient_id>", "legacy_patient", patient)

    EDITABLE = ("phone", "address")

    @app.patch("/api/patients/<patient_id>")
    @login_required()
    def update_patient(patient_id):
        if cfg.ENFORCE_OWNERSHIP and patient_id != g.user["sub"]:
            return not_found()
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not body:
            return jsonify(error="a JSON object of fields is required"), 400
        if cfg.ENFORCE_OWNERSHIP:
            # Remedy: an allow-list of editable fields.
            unknown = sorted(set(body) - set(EDITABLE))
            if unknown:
                return jsonify(error="fields cannot be changed: " + ", ".join(unknown)), 400
        else:
            # Mistakes: anyone's record, and any attribute (role included).
            body.pop("patient_id", None)
        names = {f"#f{i}": k for i, k in enumerate(body)}
        values = {f":v{i}": v for i, v in enumerate(body.values())}
        item = patients.update_item(
            Key={"patient_id": patient_id},
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(body))),
            ConditionExpression="attribute_exists(patient_id)",
            ExpressionAttributeNames=names, ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW")["Attributes"]
        body = item if not cfg.PROJECT_FIELDS else public_profile(item)
        return jsonify(body)

    RX = ["rx_id", "patient_id", "drug", "dosage", "prescriber", "refills"]

    @app.get("/api/patients/<patient_id>/prescriptions")
    @login_required()
    def prescription_list(patient_id):
        if cfg.ENFORCE_OWNERSHIP and patient_id != g.user["sub"]:
            return not_found()
        items = prescriptions.query(KeyConditionExpression=Key("patient_id").eq(patient_id))["Items"]
        if cfg.PROJECT_FIELDS:
            items = [project(i, RX) for i in items]
        for i in items:
            i["href"] = f"/api/patients/{patient_id}/prescriptions/{i['rx_id']}"
        return jsonify(prescriptions=items)

    @app.get("/api/patients/<patient_id>/prescriptions/<rx_id>")
    @login_required()
    def prescription(patient_id, rx_id):
        if cfg.ENFORCE_OWNERSHIP:
            if patient_id != g.user["sub"]:
                return not_found()
            if as_int(rx_id) is None:
                return not_found()
        # Mistake (vulnerable): the path's patient id is trusted, and a
        # non-numeric rx id raises decimal.InvalidOperation into the debugger.
        item = get(prescriptions, {"patient_id": patient_id, "rx_id": Decimal(rx_id)}, RX)
        if item is None:
            return not_found()
        log_item("prescription fetched", item)
        return jsonify(item)

    APPT = ["appointment_id", "patient_id", "doctor_id", "doctor_name", "starts_at", "reason"]

    @app.get("/api/appointments/mine")
    @login_required()
    def my_appointments():
        items = by_patient(appointments, g.user["sub"])
        if cfg.PROJECT_FIELDS:
            items = [project(i, APPT) for i in items]
        for i in items:
            i["href"] = f"/api/appointments/{i['appointment_id']}"
            i["doctor_schedule"] = f"/api/schedule?doctor_id={i['doctor_id']}"
        return jsonify(appointments=sorted(items, key=lambda i: i["appointment_id"]))

    @app.get("/api/appointments/<appointment_id>")
    @login_required()
    def appointment(appointment_id):
        if cfg.ENFORCE_OWNERSHIP and as_int(appointment_id) is None:
            return not_found()
        # Vulnerable: Decimal("abc") raises and the Werkzeug debugger answers.
        item = get(appointments, {"appointment_id": Decimal(appointment_id)}, APPT)
        if item is None or not owns(item):
            return not_found()
        log_item("appointment fetched", item)
        return jsonify(item)

    INVOICE = ["invoice_id", "patient_id", "amount", "currency", "issued_at", "status", "card_brand"]

    def public_invoice(item):
        out = project(item, INVOICE)
        out["card_last4"] = item.get("card_last4")
        return out

    @app.get("/api/billing/invoices/mine")
    @login_required()
    def my_invoices():
        items = by_patient(invoices, g.user["sub"])
        if cfg.PROJECT_FIELDS:
            items = [project(i, INVOICE) for i in items]
        for i in items:
            i["href"] = f"/api/billing/invoice?id={i['invoice_id']}"
        return jsonify(invoices=sorted(items, key=lambda i: i["invoice_id"]))

    @app.get("/api/billing/invoice")
    @login_required()
    def invoice():
        raw = request.args["id"]
        if cfg.ENFORCE_OWNERSHIP:
            if as_int(raw) is None:
                return not_found()
            key = {"invoice_id": int(raw)}
        else:
            # Mistake: the query value goes to DynamoDB as it is; "abc" is a
            # string for a number key, and the ValidationException is echoed.
            key = {"invoice_id": Decimal(raw) if raw.isdigit() else raw}
        item = get(invoices, key, INVOICE + ["card_number", "card_last4"])
        if item is None or not owns(item):
            return not_found()
        log_item("invoice fetched", item)
        if cfg.PROJECT_FIELDS:
            if "card_number" in item:
                item["card_last4"] = item.pop("card_number")[-4:]
            item = public_invoice(item)
        return jsonify(item)

    LAB = ["result_id", "patient_id", "test", "value", "collected_at"]

    @app.get("/api/lab-results/mine")
    @login_required()
    def my_lab_results():
        items = by_patient(lab_results, g.user["sub"])
        items = [{"result_id": i["result_id"], "test": i["test"],
                  "href": f"/api/lab-results/{i['result_id']}"} for i in items]
        return jsonify(lab_results=sorted(items, key=lambda i: i["result_id"]))

    @app.get("/api/lab-results/<int:result_id>")
    @maybe_login
    def lab_result(result_id):
        item = get(lab_results, {"result_id": result_id}, LAB)
        if item is None or not owns(item):
            return not_found()
        return jsonify(item)

    @app.get("/api/schedule")
    @login_required()
    def schedule():
        doctor_id = request.args.get("doctor_id", "d_01")
        if cfg.PROJECT_FIELDS:
            items = appointments.scan(
                FilterExpression="doctor_id = :d", ExpressionAttributeValues={":d": doctor_id},
                ProjectionExpression="starts_at, doctor_id")["Items"]
            return jsonify(doctor_id=doctor_id, busy=sorted(i["starts_at"] for i in items))
        # Mistake: the low-level client's answer (typed attribute values,
        # Count, ScannedCount, ResponseMetadata) is returned as it is.
        return jsonify(client.scan(TableName=db.APPOINTMENTS, FilterExpression="doctor_id = :d",
                                   ExpressionAttributeValues={":d": {"S": doctor_id}}))

    @app.get("/api/statements")
    @login_required()
    def statement():
        if cfg.PII_IN_QUERY:
            # Mistake: the account is picked by e-mail and birth date from the URL.
            email, dob = request.args.get("email", ""), request.args.get("dob", "")
            found = patients.query(IndexName="email-index", KeyConditionExpression=Key("email").eq(email))["Items"]
            patient = found[0] if found and found[0]["dob"] == dob else None
            if patient is None:
                return not_found()
        else:
            patient = {"patient_id": g.user["sub"]}
        items = by_patient(invoices, patient["patient_id"])
        due = sum((i["amount"] for i in items if i["status"] == "due"), Decimal(0))
        body = {"patient_id": patient["patient_id"], "balance_due": due, "currency": "USD",
                "invoices": sorted(int(i["invoice_id"]) for i in items)}
        if not cfg.PROJECT_FIELDS:
            # Mistake: the statement repeats the patient's identity, SSN
            # included, as the paper statements once did.
            body.update(name=patient["name"], email=patient["email"], address=patient["address"], ssn=patient.get("ssn"))
        return jsonify(body)

    if cfg.PII_IN_QUERY:
        @app.get("/api/register/check-email")
        def check_email():
            # Mistake: tells anyone whether an address has an account, and the
            # address travels in the URL.
            email = request.args.get("email", "")
            found = patients.query(IndexName="email-index", KeyConditionExpression=Key("email").eq(email))["Items"]
            if found:
                return jsonify(email=email, registered=True, message="This e-mail address is already registered.")
            return jsonify(email=email, registered=False), 404
    else:
        @app.post("/api/register/check-email")
        def check_email():
            return jsonify(message="If this address can register, a confirmation link will be sent."), 202

    @app.get("/api/admin")
    @login_required(admin=True)
    def admin_index():
        return jsonify(links={"patients": "/api/admin/patients"})

    @app.get("/api/admin/patients")
    @login_required(admin=True)
    def admin_patients():
        if cfg.PROJECT_FIELDS:
            items = patients.scan(ProjectionExpression="patient_id, email, #r, created_at",
                                  ExpressionAttributeNames={"#r": "role"})["Items"]
            return jsonify(patients=[{"patient_id": i["patient_id"], "role": i["role"],
                                      "email": mask_email(i["email"]), "created_at": i["created_at"]}
                                     for i in sorted(items, key=lambda i: i["patient_id"])])
        # Mistakes: no role check (any patient may call it) and the raw scan()
        # answer, with every attribute of every patient, goes to the client.
        return jsonify(patients.scan())

    if cfg.DEBUG_ENDPOINTS:
        @app.get("/api/debug")
        def debug_index():
            return jsonify(links={"config": "/api/debug/config"})

        @app.get("/api/debug/config")
        def debug_config():
            keys = ("MODE", "DEBUG", "SECRET_KEY", "JWT_SECRET", "SESSION_COOKIE_NAME")
            env = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "CLINIC_"))}
            return jsonify(config={k: app.config.get(k) for k in keys}, environment=env,
                           tables=[db.PATIENTS, db.APPOINTMENTS, db.INVOICES, db.PRESCRIPTIONS, db.LAB_RESULTS],
                           python=sys.version)

    # ---- errors, CORS and headers -----------------------------------------

    if cfg.ECHO_ERRORS:
        @app.errorhandler(ClientError)
        @app.errorhandler(BotoCoreError)
        def datastore_error(e):
            # Mistake: the botocore message and the traceback go to the client.
            return jsonify(error=str(e), type=type(e).__name__, trace=traceback.format_exc()), 500
    else:
        @app.errorhandler(Exception)
        def any_error(e):
            if isinstance(e, HTTPException):
                return jsonify(error=e.name.lower()), e.code
            error_id = uuid.uuid4().hex
            log.exception("error %s on %s %s", error_id, request.method, request.path)
            return jsonify(error="internal error", error_id=error_id), 500

    @app.after_request
    def headers(response):
        origin = request.headers.get("Origin")
        if origin and (cfg.CORS_REFLECT_ANY_ORIGIN or origin in cfg.CORS_ALLOWED_ORIGINS):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if cfg.HARDEN_HEADERS:
            response.headers["Vary"] = "Origin"
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response

    return app


class QuietRequestHandler(WSGIRequestHandler):
    """Sends a Server header without product versions (fixed mode)."""

    def version_string(self):
        return "clinic-api"


def main():
    cfg = config.from_env()
    app = create_app(cfg)
    host = os.environ.get("CLINIC_HOST", "127.0.0.1")
    port = int(os.environ.get("CLINIC_PORT", "5000"))
    print(f"Riverside Clinic API ({cfg.MODE}) on http://{host}:{port}", file=sys.stderr, flush=True)
    if cfg.DEBUG:
        # Mistake: the Werkzeug debugger in a deployed service. The reloader
        # stays off so that one process answers and one PID stops it.
        app.run(host=host, port=port, debug=True, use_reloader=False, threaded=True)
    else:
        app.run(host=host, port=port, debug=False, threaded=True, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
