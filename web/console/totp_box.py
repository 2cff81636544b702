"""TOTP secrets at rest: sealed with AES-GCM under a key derived from SECRET_KEY, so a
copy of the database (a backup, a dump) does not carry anyone's second factor with it.

Without SECRET_KEY (development only: production refuses to start without one) a secret
is kept as it is, marked so; once a key is set, new secrets are sealed and old ones still
read. A changed SECRET_KEY makes sealed secrets unreadable: their codes are refused, and
`ntvt reset-two-factor` lets each person enrol again."""

import base64
import hashlib
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED, PLAIN = "v1:", "plain:"


class SecretBox:
    def __init__(self, secret_key: bytes | None) -> None:
        # A key of its own: SECRET_KEY also signs links, and one use must not serve another.
        self._aead = AESGCM(hashlib.sha256(b"ntvt totp secret v1\0" + secret_key).digest()) \
            if secret_key else None

    def seal(self, secret: str) -> str:
        if self._aead is None:
            return PLAIN + secret
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._aead.encrypt(nonce, secret.encode(), SEALED.encode())
        return SEALED + base64.urlsafe_b64encode(sealed).decode()

    def open(self, stored: str | None) -> str:
        """The secret, or "" when there is none or it cannot be read (another key)."""
        if not stored:
            return ""
        if stored.startswith(PLAIN):
            return stored.removeprefix(PLAIN)
        if self._aead is None or not stored.startswith(SEALED):
            return ""
        raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED))
        try:
            return self._aead.decrypt(raw[:12], raw[12:], SEALED.encode()).decode()
        except InvalidTag:
            return ""
