"""Recognising the same article sent again: exactly (a hash of the normalised text) or
nearly (a simhash of its word shingles), whoever sends it and on whichever channel.

Normalised means folded (no accents, lower case), punctuation dropped and white space
collapsed, so a re-typed title, a changed quotation mark or a DOCX's line breaks do not
make a new article. Nearly means at most NEAR_BITS of the 64 simhash bits differ: a few
words changed in an article of 1,300 still match; a different article does not.
"""

import hashlib
import re

from storage.shared.folding import fold

SHINGLE = 3
NEAR_BITS = 6
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalised(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised(text).encode()).hexdigest()


def simhash(text: str) -> str:
    """64 bits as 16 hex digits."""
    words = normalised(text).split()
    shingles = [" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    weights = [0] * 64
    for shingle in shingles:
        bits = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if bits >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def near(one: str, other: str) -> bool:
    if not one or not other:
        return False
    return (int(one, 16) ^ int(other, 16)).bit_count() <= NEAR_BITS
