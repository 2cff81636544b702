"""Console passwords, argon2id. Apart from sign-in so `ntvt set-password` hashes one
without importing the web framework (the CLI answers in under 1.5 s)."""

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORDS = PasswordHasher()  # argon2id, the library's recommended parameters


@cache
def _dummy_hash() -> str:
    """Checked when the name is unknown, so a wrong name costs as long as a wrong password."""
    return PASSWORDS.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """Blocking (about 230 ms of CPU): scripts call it directly, the app through
    `password_lane`."""
    return PASSWORDS.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Blocking, like hash_password. An unknown name is checked against a dummy hash so it
    costs as long as a wrong password."""
    try:
        PASSWORDS.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None
