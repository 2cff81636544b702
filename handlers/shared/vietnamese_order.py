"""Vietnamese alphabetical order and competition ranks, for tables staff read.

Python's `sorted` orders by code point: "Đội Cấn" (U+0110) lands after "Yên Phụ", and
"Ăn" before "Anh" only by luck. This module orders as a Vietnamese dictionary does:

- letters in the alphabet's order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v
  x y (f j w z, found in foreign names, where the Latin alphabet has them);
- tone marks only break ties between syllables with the same letters, in the order
  ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ);
- syllable by syllable, so "Ba Đình" < "Bà Triệu" < "Bách" — "Bà" is a whole syllable;
- a number as a number: "Tổ 2" before "Tổ 10";
- case last, so the order never depends on how someone typed a capital.

PyICU would do the same but needs the ICU C library and a compiler on every host; this
rule is short and its test table says what it promises.
"""

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")

ALPHABET = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l",
            "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y",
            "z")
_LETTER = {letter: index for index, letter in enumerate(ALPHABET)}
# Combining marks that make a letter of its own (ă â ê ô ơ ư), kept with the base letter.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tones in dictionary order; no mark (ngang) is 0.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SYLLABLE = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)

Syllable = tuple[int, tuple[int, ...], tuple[int, ...]]


def _letters_and_tone(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in word.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0] + "".join(m for m in decomposed[1:] if m in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", base)
        # Outside the alphabet (ç, ñ, Chinese…): after every Vietnamese letter, by code point.
        letters.append(_LETTER.get(letter, len(ALPHABET) + ord(decomposed[0])))
        tones.append(max((_TONES.get(m, 0) for m in decomposed[1:]), default=0))
    return tuple(letters), tuple(tones)


def vi_key(text: str) -> tuple[tuple[Syllable, ...], str]:
    """A sort key: `sorted(names, key=vi_key)` is Vietnamese order."""
    syllables: list[Syllable] = []
    for word in _SYLLABLE.findall(unicodedata.normalize("NFC", text)):
        if word.isdigit():  # numbers first, by value
            syllables.append((0, (int(word),), ()))
        else:
            letters, tones = _letters_and_tone(word)
            syllables.append((1, letters, tones))
    # The text itself last: capitals and spacing only decide between otherwise equal names.
    return tuple(syllables), text


def vi_sorted(items: Sequence[T], name: Callable[[T], str]) -> list[T]:
    return sorted(items, key=lambda item: vi_key(name(item)))


def competition_ranks(scores: Sequence[Hashable]) -> list[int]:
    """Ranks of already sorted scores, equal scores sharing one: 1, 1, 3 ("1224")."""
    ranks: list[int] = []
    for position, score in enumerate(scores, start=1):
        ranks.append(ranks[-1] if ranks and scores[position - 2] == score else position)
    return ranks
