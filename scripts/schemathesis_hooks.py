"""Schemathesis hooks for the StableMint mock: sign most generated requests, and make
half of those valid.

Without this, every generated request has a random signature and stops at the mock's
401, and the rest fail validation (the spec's formats such as `iso3166-alpha2` mean
nothing to schemathesis), so the idempotency and success paths would never be fuzzed.

What an operation's signature covers is read from its `x-stablemint` declaration:
`signedField` (a body property), `signedParameter` (a path, query or header parameter)
or `auth: none` (nothing to sign).

- One case in four with a signed value that is a string is left as generated: the 401
  paths. So is every case in which schemathesis leaves out an authentication header on
  purpose (its `missing_required_header` check expects the mock to refuse it).
- The others get a fresh timestamp and a correct signature (the same algorithm as
  `stablemint_wire::signature`).
- Half of the signed ones also get valid values in the validated body fields they have
  (e-mail, country codes, currency, amount, date of birth), keeping everything else
  generated: the success and idempotency paths, with fuzzed ids, references and custom
  fields.
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
    """The body with valid values in every field it has that has a validation rule."""
    body = dict(body)
    for key, valid in (("userEmail", "fuzz@example.com"), ("userCountryCode", "DE"), ("currency", "EUR")):
        if key in body:
            body[key] = valid
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


def signed_value(case):
    """The value the operation's signature covers, as sent; None when there is none to
    sign (an unsigned operation, or a generated value that is not text)."""
    declared = case.operation.definition.raw.get("x-stablemint") or {}
    field = declared.get("signedField")
    if field is not None:
        body = case.body
        if isinstance(body, dict) and isinstance(body.get(field), str):
            return body[field]
        return None
    name = declared.get("signedParameter")
    if name is not None:
        for place in (case.path_parameters, case.query, case.headers):
            value = (place or {}).get(name)
            if value is not None and not isinstance(value, (list, dict)):
                return value if isinstance(value, str) else str(value)
    return None


AUTH_HEADERS = {"api_key", "timestamp", "signature"}


def leaves_out_an_auth_header(case):
    """Whether schemathesis left out one of the authentication headers on purpose (a
    missing-parameter case of its coverage phase, which the `missing_required_header`
    check then expects the mock to refuse): signing the case would put the header back
    and turn the mock's right answer, 401, into a 200 that fails the check."""
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    parameter = str(getattr(data, "parameter", None) or "").lower()
    scenario = str(getattr(data, "scenario", None) or "").lower()
    location = str(getattr(data, "parameter_location", None) or "").lower()
    return parameter in AUTH_HEADERS and "missing" in scenario and "header" in location


@schemathesis.hook
def map_case(ctx, case):
    if leaves_out_an_auth_header(case):
        return case
    signed = signed_value(case)
    if signed is None:
        return case
    bucket = hashlib.sha256(signed.encode("utf-8", "surrogatepass")).digest()[0] % 8
    if bucket < 2:
        return case
    if bucket >= 5 and isinstance(case.body, dict):
        case.body = make_valid(case.body)
    timestamp = int(time.time())
    message = f"{timestamp},{API_SECRET},{signed}".encode("utf-8", "surrogatepass")
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
