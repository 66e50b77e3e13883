"""Schemathesis hooks for the StableMint mock: sign most generated requests, and make
half of those valid.

Without this, every generated request has a random signature and stops at the mock's
401, and the rest fail validation (the spec's formats such as `iso3166-alpha2` mean
nothing to schemathesis), so the idempotency and 200 paths would never be fuzzed.

- One case in four with a string `userId` is left as generated: the 401 paths.
- The others get a fresh timestamp and a correct signature (the same algorithm as
  `stablemint::signature`).
- Half of the signed ones also get valid values in the validated fields (e-mail,
  country codes, currency, amount, date of birth), keeping everything else generated:
  the 200 and idempotency paths, with fuzzed ids, references and custom fields.
"""

import atexit
import collections
import hashlib
import os
import time

import schemathesis

API_KEY = os.environ["STABLEMINT_API_KEY"]
API_SECRET = os.environ["STABLEMINT_API_SECRET"]


def make_valid(body):
    """The body with valid values in every field that has a validation rule."""
    body = dict(body)
    body["userEmail"] = "fuzz@example.com"
    body["userCountryCode"] = "DE"
    body["currency"] = "EUR"
    amount = body.get("amount")
    if amount is not None:
        try:
            body["amount"] = max(round(abs(float(amount)), 2), 0.01)
        except (OverflowError, ValueError, TypeError):
            body["amount"] = 1.0
        if body["amount"] != body["amount"] or body["amount"] > 1e12:
            body["amount"] = 1.0
    kyc = body.get("userKyc")
    if isinstance(kyc, dict):
        kyc = dict(kyc)
        if "citizenshipCountryCode" in kyc:
            kyc["citizenshipCountryCode"] = "AT"
        if "dateOfBirth" in kyc:
            kyc["dateOfBirth"] = "1990-02-28"
        body["userKyc"] = kyc
    return body


@schemathesis.hook
def map_case(ctx, case):
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("userId"), str):
        return case
    user_id = body["userId"]
    bucket = hashlib.sha256(user_id.encode("utf-8", "surrogatepass")).digest()[0] % 8
    if bucket < 2:
        return case
    if bucket >= 5:
        case.body = make_valid(body)
    timestamp = int(time.time())
    message = f"{timestamp},{API_SECRET},{user_id}".encode("utf-8", "surrogatepass")
    headers = dict(case.headers or {})
    headers["api_key"] = API_KEY
    headers["timestamp"] = str(timestamp)
    headers["signature"] = hashlib.sha256(message).hexdigest()
    case.headers = headers
    return case


# A tally of the statuses the mock answered, printed when schemathesis exits, so that a
# run shows how much of it reached the validation and success paths.
STATUSES = collections.Counter()


@schemathesis.hook
def after_call(ctx, case, response):
    STATUSES[response.status_code] += 1


@atexit.register
def _print_statuses():
    if STATUSES:
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items()))
        print(f"mock answered (status: responses): {shown}")
