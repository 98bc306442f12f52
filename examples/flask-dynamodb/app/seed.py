"""Creates the clinic tables in DynamoDB (dynalite) and fills them with fake
people, appointments, invoices, prescriptions and lab results.

Tables are polled with describe_table (boto3's waiters sleep 20 s between
polls); dynalite started with --createTableMs 0 is ready at once.
"""

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from werkzeug.security import generate_password_hash

import db
import people

GSI_BY_PATIENT = {
    "IndexName": "patient-index",
    "KeySchema": [{"AttributeName": "patient_id", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "ALL"},
}

TABLES = [
    {
        "TableName": db.PATIENTS,
        "KeySchema": [{"AttributeName": "patient_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "patient_id", "AttributeType": "S"},
                                 {"AttributeName": "email", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": "email-index",
            "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    },
    {
        "TableName": db.APPOINTMENTS,
        "KeySchema": [{"AttributeName": "appointment_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "appointment_id", "AttributeType": "N"},
                                 {"AttributeName": "patient_id", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [GSI_BY_PATIENT],
    },
    {
        "TableName": db.INVOICES,
        "KeySchema": [{"AttributeName": "invoice_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "invoice_id", "AttributeType": "N"},
                                 {"AttributeName": "patient_id", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [GSI_BY_PATIENT],
    },
    {
        "TableName": db.PRESCRIPTIONS,
        "KeySchema": [{"AttributeName": "patient_id", "KeyType": "HASH"},
                      {"AttributeName": "rx_id", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "patient_id", "AttributeType": "S"},
                                 {"AttributeName": "rx_id", "AttributeType": "N"}],
    },
    {
        "TableName": db.LAB_RESULTS,
        "KeySchema": [{"AttributeName": "result_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "result_id", "AttributeType": "N"},
                                 {"AttributeName": "patient_id", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [GSI_BY_PATIENT],
    },
]


def create_tables(client, timeout=10.0):
    existing = set(client.list_tables()["TableNames"])
    for spec in TABLES:
        if spec["TableName"] in existing:
            continue
        client.create_table(BillingMode="PAY_PER_REQUEST", **spec)
    deadline = time.monotonic() + timeout
    for spec in TABLES:
        while client.describe_table(TableName=spec["TableName"])["Table"]["TableStatus"] != "ACTIVE":
            if time.monotonic() > deadline:
                raise SystemExit(f"table {spec['TableName']} not active after {timeout}s")
            time.sleep(0.05)


# Vulnerable mode: the legacy hashes of an old import, PBKDF2 with a single
# iteration (a salted SHA-256, fast to brute-force); the fixed mode uses
# Werkzeug's default method and work factor.
FIXED = os.environ.get("LEAKHOUND_EXAMPLE_MODE", "vulnerable").strip().lower() == "fixed"
HASH_METHOD = None if FIXED else "pbkdf2:sha256:1"


def hash_password(password):
    if HASH_METHOD is None:
        return generate_password_hash(password)
    return generate_password_hash(password, method=HASH_METHOD)


def password_hashes(everyone):
    """Werkzeug hashes of everyone's password. Hashing costs a tenth of a
    second each, so the hashes are kept in CLINIC_SEED_CACHE (a JSON file)
    when it is set, and reused while the passwords and method stay the same."""
    cache_file = os.environ.get("CLINIC_SEED_CACHE")
    cache = {}
    if cache_file and os.path.exists(cache_file):
        try:
            with open(cache_file) as f:
                cache = json.load(f)
        except (OSError, ValueError):
            cache = {}

    def fingerprint(p):
        return hashlib.sha256(f"{HASH_METHOD or 'default'}:{p['patient_id']}:{p['password']}".encode()).hexdigest()

    hashes = [cache.get(fingerprint(p)) for p in everyone]
    todo = [i for i, h in enumerate(hashes) if not h]
    if todo:
        # PBKDF2 releases the GIL: hash on every core.
        with ThreadPoolExecutor() as pool:
            for i, h in zip(todo, pool.map(lambda i: hash_password(everyone[i]["password"]), todo)):
                hashes[i] = h
        if cache_file:
            tmp = cache_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump({fingerprint(p): h for p, h in zip(everyone, hashes)}, f)
            os.replace(tmp, cache_file)
    return hashes


def payment_method(p):
    """The payment processor's reference of a patient's card (fixed mode)."""
    return "pm_" + hashlib.sha256(("card:" + p["patient_id"]).encode()).hexdigest()[:24]


def items():
    """Yields (table, item) pairs. Object ids are sequential and handed out
    round-robin, so the neighbours of a patient's ids belong to others."""
    everyone = people.people()
    patients = everyone[1:]
    hashes = password_hashes(everyone)
    for p, password_hash in zip(everyone, hashes):
        item = {k: v for k, v in p.items() if k != "password"}
        item["password_hash"] = password_hash
        if FIXED:
            # Remedy: the SSN is not kept in the item (the fixed app never
            # shows it) and the card is a processor token with its last four
            # digits.
            del item["ssn"]
            item["card"] = {"brand": p["card"]["brand"], "last4": p["card"]["number"][-4:],
                            "exp": p["card"]["exp"], "payment_method_id": payment_method(p)}
        item["created_at"] = "2025-0%d-1%dT09:30:00Z" % (1 + int(p["patient_id"][-1]) % 9, int(p["patient_id"][-1]))
        yield db.PATIENTS, item
    for n in range(30):
        p = patients[n % len(patients)]
        doc = people.DOCTORS[n % len(people.DOCTORS)]
        yield db.APPOINTMENTS, {
            "appointment_id": Decimal(5001 + n), "patient_id": p["patient_id"],
            "patient_name": p["name"], "patient_phone": p["phone"], "patient_email": p["email"],
            "doctor_id": doc["doctor_id"], "doctor_name": doc["name"],
            "starts_at": f"2026-12-{1 + n // 3:02d}T{9 + n % 3 * 2:02d}:00:00Z",
            "reason": people.REASONS[n % len(people.REASONS)],
        }
    for n in range(20):
        p = patients[n % len(patients)]
        yield db.INVOICES, {
            "invoice_id": Decimal(9001 + n), "patient_id": p["patient_id"],
            "patient_name": p["name"], "patient_email": p["email"],
            "billing_address": p["address"], "card_brand": p["card"]["brand"],
            **({"card_last4": p["card"]["number"][-4:], "payment_method_id": payment_method(p)} if FIXED
               else {"card_number": p["card"]["number"]}),
            "card_exp": p["card"]["exp"],
            "amount": Decimal(f"{40 + n * 7}.50"), "currency": "USD",
            "issued_at": f"2026-11-{1 + n:02d}", "status": "paid" if n % 3 else "due",
        }
    rx = 7001
    for p in patients:
        for k in range(2):
            drug, dose = people.DRUGS[(rx + k) % len(people.DRUGS)]
            yield db.PRESCRIPTIONS, {
                "patient_id": p["patient_id"], "rx_id": Decimal(rx), "drug": drug, "dosage": dose,
                "patient_name": p["name"], "patient_dob": p["dob"],
                "insurance_member_id": p["insurance_member_id"], "prescriber": people.DOCTORS[k]["name"],
                "refills": Decimal(k + 1),
            }
            rx += 1
    for n in range(20):
        p = patients[n % len(patients)]
        test, value = people.LAB_TESTS[n % len(people.LAB_TESTS)]
        yield db.LAB_RESULTS, {
            "result_id": Decimal(3001 + n), "patient_id": p["patient_id"], "patient_name": p["name"],
            "patient_dob": p["dob"], **({} if FIXED else {"patient_ssn": p["ssn"]}), "test": test, "value": value,
            "collected_at": f"2026-11-{1 + n:02d}T08:15:00Z",
        }


def main():
    started = time.monotonic()
    client = db.client()
    create_tables(client)
    dynamo = db.resource()
    tables, count = {}, 0
    for table, item in items():
        if table not in tables:
            tables[table] = dynamo.Table(table).batch_writer()
            tables[table].__enter__()
        tables[table].put_item(Item=item)
        count += 1
    for writer in tables.values():
        writer.__exit__(None, None, None)
    print(f"seeded {count} items in {len(TABLES)} tables in {time.monotonic() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
