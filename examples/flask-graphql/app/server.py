"""Pastebox - a small paste service with a GraphQL API (Flask + graphene 2).

The /graphql view parses the request itself and calls schema.execute().
Run: server.py --port 0 --port-file FILE   (APP_MODE=vulnerable|fixed, JWT_SECRET, FLASK_SECRET_KEY)
"""
import argparse
import json
import os
import re
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from flask import Flask, Response, jsonify, request  # noqa: E402
from graphql import parse  # noqa: E402
from graphql.error import GraphQLError, GraphQLSyntaxError, format_error  # noqa: E402
from graphql.language.ast import OperationDefinition  # noqa: E402
from graphql.language.visitor import Visitor, visit  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import auth  # noqa: E402
import store  # noqa: E402
from schema import schema  # noqa: E402

MODE = os.environ.get("APP_MODE", "vulnerable")
FIXED = MODE == "fixed"
MAX_BATCH = 5
ALLOWED_ORIGINS = {o.strip() for o in os.environ.get("ALLOWED_ORIGINS", "https://pastebox.example.com").split(",")}

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("FLASK_SECRET_KEY", "dev"),
    JWT_SECRET=auth.JWT_SECRET,
    DATABASE_URL=os.environ.get("DATABASE_URL", ""),
    SENTRY_DSN=os.environ.get("SENTRY_DSN", ""),
    APP_MODE=MODE,
)


class _FieldCollector(Visitor):
    def __init__(self):
        self.fields = []

    def enter_Field(self, node, *args):
        self.fields.append(node.name.value)


def _clean_paths(text):
    # paths as they are in the container image
    text = text.replace(HERE, "/srv/pastebox/app")
    for mod in (sys.modules["graphql"], sys.modules["graphene"], sys.modules["flask"]):
        text = text.replace(os.path.dirname(os.path.dirname(mod.__file__)), "/usr/local/lib/python3.11/site-packages")
    return text


def _format_error(error):
    original = getattr(error, "original_error", None)
    if FIXED:
        if original is not None and not isinstance(original, GraphQLError):
            app.logger.error("resolver error: %r", original)
            out = {"message": "Internal server error"}
        else:
            out = format_error(error)
            # no "Did you mean ...?" hints about the schema
            out["message"] = re.sub(r"\s*Did you mean .*\?$", "", out["message"])
        return out
    out = format_error(error)
    if original is not None and not isinstance(original, GraphQLError):
        out["extensions"] = {
            "code": "INTERNAL_SERVER_ERROR",
            "exception": {
                "type": type(original).__name__,
                "stacktrace": _clean_paths("".join(traceback.format_exception(
                    type(original), original, original.__traceback__))).splitlines(),
            },
        }
    return out


def _error(status, message):
    return status, {"errors": [{"message": message}]}


def execute_one(params, limiter):
    """Returns (http_status, payload) for one operation."""
    if not isinstance(params, dict):
        return _error(400, "Operation must be a JSON object.")
    query = params.get("query")
    if not query or not isinstance(query, str):
        return _error(400, "Must provide query string.")
    variables = params.get("variables")
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) if variables else None
        except ValueError:
            return _error(400, "Variables are invalid JSON.")
    if variables is not None and not isinstance(variables, dict):
        return _error(400, "Variables must be an object.")
    operation_name = params.get("operationName")

    try:
        document = parse(query)
    except GraphQLSyntaxError as e:
        return 400, {"errors": [format_error(e)]}

    operations = [d for d in document.definitions if isinstance(d, OperationDefinition)]
    if operation_name:
        operations = [d for d in operations if d.name and d.name.value == operation_name] or operations
    if request.method == "GET" and any(d.operation != "query" for d in operations):
        return 405, {"errors": [{"message": "Can only perform a %s operation from a POST request."
                                 % operations[0].operation}]}

    if FIXED:
        collector = _FieldCollector()
        visit(document, collector)
        if any(name in ("__schema", "__type") for name in collector.fields):
            return _error(400, "GraphQL introspection is not allowed.")
        if collector.fields.count("login") > 1:
            return _error(400, "Only one login per request.")
        if len(collector.fields) > 200:
            return _error(400, "Query is too large.")

    context = {"user": auth.user_from_header(request.headers.get("Authorization")),
               "ip": request.remote_addr, "user_agent": request.headers.get("User-Agent", ""),
               "login_limiter": limiter}
    result = schema.execute(query, context_value=context, variable_values=variables,
                            operation_name=operation_name)
    errors = result.errors or []
    if any(isinstance(getattr(e, "original_error", None), auth.TooManyAttempts) for e in errors):
        return 429, {"errors": [{"message": "Too many failed login attempts, try again later."}]}
    payload = {}
    if errors:
        payload["errors"] = [_format_error(e) for e in errors]
    if not result.invalid:
        payload["data"] = result.data
    return (400 if result.invalid else 200), payload


def _json(status, payload):
    resp = Response(json.dumps(payload), status=status, mimetype="application/json")
    if status == 429:
        resp.headers["Retry-After"] = str(auth.LoginLimiter.WINDOW)
    return resp


@app.route("/graphql", methods=["GET", "POST"])
def graphql_view():
    limiter = auth.LoginLimiter(request.remote_addr)
    if request.method == "GET":
        return _json(*execute_one(request.args.to_dict(), limiter))

    if request.mimetype == "application/graphql":
        return _json(*execute_one({"query": request.get_data(as_text=True)}, limiter))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _json(*execute_one(request.form.to_dict(), limiter))
    try:
        data = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return _json(*_error(400, "POST body sent invalid JSON."))
    if isinstance(data, list):
        if not data:
            return _json(*_error(400, "Received an empty list in the batch request."))
        if FIXED and len(data) > MAX_BATCH:
            return _json(*_error(400, "Batch requests are limited to %d operations." % MAX_BATCH))
        results = [execute_one(p, limiter) for p in data]
        if any(status == 429 for status, _ in results):
            return _json(429, [payload for _, payload in results])
        return _json(200, [payload for _, payload in results])
    if data is None:
        return _json(*_error(400, "Must provide query string."))
    return _json(*execute_one(data, limiter))


@app.after_request
def headers(resp):
    origin = request.headers.get("Origin")
    if origin and (not FIXED or origin in ALLOWED_ORIGINS):
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Allow-Credentials"] = "true"
        resp.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    if FIXED:
        resp.headers["Vary"] = "Origin"
        if request.path == "/graphql":
            resp.headers["Cache-Control"] = "no-store"
    return resp


@app.route("/health")
def health():
    return jsonify(status="ok")


if not FIXED:
    @app.route("/debug/config")
    def debug_config():
        # handy while setting up the staging box
        cfg = {k: v for k, v in app.config.items() if isinstance(v, (str, int, bool)) or v is None}
        env = {k: v for k, v in os.environ.items() if k.isupper()}
        return jsonify(config=cfg, environment=env, python=sys.version, users=len(store.USERS))


DOCS = """<!doctype html>
<html><head><title>Pastebox API</title></head>
<body>
<h1>Pastebox GraphQL API</h1>
<p>Endpoint: <code>POST /graphql</code> with <code>{"query": "...", "variables": {...}}</code>.
Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; get a token from the <code>login</code> mutation.</p>
<h2>Examples</h2>
<pre>mutation { login(username: "jane", password: "hunter2hunter2") { token } }</pre>
<pre>query { me { username email card } }</pre>
<p>Example answer:</p>
<pre>{"data": {"me": {"username": "jane", "email": "jane.doe@example.com", "card": "****4242"}}}</pre>
<pre>query { paste(id: "42") { title content ipAddr createdAt } }</pre>
<pre>{"data": {"paste": {"title": "hello", "content": "print('hi')", "ipAddr": "203.0.113.7",
  "createdAt": "2024-05-01T10:00:00Z"}}}</pre>
<pre>query { staff { displayName role contactEmail } }</pre>
<p>Public pastes: <code>query { pastes(limit: 10) { id title content } }</code>. Plans: <code>query { plans { code priceUsd } }</code>.</p>
<p>Questions: support@example.com</p>
</body></html>
"""


@app.route("/")
@app.route("/docs")
def docs():
    return Response(DOCS, mimetype="text/html")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    store.seed()
    server = make_server(args.host, args.port, app, threaded=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print("Pastebox (%s) on http://%s:%d" % (MODE, args.host, server.server_port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
