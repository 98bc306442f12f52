"""Session tokens (JWT, Authorization: Bearer) and the login throttle."""
import os
import threading
import time

import jwt

import store

FIXED = os.environ.get("APP_MODE", "vulnerable") == "fixed"
JWT_SECRET = os.environ.get("JWT_SECRET", "password")
TOKEN_TTL = int(os.environ.get("TOKEN_TTL_SECONDS", "28800"))


def issue_token(user, ip):
    now = int(time.time())
    claims = {"sub": str(user["id"]), "role": user["role"], "iat": now, "exp": now + TOKEN_TTL}
    if not FIXED:
        # the web client renders the account menu straight from the token
        claims.update({"username": user["username"], "email": user["email"], "login_ip": ip})
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def user_from_header(value):
    """Authorization header -> user record, or None for anonymous / invalid tokens."""
    if not value or not value.startswith("Bearer "):
        return None
    token = value[len("Bearer "):].strip()
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"],
                            options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    try:
        user = store.USERS.get(int(claims["sub"]))
    except (TypeError, ValueError):
        return None
    if user is None or user["disabled"]:
        return None
    return user


class TooManyAttempts(Exception):
    pass


class LoginLimiter:
    """Failed logins per (client IP, username): 5 within 5 minutes, then 429.

    The original version counts an HTTP request once, however many login
    attempts it carries; the hardened one counts every attempt."""

    MAX_FAILURES = 5
    WINDOW = 300
    _failures = {}
    _lock = threading.Lock()

    def __init__(self, ip):
        self.ip = ip
        self.counted = set()

    def _recent(self, key, now):
        recent = [t for t in self._failures.get(key, []) if now - t < self.WINDOW]
        self._failures[key] = recent
        return recent

    def before_attempt(self, username):
        key = (self.ip, username.lower())
        with self._lock:
            if len(self._recent(key, time.time())) >= self.MAX_FAILURES:
                raise TooManyAttempts()

    def failed(self, username):
        key = (self.ip, username.lower())
        if not FIXED:
            if key in self.counted:
                return
            self.counted.add(key)
        with self._lock:
            self._recent(key, time.time()).append(time.time())
