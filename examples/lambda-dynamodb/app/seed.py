"""Creates the TeamHub tables on a (local) DynamoDB endpoint and loads demo data.

All people, numbers and addresses are invented: SSNs are in the 9xx range,
card numbers are the well-known Luhn-valid test numbers, emails are @example.com.
"""
import os
import sys

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

USERS_TABLE = os.environ.get("USERS_TABLE", "teamhub-users")
NOTES_TABLE = os.environ.get("NOTES_TABLE", "teamhub-notes")
PAYSLIPS_TABLE = os.environ.get("PAYSLIPS_TABLE", "teamhub-payslips")

# username -> password; the demo passwords are printed in the README
PASSWORDS = {
    "admin": "Hr-Admin-Blue-2026",
    "alice": "Alice-Tulip-7731",
    "bob": "Bob-Harbor-5520",
    "carol": "Carol-Maple-1984",
    "dave": "Dave-Cobalt-4410",
}

USERS = [
    {"id": "1000", "username": "admin", "full_name": "Hannah Ruiz", "role": "admin",
     "title": "HR Operations Lead", "department": "People", "email": "hannah.ruiz@example.com",
     "office": "Lyon", "extension": "2100", "personal_email": "hannah.r.home@example.com",
     "phone": "+33 6 55 01 21 00", "ssn": "912-40-1000", "date_of_birth": "1981-03-14",
     "home_address": "12 Rue Imaginaire, 69002 Lyon", "corporate_card": "378282246310005",
     "security_question": "Name of your first pet?", "security_answer": "biscuit", "salary_eur": 88000},
    {"id": "1001", "username": "alice", "full_name": "Alice Moreau", "role": "employee",
     "title": "Backend Engineer", "department": "Engineering", "email": "alice.moreau@example.com",
     "office": "Lyon", "extension": "2231", "personal_email": "alice.m.1990@example.com",
     "phone": "+33 6 55 01 22 31", "ssn": "923-55-1001", "date_of_birth": "1990-07-02",
     "home_address": "8 Impasse des Tilleuls, 69007 Lyon", "corporate_card": "4111111111111111",
     "security_question": "City where you were born?", "security_answer": "grenoble", "salary_eur": 61000},
    {"id": "1002", "username": "bob", "full_name": "Bob Tanaka", "role": "employee",
     "title": "Account Executive", "department": "Sales", "email": "bob.tanaka@example.com",
     "office": "Berlin", "extension": "3140", "personal_email": "bobtanaka.private@example.com",
     "phone": "+49 151 5550 3140", "ssn": "934-66-1002", "date_of_birth": "1987-11-23",
     "home_address": "Beispielweg 4, 10115 Berlin", "corporate_card": "5555555555554444",
     "security_question": "Your mother's maiden name?", "security_answer": "fujimoto", "salary_eur": 57000},
    {"id": "1003", "username": "carol", "full_name": "Carol Nguyen", "role": "employee",
     "title": "Financial Controller", "department": "Finance", "email": "carol.nguyen@example.com",
     "office": "Lyon", "extension": "2410", "personal_email": "carol.ng@example.com",
     "phone": "+33 6 55 01 24 10", "ssn": "945-77-1003", "date_of_birth": "1985-01-30",
     "home_address": "3 Allee Fictive, 69003 Lyon", "corporate_card": "4012888888881881",
     "security_question": "Name of your first school?", "security_answer": "jean moulin", "salary_eur": 72000},
    {"id": "1004", "username": "dave", "full_name": "Dave Okafor", "role": "employee",
     "title": "Site Reliability Engineer", "department": "Engineering", "email": "dave.okafor@example.com",
     "office": "Berlin", "extension": "3177", "personal_email": "dave.okafor.home@example.com",
     "phone": "+49 151 5550 3177", "ssn": "956-88-1004", "date_of_birth": "1993-05-09",
     "home_address": "Musterstrasse 19, 10437 Berlin", "corporate_card": "6011111111111117",
     "security_question": "Favourite band?", "security_answer": "the cure", "salary_eur": 66000},
]

NOTES = [
    {"note_id": "alice-1on1-prep", "owner": "alice", "visibility": "private", "title": "1:1 prep",
     "body": "Ask about moving to the platform team; mention burnout from on-call in August."},
    {"note_id": "alice-medical-leave", "owner": "alice", "visibility": "private", "title": "Medical leave dates",
     "body": "Surgery 14 Jan, doctor's note says 3 weeks off. Do not share with the team yet."},
    {"note_id": "alice-sprint-retro", "owner": "alice", "visibility": "team", "title": "Sprint 42 retro",
     "body": "Went well: deploy pipeline. To improve: flaky integration tests."},
    {"note_id": "bob-salary-negotiation", "owner": "bob", "visibility": "private", "title": "Raise talk",
     "body": "Current 57k, competing offer at 68k from another company. Walk-away point 63k."},
    {"note_id": "bob-q3-pipeline", "owner": "bob", "visibility": "team", "title": "Q3 pipeline",
     "body": "Three enterprise deals in late stage, see CRM for details."},
    {"note_id": "carol-audit-findings", "owner": "carol", "visibility": "private", "title": "Audit findings (draft)",
     "body": "Two expense reports with duplicated receipts, to be discussed with HR."},
    {"note_id": "hr-reorg-draft", "owner": "admin", "visibility": "private", "title": "Reorg draft",
     "body": "Sales Berlin to merge with Lyon in Q2; two positions at risk."},
]

IBANS = {
    "1000": "FR7630006000011234567890189",
    "1001": "FR7610107001011234567890129",
    "1002": "DE75512108001245126199",
    "1003": "FR7612739000706431789211573",
    "1004": "DE02120300000000202051",
}


def payslips():
    out = []
    for u in USERS:
        monthly = u["salary_eur"] // 12
        for period in ("2026-09", "2026-10"):
            out.append({"payslip_id": "ps-%s-%s" % (u["id"], period), "employee_id": u["id"],
                        "period": period, "gross_eur": monthly, "net_eur": int(monthly * 0.77),
                        "iban": IBANS[u["id"]], "tax_id": u["ssn"], "full_name": u["full_name"],
                        "home_address": u["home_address"]})
    return out


def main():
    import handler  # reuse the function's password hashing
    ddb = boto3.resource("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT"),
                         region_name=os.environ.get("AWS_REGION", "us-east-1"))
    existing = set(ddb.meta.client.list_tables()["TableNames"])
    for name, key in ((USERS_TABLE, "id"), (NOTES_TABLE, "note_id"), (PAYSLIPS_TABLE, "payslip_id")):
        if name not in existing:
            ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
    for name in (USERS_TABLE, NOTES_TABLE, PAYSLIPS_TABLE):
        ddb.Table(name).wait_until_exists()

    with ddb.Table(USERS_TABLE).batch_writer() as w:
        for u in USERS:
            item = dict(u, status="active", created_at="2024-02-01T09:00:00Z",
                        password_hash=handler.hash_password(PASSWORDS[u["username"]]))
            w.put_item(Item=item)
    with ddb.Table(NOTES_TABLE).batch_writer() as w:
        for n in NOTES:
            w.put_item(Item=dict(n, created_at="2026-10-02T08:30:00Z", updated_at="2026-10-02T08:30:00Z"))
    with ddb.Table(PAYSLIPS_TABLE).batch_writer() as w:
        for p in payslips():
            w.put_item(Item=p)
    print("seeded %d users, %d notes, %d payslips" % (len(USERS), len(NOTES), len(payslips())))


if __name__ == "__main__":
    main()
