"""What a new console password must be: long, and not one of the passwords guessers try
first. Framework-free, so `ntvt set-password` and the console page check the same rule.

The lists in password_lists/ (see its README): Django's 20,000 most common passwords
(BSD licence), and ours of Vietnamese ones, which those lists barely hold."""

import gzip
import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Literal

MIN_LENGTH = 12
Problem = Literal["too_short", "too_common"]
# "matkhau2026!", "Anhyeuem123456": a common word dressed up with digits and signs is
# still the first thing a guesser tries.
_DRESSING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    folder = files("web.console") / "password_lists"
    words = gzip.decompress((folder / "common-passwords.txt.gz").read_bytes()).decode()
    ours = (folder / "vietnamese.txt").read_text(encoding="utf-8")
    lines = [*words.splitlines(), *ours.splitlines()]
    return frozenset(_plain(line) for line in lines if line.strip() and line[0] != "#")


def _plain(text: str) -> str:
    """Lower case without Vietnamese marks: "Mật khẩu" and "matkhau" are one guess."""
    bare = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(c for c in bare if not unicodedata.combining(c) and not c.isspace())


def password_problem(password: str) -> Problem | None:
    if len(password) < MIN_LENGTH:
        return "too_short"
    plain = _plain(password)
    common = common_passwords()
    if plain in common or _DRESSING.sub("", plain) in common:
        return "too_common"
    return None
