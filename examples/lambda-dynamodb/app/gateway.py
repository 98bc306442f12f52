"""Local stand-in for API Gateway (REST API, Lambda proxy integration).

Serves  http://127.0.0.1:PORT/<stage>/...  and for every request builds the
proxy-integration event documented by AWS, calls handler.handler(event, context)
in-process and turns the returned {statusCode, headers, body} into the reply.

Behaves like API Gateway where it matters for clients:
  * a path without the stage prefix                   -> 403 {"message":"Forbidden"}
  * no resource/method configured for the request     -> 403 {"message":"Missing Authentication Token"}
  * the function raises or returns something invalid  -> 502 {"message":"Internal server error"}

Usage: gateway.py --port 0 --stage prod --port-file FILE [--openapi openapi.json]
(GET /<stage>/openapi.json is answered by a mock integration with that file.)
"""
import argparse
import base64
import datetime
import json
import os
import re
import sys
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handler as lambda_function  # noqa: E402

# Resources and methods deployed on the stage (what the console's "Resources" tree shows).
RESOURCES = {
    "/health": ["GET"],
    "/directory": ["GET"],
    "/benefits": ["GET"],
    "/register": ["POST"],
    "/login": ["POST"],
    "/password/reset": ["POST"],
    "/me": ["GET"],
    "/profile": ["PUT"],
    "/profile/get": ["POST"],
    "/search": ["POST"],
    "/ban-user": ["POST"],
    "/admin/users": ["GET"],
    "/notes/list": ["POST"],
    "/notes/create": ["POST"],
    "/notes/{noteId}": ["GET", "PUT"],
    "/payslips": ["GET"],
}
if os.environ.get("APP_MODE", "vulnerable") != "fixed":
    RESOURCES["/debug/env"] = ["GET"]

# Every resource also has OPTIONS proxied to the function for CORS preflight.
for _methods in RESOURCES.values():
    _methods.append("OPTIONS")

API_ID = os.environ.get("API_ID", "k3x9t2abcd")
ACCOUNT_ID = "123456789012"


def _compile(template):
    parts = []
    for seg in template.strip("/").split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            parts.append("(?P<%s>[^/]+)" % seg[1:-1])
        else:
            parts.append(re.escape(seg))
    return re.compile("^/" + "/".join(parts) + "$")


# literal resources win over ones with path parameters, like API Gateway
_MATCHERS = sorted(((t, _compile(t)) for t in RESOURCES), key=lambda x: x[0].count("{"))


def match_resource(path):
    for template, rx in _MATCHERS:
        m = rx.match(path)
        if m:
            return template, {k: unquote(v) for k, v in m.groupdict().items()} or None
    return None, None


class LambdaContext:
    def __init__(self, request_id):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "teamhub-records")
        self.function_version = "$LATEST"
        self.invoked_function_arn = "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT_ID, self.function_name)
        self.memory_limit_in_mb = 256
        self.aws_request_id = request_id
        self.log_group_name = "/aws/lambda/" + self.function_name
        self.log_stream_name = datetime.date.today().strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex
        self._deadline = time.time() + 29

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


class Gateway(BaseHTTPRequestHandler):
    server_version = "Server"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    stage = "prod"
    openapi_file = None

    def log_message(self, fmt, *args):
        sys.stderr.write("%s - %s\n" % (self.log_date_time_string(), fmt % args))

    def _send(self, status, body, headers=None, request_id=None):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.log_request(status)
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, str(v))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", request_id or str(uuid.uuid4()))
        self.send_header("x-amz-apigw-id", base64.b32encode(os.urandom(10)).decode()[:16])
        self.send_header("X-Amzn-Trace-Id", "Root=1-%08x-%s" % (int(time.time()), uuid.uuid4().hex[:24]))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status, message, typ):
        self._send(status, json.dumps({"message": message}), {"x-amzn-ErrorType": typ})

    def _handle(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""

        prefix = "/" + self.stage
        if url.path != prefix and not url.path.startswith(prefix + "/"):
            return self._error(403, "Forbidden", "ForbiddenException")
        path = url.path[len(prefix):] or "/"
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        if path == "/openapi.json" and self.command in ("GET", "HEAD") and self.openapi_file:
            # mock integration returning the published API definition
            with open(self.openapi_file, "rb") as f:
                return self._send(200, f.read(), {"Cache-Control": "public, max-age=3600"})
        resource, path_params = match_resource(path)
        if resource is None or self.command not in RESOURCES[resource]:
            return self._error(403, "Missing Authentication Token", "MissingAuthenticationTokenException")

        headers, multi_headers = {}, {}
        for name, value in self.headers.items():  # original case, as sent
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        query, multi_query = {}, {}
        for k, v in parse_qsl(url.query, keep_blank_values=True):
            query[k] = v
            multi_query.setdefault(k, []).append(v)

        if raw_body:
            try:
                body, is_b64 = raw_body.decode("utf-8"), False
            except UnicodeDecodeError:
                body, is_b64 = base64.b64encode(raw_body).decode(), True
        else:
            body, is_b64 = None, False

        request_id = str(uuid.uuid4())
        now = datetime.datetime.utcnow()
        host = self.headers.get("Host", "")
        event = {
            "resource": resource,
            "path": path,
            "httpMethod": self.command,
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_params,
            "stageVariables": None,
            "requestContext": {
                "resourceId": uuid.uuid5(uuid.NAMESPACE_URL, resource).hex[:6],
                "resourcePath": resource,
                "httpMethod": self.command,
                "extendedRequestId": base64.b32encode(os.urandom(10)).decode()[:16],
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": prefix + path,
                "accountId": ACCOUNT_ID,
                "protocol": self.request_version,
                "stage": self.stage,
                "domainPrefix": host.split(":")[0].split(".")[0],
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "requestId": request_id,
                "identity": {
                    "cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None,
                    "caller": None, "accessKey": None, "cognitoAuthenticationType": None,
                    "cognitoAuthenticationProvider": None, "userArn": None, "user": None,
                    "sourceIp": self.client_address[0],
                    "userAgent": self.headers.get("User-Agent"),
                },
                "domainName": host,
                "apiId": API_ID,
            },
            "body": body,
            "isBase64Encoded": is_b64,
        }
        try:
            result = lambda_function.handler(event, LambdaContext(request_id))
            status = int(result["statusCode"])
            out_headers = dict(result.get("headers") or {})
            for k, vs in (result.get("multiValueHeaders") or {}).items():
                out_headers[k] = ", ".join(str(v) for v in vs)
            out_body = result.get("body") or ""
            if result.get("isBase64Encoded"):
                out_body = base64.b64decode(out_body)
        except Exception:  # noqa: BLE001 - the function crashed or answered garbage
            sys.stderr.write("Lambda execution failed:\n" + traceback.format_exc())
            return self._error(502, "Internal server error", "InternalServerErrorException")
        self._send(status, out_body, out_headers, request_id)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--stage", default="prod")
    ap.add_argument("--port-file")
    ap.add_argument("--openapi")
    args = ap.parse_args()
    Gateway.stage = args.stage
    Gateway.openapi_file = args.openapi
    httpd = ThreadingHTTPServer((args.host, args.port), Gateway)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    sys.stderr.write("API Gateway stand-in on http://%s:%d/%s\n" % (args.host, port, args.stage))
    sys.stderr.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
