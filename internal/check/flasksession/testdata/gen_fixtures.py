#!/usr/bin/env python3
"""Regenerate the real-Flask and real-PyJWT fixtures of the weak-key tests.

Run with a Python that has Debian's python3-flask and python3-jwt:

    python3 internal/check/flasksession/testdata/gen_fixtures.py

It writes flask_cookies.json here and ../../jwtweakness/testdata/pyjwt_tokens.json.
Every value is invented; the secrets are deliberately weak (or, for the
controls, random and strong).
"""
import json
import os
import time

import flask
import jwt

HERE = os.path.dirname(os.path.abspath(__file__))


def flask_cookie(secret, session):
    app = flask.Flask("fixture")
    app.secret_key = secret
    with app.test_request_context("/"):
        serializer = app.session_interface.get_signing_serializer(app)
        return serializer.dumps(dict(session))


def main():
    profile = {"user_id": 1001, "email": "alice.moreau@proton.me", "role": "patient"}
    big = dict(profile, notes="x" * 400, phone="+1 415-555-0132")
    strong = "k3Jr9mVq7wX2zL5tN8pB4cF6hD1sG0aYuEiOwQeRtZ"
    cookies = {
        "flask_version": flask.__version__ if hasattr(flask, "__version__") else "unknown",
        "cases": [
            {"name": "weak key, plain payload", "secret": "development key", "cookie": flask_cookie("development key", profile), "weak": True},
            {"name": "weak key, zlib payload", "secret": "changeme", "cookie": flask_cookie("changeme", big), "weak": True},
            {"name": "strong key, id only", "secret": strong, "cookie": flask_cookie(strong, {"_id": "7f1c"}), "weak": False},
        ],
    }
    with open(os.path.join(HERE, "flask_cookies.json"), "w") as f:
        json.dump(cookies, f, indent=2)
        f.write("\n")

    now = int(time.time())
    tokens = {
        "pyjwt_version": jwt.__version__,
        "cases": [
            {"name": "weak HS256 secret, PII claims, no exp", "secret": "your-256-bit-secret", "weak": True,
             "token": jwt.encode({"sub": "1001", "email": "alice.moreau@proton.me", "ssn": "412-67-3385", "role": "patient", "iat": now}, "your-256-bit-secret", algorithm="HS256")},
            {"name": "strong HS256 secret, short lifetime", "secret": strong, "weak": False,
             "token": jwt.encode({"sub": "1001", "iat": now, "exp": now + 900}, strong, algorithm="HS256")},
        ],
    }
    with open(os.path.join(HERE, "..", "..", "jwtweakness", "testdata", "pyjwt_tokens.json"), "w") as f:
        json.dump(tokens, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
