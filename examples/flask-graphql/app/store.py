"""In-memory storage for Pastebox (users, pastes, subscription plans).

Everything here is invented demo data: emails are @example.com, IP addresses
come from the documentation ranges, card numbers are Luhn-valid test numbers.
"""
import datetime
import hashlib
import hmac
import itertools
import secrets
import threading

_lock = threading.RLock()


def hash_password(password, salt=None, iterations=50000):
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt, digest)


def check_password(password, stored):
    try:
        _, iterations, salt, _ = stored.split("$")
    except (AttributeError, ValueError):
        return False
    return hmac.compare_digest(hash_password(password, salt, int(iterations)), stored)


def now_iso():
    return datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z"


DEMO_PASSWORDS = {
    "admin": "Pastebox-Admin-8842",
    "alice": "alice-Sunflower-31",
    "bob": "bob-Lighthouse-77",
    "carol": "carol-Marble-2020",
    "dave": "dave-Compass-905",
}

USERS = {}
PASTES = {}
_user_ids = itertools.count(1)
_paste_ids = itertools.count(1)

PLANS = [
    {"code": "free", "name": "Free", "price_usd": 0, "max_private_pastes": 10},
    {"code": "pro", "name": "Pro", "price_usd": 4, "max_private_pastes": 1000},
    {"code": "team", "name": "Team", "price_usd": 12, "max_private_pastes": 10000},
]

STAFF = [
    {"display_name": "Carol Jensen", "role": "Community moderator", "contact_email": "carol.support@example.com",
     "timezone": "Europe/Copenhagen"},
    {"display_name": "Samir Haddad", "role": "Trust & Safety lead", "contact_email": "abuse@example.com",
     "timezone": "America/New_York"},
    {"display_name": "Pastebox Support", "role": "Support desk", "contact_email": "support@example.com",
     "timezone": "UTC"},
]


def add_user(username, password, email, role="user", **extra):
    with _lock:
        uid = next(_user_ids)
        user = {
            "id": uid, "username": username, "email": email, "role": role,
            "password_hash": hash_password(password), "bio": extra.pop("bio", ""),
            "phone": extra.pop("phone", None), "last_login_ip": extra.pop("last_login_ip", None),
            "api_key": "pbx_" + secrets.token_hex(16), "card_number": extra.pop("card_number", None),
            "plan": extra.pop("plan", "free"), "created_at": now_iso(), "disabled": False,
        }
        user.update(extra)
        USERS[uid] = user
        return user


def add_paste(owner, title, content, public, ip_addr, user_agent):
    with _lock:
        pid = next(_paste_ids)
        paste = {"id": pid, "owner_id": owner["id"], "title": title, "content": content, "public": public,
                 "ip_addr": ip_addr, "user_agent": user_agent, "created_at": now_iso(), "updated_at": None}
        PASTES[pid] = paste
        return paste


def user_by_name(username):
    for u in USERS.values():
        if u["username"] == username:
            return u
    return None


def seed():
    admin = add_user("admin", DEMO_PASSWORDS["admin"], "ops-admin@example.com", role="admin",
                     phone="+1 555 0100", last_login_ip="198.51.100.10", bio="Site operations",
                     card_number="378282246310005", plan="team")
    alice = add_user("alice", DEMO_PASSWORDS["alice"], "alice.w@example.com", phone="+1 555 0142",
                     last_login_ip="203.0.113.42", bio="DevOps, mostly YAML", card_number="4242424242424242",
                     plan="pro")
    bob = add_user("bob", DEMO_PASSWORDS["bob"], "bob.k@example.com", phone="+44 7700 900123",
                   last_login_ip="198.51.100.77", bio="Data person", card_number="5555555555554444", plan="pro")
    carol = add_user("carol", DEMO_PASSWORDS["carol"], "carol.j@example.com", role="moderator",
                     phone="+45 20 00 00 01", last_login_ip="192.0.2.15", bio="Moderator")
    dave = add_user("dave", DEMO_PASSWORDS["dave"], "dave.m@example.com", phone="+1 555 0199",
                    last_login_ip="192.0.2.200", bio="")
    ff = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15"
    add_paste(alice, "nginx reverse proxy", "location /api/ {\n  proxy_pass http://127.0.0.1:8080;\n}\n",
              True, "203.0.113.42", ff)
    add_paste(alice, "bank + tax notes", "Online banking user: alice_w88\nTax id: 987-22-4410\nPIN hint: cat birthday",
              False, "203.0.113.42", ff)
    add_paste(bob, "clinic appointment", "Cardiology follow-up 12 Dec, 09:40. Bring MRI results.",
              False, "198.51.100.77", mac)
    add_paste(bob, "pandas one-liner", "df.groupby('k').agg({'v': 'sum'}).reset_index()", True,
              "198.51.100.77", mac)
    add_paste(carol, "moderation checklist", "1. Check reports\n2. Remove spam\n3. Escalate doxxing", True,
              "192.0.2.15", ff)
    add_paste(admin, "db failover runbook", "Promote replica, rotate the app credentials, update DNS.", False,
              "198.51.100.10", ff)
    add_paste(dave, "shopping list", "eggs, coffee, batteries", False, "192.0.2.200", mac)
