"""Fake people for the Riverside Clinic example.

Everything here is generated from a fixed seed: names, e-mail addresses,
phone numbers, US social security numbers that pass the area/group/serial
rules, dates of birth, postal addresses and Luhn-valid card numbers that are
not well-known test numbers. None of it belongs to a real person.
"""

import random

FIRST = ["Alice", "Bob", "Carmen", "Dmitri", "Esther", "Farid", "Hiroshi",
         "Ines", "Jamal", "Katarina", "Liam", "Mei", "Nadia", "Oscar"]
LAST = ["Moreau", "Okafor", "Lindqvist", "Petrov", "Castillo", "Haddad",
        "Tanaka", "Ferreira", "Osei", "Novak", "Brennan", "Zhang", "Karimi", "Duarte"]
MAIL = ["proton.me", "gmail.com", "outlook.com", "fastmail.com", "yahoo.com"]
STREETS = ["Maple Avenue", "Cedar Lane", "Harbor Street", "Willow Drive", "Lakeview Road",
           "Juniper Court", "Orchard Way", "Granite Boulevard"]
# (city, state, zip prefix, area codes)
PLACES = [("Springfield", "IL", "627", ["217"]), ("Portland", "OR", "972", ["503", "971"]),
          ("Austin", "TX", "787", ["512", "737"]), ("Madison", "WI", "537", ["608"]),
          ("Burlington", "VT", "054", ["802"]), ("Tucson", "AZ", "857", ["520"])]

# Numbers published as samples or payment test cards: never generate them.
SAMPLE_SSNS = {"078-05-1120", "219-09-9999", "123-45-6789", "457-55-5462"}
TEST_CARDS = {"4242424242424242", "4111111111111111", "4000056655665556", "5555555555554444",
              "5105105105105100", "378282246310005", "371449635398431", "6011111111111117"}

PASSWORDS = {"u_1000": "admin-Riverside-2026", "u_1001": "alice-Tulip-77", "u_1002": "bob-Harbor-42"}


def luhn_complete(prefix, length, rnd):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(rnd.randrange(10))
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def card(rnd):
    while True:
        brand = rnd.choice(["visa", "mastercard", "amex"])
        if brand == "visa":
            n = luhn_complete("4", 16, rnd)
        elif brand == "mastercard":
            n = luhn_complete(str(rnd.randint(51, 55)), 16, rnd)
        else:
            n = luhn_complete(rnd.choice(["34", "37"]), 15, rnd)
        if n not in TEST_CARDS and len(set(n[1:])) > 3:
            return brand, n


def ssn(rnd):
    while True:
        area = rnd.randint(1, 899)
        if area == 666:
            continue
        value = f"{area:03d}-{rnd.randint(1, 99):02d}-{rnd.randint(1, 9999):04d}"
        if value not in SAMPLE_SSNS and len(set(value.replace("-", ""))) > 1:
            return value


def phone(rnd, area):
    exchange = rnd.randint(201, 989)
    while exchange in (555, 211, 311, 411, 511, 611, 711, 811, 911):
        exchange = rnd.randint(201, 989)
    return f"+1 {area}-{exchange}-{rnd.randint(0, 9999):04d}"


def people(count=11, seed=8):
    """Returns count people; the first is the clinic administrator (u_1000),
    the next two are the demo patients alice (u_1001) and bob (u_1002)."""
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        if i == 0:
            first, last = "Grace", "Whitfield"
        else:
            first, last = FIRST[(i - 1) % len(FIRST)], LAST[(i - 1) % len(LAST)]
        city, state, zip3, areas = PLACES[rnd.randrange(len(PLACES))]
        brand, number = card(rnd)
        pid = f"u_{1000 + i}"
        out.append({
            "patient_id": pid,
            "role": "admin" if i == 0 else "patient",
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@{MAIL[i % len(MAIL)]}",
            "phone": phone(rnd, rnd.choice(areas)),
            "ssn": ssn(rnd),
            "dob": f"{rnd.randint(1948, 2004)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "address": {
                "street": f"{rnd.randint(12, 9876)} {rnd.choice(STREETS)}",
                "city": city,
                "state": state,
                "zip": f"{zip3}{rnd.randint(0, 99):02d}",
            },
            "card": {"brand": brand, "number": number,
                     "exp": f"{rnd.randint(1, 12):02d}/{rnd.randint(27, 31)}"},
            "insurance_member_id": f"RVC{rnd.randint(10**8, 10**9 - 1)}",
            "password": PASSWORDS.get(pid, f"pw-{rnd.getrandbits(64):x}"),
        })
    return out


DOCTORS = [
    {"doctor_id": "d_01", "name": "Dr. Amara Nwosu", "specialty": "General practice"},
    {"doctor_id": "d_02", "name": "Dr. Tobias Reyes", "specialty": "Cardiology"},
    {"doctor_id": "d_03", "name": "Dr. Yuki Sato", "specialty": "Dermatology"},
]

REASONS = ["Annual check-up", "Blood pressure follow-up", "Skin rash", "Chest pain review",
           "Vaccination", "Migraine consultation", "Allergy test results"]
DRUGS = [("Lisinopril", "10 mg once daily"), ("Metformin", "500 mg twice daily"),
         ("Atorvastatin", "20 mg at night"), ("Sertraline", "50 mg once daily"),
         ("Cetirizine", "10 mg as needed")]
LAB_TESTS = [("HbA1c", "5.9 %"), ("LDL cholesterol", "131 mg/dL"), ("TSH", "2.1 mIU/L"),
             ("Vitamin D", "18 ng/mL"), ("Hemoglobin", "13.8 g/dL")]
