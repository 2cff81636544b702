"""Tables staff read sort names as a Vietnamese dictionary does, and equal scores share a
rank: "1, 1, 3"."""

import random

import pytest

from handlers.shared.vietnamese_order import competition_ranks, vi_key, vi_sorted

# Each line must come before the next; the reason is on the right.
ORDER = [
    ("An", "a, no tone"),
    ("Anh", "a longer word after its prefix"),
    ("Ăn", "ă after a, as its own letter"),
    ("Âu", "â after ă"),
    ("Ba Đình", "ngang before huyền, syllable by syllable"),
    ("Bà Triệu", "huyền"),
    ("Bả", "hỏi"),
    ("Bã", "ngã"),
    ("Bá", "sắc"),
    ("Bạ", "nặng"),
    ("Bách", "a longer syllable after every tone of the shorter one"),
    ("Dương", "d"),
    ("Đào", "Đ after every D"),
    ("Đội Cấn", "đ, then ô"),
    ("Em", "e"),
    ("Ênh", "ê after e"),
    ("Giảng Võ", "g"),
    ("Ngọc Hà", "ngo"),
    ("Ngọc Khánh", "then the second syllable"),
    ("Nguyễn Trung Trực", "ngu after ngo"),
    ("Ô Chợ Dừa", "ô after o"),
    ("Ơn", "ơ after ô"),
    ("Tổ 2", "a number by its value"),
    ("Tổ 10", "10 after 2"),
    ("Uyên", "u"),
    ("Ưng", "ư after u"),
    ("Yên Phụ", "y last"),
]


def test_the_table_is_in_vietnamese_order():
    names = [name for name, _ in ORDER]
    shuffled = names[:]
    random.Random(17).shuffle(shuffled)
    assert sorted(shuffled, key=vi_key) == names


@pytest.mark.parametrize("earlier,later", [("Phường Đội Cấn", "Phường Giảng Võ"),
                                           ("Phường Dịch Vọng", "Phường Điện Biên"),
                                           ("phường điện biên", "Phường Đội Cấn")])
def test_d_with_a_stroke_comes_after_d_and_before_e(earlier, later):
    assert vi_key(earlier) < vi_key(later)
    assert sorted([later, earlier], key=vi_key) == [earlier, later]


def test_the_wards_of_ba_dinh_in_order():
    wards = ["Phường Vĩnh Phúc", "Phường Điện Biên", "Phường Đội Cấn", "Phường Cống Vị",
             "Phường Ngọc Khánh", "Phường Nguyễn Trung Trực", "Phường Ngọc Hà",
             "Phường Quán Thánh", "Phường Giảng Võ", "Phường Kim Mã", "Phường Liễu Giai",
             "Phường Thành Công", "Phường Trúc Bạch", "Phường Phúc Xá"]
    assert vi_sorted(wards, lambda name: name) == [
        "Phường Cống Vị", "Phường Điện Biên", "Phường Đội Cấn", "Phường Giảng Võ",
        "Phường Kim Mã", "Phường Liễu Giai", "Phường Ngọc Hà", "Phường Ngọc Khánh",
        "Phường Nguyễn Trung Trực", "Phường Phúc Xá", "Phường Quán Thánh",
        "Phường Thành Công", "Phường Trúc Bạch", "Phường Vĩnh Phúc"]


def test_typed_in_decomposed_form_or_in_capitals_it_sorts_the_same():
    import unicodedata
    decomposed = unicodedata.normalize("NFD", "Đội Cấn")
    assert vi_key(decomposed)[0] == vi_key("Đội Cấn")[0] == vi_key("ĐỘI CẤN")[0]


@pytest.mark.parametrize("scores,ranks", [
    ([5, 5, 3], [1, 1, 3]),
    ([9, 7, 7, 7, 2], [1, 2, 2, 2, 5]),
    ([4, 3, 2], [1, 2, 3]),
    ([0, 0, 0], [1, 1, 1]),
    ([], []),
])
def test_equal_scores_share_a_rank_and_the_next_skips(scores, ranks):
    assert competition_ranks(scores) == ranks
