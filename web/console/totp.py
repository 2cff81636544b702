"""TOTP codes (RFC 6238, 30-second steps, 6 digits) as authenticator apps make them.
Nothing here logs: a secret or a code in a log line would be a second factor given away."""

import hmac
from datetime import datetime

import pyotp

ISSUER = "NTVT"
# One step either side: a phone's clock a little off still signs in.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def enrol_uri(secret: str, username: str) -> str:
    """otpauth:// for an app that takes a link; the same secret is shown as text to type."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def spaced(secret: str) -> str:
    """The secret in groups of four, as it is easiest to type."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is, within the drift window, or None."""
    code = "".join(code.split())
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None
