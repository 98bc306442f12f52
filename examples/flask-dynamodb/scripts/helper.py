"""Small helpers for up.sh and the e2e suite, run with Debian's python3
(standard library only, plus the example's people.py for the demo logins and
boto3 for the table dumps)."""

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "app"))

# Demo logins: two patients and the clinic administrator.
IDENTITIES = [("alice", "u_1001"), ("bob", "u_1002"), ("admin", "u_1000")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def wait_http(url, timeout, pid=None):
    """Waits until url answers with any HTTP status (or 200 when the path is
    /healthz); fails early if the process pid has died."""
    deadline = time.monotonic() + float(timeout)
    want_ok = url.endswith("/healthz")
    while time.monotonic() < deadline:
        if pid and not os.path.exists(f"/proc/{pid}"):
            sys.exit(f"process {pid} exited before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200 or not want_ok:
                    return
        except urllib.error.HTTPError:
            if not want_ok:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"{url} did not answer within {timeout}s")


def tokens(base):
    """Logs in as each demo identity and prints NAME=Authorization: Bearer T."""
    import people

    by_id = {p["patient_id"]: p for p in people.people()}
    for name, pid in IDENTITIES:
        p = by_id[pid]
        body = json.dumps({"email": p["email"], "password": p["password"]}).encode()
        req = urllib.request.Request(base + "/api/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            token = json.load(r)["token"]
        print(f"{name}=Authorization: Bearer {token}")


def dump_tables(endpoint):
    """Prints every DynamoDB table at endpoint, every item, as canonical
    JSON (tables and items sorted), so two dumps compare byte for byte.
    Uses boto3 (Debian's python3-boto3), like the app."""
    import boto3

    client = boto3.session.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1",
    ).client("dynamodb", endpoint_url=endpoint)
    names = []
    for page in client.get_paginator("list_tables").paginate():
        names.extend(page["TableNames"])
    out = {}
    for name in sorted(names):
        items = []
        for page in client.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
            items.extend(page["Items"])
        out[name] = sorted(json.dumps(i, sort_keys=True) for i in items)
    json.dump(out, sys.stdout, sort_keys=True, indent=1)
    print()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"free-port": free_port, "wait-http": wait_http, "tokens": tokens, "dump-tables": dump_tables}[cmd](*args)
