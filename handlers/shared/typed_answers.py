"""What a person typed at a menu, read the way a person would read it.

On Zalo every answer is typed, and on the other channels many people type rather than
tap. "số 1", "một", "1.", "đồng ý ạ", "dong y", "ok", "xong rồi", "gui" and "an sinh"
must all find their line; an answer that finds none, or more than one, is told which
numbers to type, not shown the whole question again.

Pure: no database, no texts. The menus' lines come from the caller, each with what it
means ("yes", "no", "done") where a yes/no word can stand for it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import DamerauLevenshtein

from storage.shared.folding import fold

YES, NO, DONE = "yes", "no", "done"

# Folded (no accents, lower case): what people answer to a yes/no question in chat.
MEANING_WORDS: dict[str, frozenset[str]] = {
    YES: frozenset({
        "co", "dong y", "dongy", "toi dong y", "em dong y", "ok", "oke", "okay", "okie",
        "oki", "okela", "ok luon", "uh", "u", "uhm", "um", "uk", "o", "vang", "da",
        "duoc", "dc", "duoc roi", "dung", "dung roi", "chuan", "yes", "y", "yep",
        "yeah", "sure", "agree", "i agree", "co a", "dong y het", "chac chan", "tat nhien",
        "co chu", "roi", "nhat tri", "da vang", "vang a", "da co", "da duoc", "dong y a",
        "ok a", "oke a", "yes please",
    }),
    NO: frozenset({
        "khong", "ko", "k", "kg", "hong", "hok", "khong dong y", "chua", "chua dong y",
        "khong co", "ko co", "k co", "no", "nope", "nah", "disagree", "i disagree",
        "khong a", "khong duoc",
    }),
    DONE: frozenset({
        "xong", "het", "du", "du roi", "vay thoi", "the thoi", "chi vay thoi", "het anh",
        "du anh", "done", "finished", "finish", "that s all", "thats all", "all done",
        "ok xong", "xong het",
    }),
}

# Words around the answer that carry politeness or filler, not the choice: "dạ, đồng
# ý ạ", "chọn số 2 nhé", "xong rồi". Stripped from both ends only; words that can be
# the choice itself ("anh" is also "ảnh", a photo) are left out.
FILLER = frozenset({
    "a", "ah", "ak", "da", "vang", "nhe", "nha", "nhen", "nghe", "luon",
    "di", "roi", "em", "con", "chau", "toi", "minh", "bac", "co", "chu", "chi",
    "oi", "vay", "thi", "lua", "chon", "so", "muc", "cai", "cau",
    "please", "pls", "the", "option", "choice", "number", "i", "choose", "pick",
    "sua", "edit", "xem", "thu", "ban", "giup", "voi",
})

# Commands said in words. "dừng" is left out: folded, it is "đúng" (right, yes).
COMMAND_WORDS: dict[str, frozenset[str]] = {
    "cancel": frozenset({
        "huy", "huy bo", "huy de xuat", "thoi", "thoi huy", "thoi khong lam nua",
        "khong lam nua", "dung lai", "thoat", "cancel", "stop", "quit",
    }),
    "start": frozenset({
        "lam lai", "lam lai tu dau", "bat dau lai", "bat dau", "bat dau tu dau",
        "de xuat", "de xuat moi", "de xuat nguoi tot", "lam de xuat", "gui de xuat moi",
        "start", "restart", "start over", "start again", "nominate", "new nomination",
    }),
    "help": frozenset({
        "tro giup", "huong dan", "giup", "giup do", "giup voi", "giup toi", "can giup", "help",
        "huong dan su dung",
    }),
    "privacy": frozenset({
        "du lieu cua toi", "du lieu ca nhan", "xem du lieu", "xoa du lieu", "my data",
        "privacy", "personal data",
    }),
    "back": frozenset({
        "quay lai", "tro lai", "lui lai", "cau truoc", "quay lai cau truoc", "back",
        "go back", "previous",
    }),
}

NUMBER_WORDS = {
    "mot": 1, "nhat": 1, "hai": 2, "nhi": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "first": 1, "second": 2, "third": 3,
}

_KEYCAP = re.compile(r"(\d)\ufe0f?\u20e3")  # 1️⃣ is "1", VS16, the keycap mark
_CIRCLED = {chr(0x2460 + n): str(n + 1) for n in range(20)}  # ① … ⑳
_NOT_WORD = re.compile(r"[^\w]+")
_LEADING_NUMBER = re.compile(r"^(\d{1,2})(?:\s+(.*))?$")
TYPO_MIN_LENGTH = 4  # shorter words must be exact: "co" and "ko" differ by one letter


@dataclass(frozen=True)
class Line:
    label: str
    meanings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    """`chosen`: the 0-based line, or None; `candidates`: the lines it could be when the
    answer fits more than one (then `chosen` is None)."""

    chosen: int | None
    candidates: tuple[int, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


NOTHING = Match(None)


def words_of(text: str) -> list[str]:
    """Folded words, emoji and punctuation dropped; keycap and circled digits as digits."""
    text = _KEYCAP.sub(r"\1 ", text)
    text = "".join(_CIRCLED.get(ch, ch) for ch in text)
    return _NOT_WORD.sub(" ", fold(text)).replace("_", " ").split()


def core(text: str) -> str:
    return " ".join(words_of(text))


def strip_filler(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in FILLER:
        start += 1
    while end > start and words[end - 1] in FILLER:
        end -= 1
    return words[start:end]


def command_in(typed: str) -> str | None:
    """The command a message says in words ("huỷ ạ", "Hướng dẫn", "quay lại"), if it
    says one and nothing else."""
    words = words_of(typed)
    said = " ".join(strip_filler(words) or words)
    for command, phrases in COMMAND_WORDS.items():
        if said in phrases or " ".join(words) in phrases:
            return command
    return None


def number_in(words: list[str]) -> int | None:
    """The line number an answer names: "2", "số 2", "số hai", "thứ nhất", "chọn 2 nhé"."""
    kept = strip_filler(words)
    if len(kept) == 1:
        word = kept[0]
        if word.isdigit():
            return int(word)
        return NUMBER_WORDS.get(word)
    return None


def match(typed: str, lines: Sequence[Line], *, partial: bool = True) -> Match:
    """The line `typed` chooses, tried in the order a person means it: the whole line,
    its number, a yes/no/done word for the line that means it, then (with `partial`) a
    clear part of the line's words, a one-letter slip allowed in longer words."""
    if not lines:
        return NOTHING
    words = words_of(typed)
    if not words:
        return NOTHING
    typed_core = " ".join(words)
    cores = [core(line.label) for line in lines]
    exact = [i for i, each in enumerate(cores) if each == typed_core]
    if len(exact) == 1:
        return Match(exact[0])
    number = _number_with_line(words, cores)
    if number is not None:
        return Match(number) if 0 <= number < len(lines) else NOTHING
    kept = strip_filler(words) or words
    meant = _by_meaning(" ".join(kept), lines) or _by_meaning(typed_core, lines)
    if meant is not None:
        return meant
    return _by_words(kept, cores) if partial else NOTHING


def _number_with_line(words: list[str], cores: list[str]) -> int | None:
    """0-based line of "2", "số 2", or a pasted line "2. Tôi tự đề xuất"; -1 for a
    number that names no line."""
    number = number_in(words)
    if number is None:
        found = _LEADING_NUMBER.match(" ".join(words))
        if not found or not found.group(2):
            return None
        number = int(found.group(1))
        if not 1 <= number <= len(cores) or not _covers(found.group(2).split(),
                                                          cores[number - 1].split()):
            return None
    return number - 1 if 1 <= number <= len(cores) else -1


def _by_meaning(answer: str, lines: Sequence[Line]) -> Match | None:
    for meaning, said in MEANING_WORDS.items():
        if answer in said:
            chosen = [i for i, line in enumerate(lines) if meaning in line.meanings]
            if len(chosen) == 1:
                return Match(chosen[0])
    return None


def _by_words(kept: list[str], cores: list[str]) -> Match:
    if not kept:
        return NOTHING
    # Spelled right first: "an sinh" is "An sinh xã hội", though "sinh" is one letter
    # from "ninh"; a slip counts only where nothing fits as typed.
    fits = [i for i, each in enumerate(cores) if _covers(kept, each.split(), slips=False)]
    fits = fits or [i for i, each in enumerate(cores) if _covers(kept, each.split())]
    if len(fits) > 1:  # "đề xuất": the line that is most of what was typed, if one is
        best = max(len(kept) / len(cores[i].split()) for i in fits)
        fits = [i for i in fits if len(kept) / len(cores[i].split()) == best]
    if len(fits) == 1:
        return Match(fits[0])
    return Match(None, tuple(fits)) if fits else NOTHING


def _covers(typed: list[str], label: list[str], *, slips: bool = True) -> bool:
    """Every typed word is one of the label's words, in the label's order."""
    position = 0
    for word in typed:
        while position < len(label) and not (
                word == label[position] if not slips else _same_word(word, label[position])):
            position += 1
        if position == len(label):
            return False
        position += 1
    return True


@cache
def _same_word(typed: str, word: str) -> bool:
    if typed == word:
        return True
    if min(len(typed), len(word)) < TYPO_MIN_LENGTH or typed.isdigit() or word.isdigit():
        return False
    return DamerauLevenshtein.distance(typed, word, score_cutoff=1) <= 1
