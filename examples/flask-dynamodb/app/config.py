"""Settings of the Riverside Clinic API, one class per mode.

LEAKHOUND_EXAMPLE_MODE=vulnerable (the default) reproduces the mistakes that
leakhound looks for; LEAKHOUND_EXAMPLE_MODE=fixed applies the remedies.
"""

import os
import secrets


class Vulnerable:
    MODE = "vulnerable"
    DEBUG = True
    # Hard-coded, guessable secrets: anyone can forge sessions and tokens.
    SECRET_KEY = "changeme"
    JWT_SECRET = "secret"
    JWT_LIFETIME_SECONDS = None  # tokens never expire
    JWT_ACCEPT_NONE = True       # "legacy service tokens"
    JWT_PII_CLAIMS = True
    SESSION_PROFILE = True       # the profile is cached in the session cookie
    STATIC_FROM_ROOT = True      # static_folder=".", static_url_path=""
    ECHO_ERRORS = True
    CORS_REFLECT_ANY_ORIGIN = True
    CORS_ALLOWED_ORIGINS = ()
    HARDEN_HEADERS = False
    ENFORCE_OWNERSHIP = False
    ENFORCE_ROLES = False
    REQUIRE_LOGIN_EVERYWHERE = False
    PROJECT_FIELDS = False
    FULL_SPEC = False
    LOG_ITEMS = True
    UNIFORM_LOGIN_ERRORS = False
    PII_IN_QUERY = True
    DEBUG_ENDPOINTS = True
    LEGACY_ROUTES = True


class Fixed:
    MODE = "fixed"
    DEBUG = False
    SECRET_KEY = os.environ.get("CLINIC_SECRET_KEY") or secrets.token_hex(32)
    JWT_SECRET = os.environ.get("CLINIC_JWT_SECRET") or secrets.token_hex(32)
    JWT_LIFETIME_SECONDS = 3600
    JWT_ACCEPT_NONE = False
    JWT_PII_CLAIMS = False
    SESSION_PROFILE = False
    STATIC_FROM_ROOT = False
    ECHO_ERRORS = False
    CORS_REFLECT_ANY_ORIGIN = False
    CORS_ALLOWED_ORIGINS = ("https://portal.riverside-clinic.example",)
    HARDEN_HEADERS = True
    ENFORCE_OWNERSHIP = True
    ENFORCE_ROLES = True
    REQUIRE_LOGIN_EVERYWHERE = True
    PROJECT_FIELDS = True
    FULL_SPEC = True
    LOG_ITEMS = False
    UNIFORM_LOGIN_ERRORS = True
    PII_IN_QUERY = False
    DEBUG_ENDPOINTS = False
    LEGACY_ROUTES = False
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Strict"


def from_env():
    mode = os.environ.get("LEAKHOUND_EXAMPLE_MODE", "vulnerable").strip().lower()
    if mode == "vulnerable":
        return Vulnerable
    if mode == "fixed":
        return Fixed
    raise SystemExit(f"LEAKHOUND_EXAMPLE_MODE must be vulnerable or fixed, not {mode!r}")
