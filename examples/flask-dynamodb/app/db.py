"""DynamoDB access shared by the app and the seed script."""

import os

import boto3

PREFIX = os.environ.get("CLINIC_TABLE_PREFIX", "clinic-")
PATIENTS = PREFIX + "patients"
APPOINTMENTS = PREFIX + "appointments"
INVOICES = PREFIX + "invoices"
PRESCRIPTIONS = PREFIX + "prescriptions"
LAB_RESULTS = PREFIX + "lab-results"


def session():
    # dynalite accepts any credentials; the region only names the endpoint.
    return boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )


def endpoint():
    return os.environ.get("CLINIC_DYNAMODB_ENDPOINT", "http://127.0.0.1:4567")


def resource():
    return session().resource("dynamodb", endpoint_url=endpoint())


def client():
    return session().client("dynamodb", endpoint_url=endpoint())
