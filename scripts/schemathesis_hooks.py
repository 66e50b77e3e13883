"""Schemathesis hooks for the StableMint mock: sign most generated requests.

Without this, every generated request has a random signature and stops at the mock's
401, so the validation, idempotency and 200 paths would never be fuzzed. Three out of
four cases with a string `userId` get a fresh timestamp and a correct signature (the
same algorithm as `stablemint::signature`); the rest keep what schemathesis generated,
so the 401 paths are fuzzed too.
"""

import hashlib
import os
import time

import schemathesis

API_KEY = os.environ["STABLEMINT_API_KEY"]
API_SECRET = os.environ["STABLEMINT_API_SECRET"]


@schemathesis.hook
def map_case(ctx, case):
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("userId"), str):
        return case
    user_id = body["userId"]
    if hashlib.sha256(user_id.encode("utf-8", "surrogatepass")).digest()[0] % 4 == 0:
        return case
    timestamp = int(time.time())
    message = f"{timestamp},{API_SECRET},{user_id}".encode("utf-8", "surrogatepass")
    headers = dict(case.headers or {})
    headers["api_key"] = API_KEY
    headers["timestamp"] = str(timestamp)
    headers["signature"] = hashlib.sha256(message).hexdigest()
    case.headers = headers
    return case
