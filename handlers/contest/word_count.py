"""Count an article's words the way a Vietnamese reader (and the contest's rules) count.

Vietnamese writes one syllable per word-piece, separated by spaces, and the rules'
"1.300 đến 1.500 từ" counts those pieces. So:

1. Text is cut at whitespace. Each piece is one word if it holds at least one letter or
   digit: "Hà Nội" is two words, "người tốt, việc tốt." four.
2. Punctuation alone is not a word: a lone "-", "–", "…", "(", "\"" or "..." counts 0.
3. A number is one word however it is written: "1.300", "2025", "12,5", "10/3/2026",
   "30%" each count 1.
4. A hyphen inside a piece keeps it whole: "Hà-Nội", "COVID-19", "F0-F1" count 1.
5. Abbreviations are one word: "TP.HCM", "UBND", "Q.1", "TS." count 1.
6. The en dash, em dash and the ellipsis are punctuation, not joiners: written without
   spaces ("nhau—và", "vậy…rồi") they still separate two words, as a reader sees them.
"""

import re

# Dashes and ellipses separate words even with no space around them (rule 6); the plain
# hyphen-minus does not (rule 4).
_SEPARATORS = re.compile(r"[\s\u2013\u2014\u2015\u2026]+")


def _is_word(piece: str) -> bool:
    return any(character.isalnum() for character in piece)


def count_words(text: str) -> int:
    """The number of words in `text` under the rules above."""
    return sum(1 for piece in _SEPARATORS.split(text) if piece and _is_word(piece))
