"""The contest's word count, checked against samples a Vietnamese reader counted by hand."""

import pytest

from handlers.contest.word_count import count_words

HAND_COUNTED = [
    ("Người tốt, việc tốt.", 4),
    ("Bà Nguyễn Thị Hoa", 4),
    ("Hà Nội", 2),
    ("Hà-Nội", 1),
    ("Năm 2025 phường có 1.300 lượt", 6),
    ("Quỹ được 12,5 triệu đồng", 5),
    ("Ngày 10/3/2026 ông đến", 4),
    ("Tỉ lệ đạt 30%", 4),
    ("Đại dịch COVID-19 năm ấy", 5),
    ("Chị là F0-F1 rồi", 4),
    ("UBND phường Bến Thành", 4),
    ("Về TP.HCM lập nghiệp", 4),
    ("Ở Q.1 có nhiều gương sáng", 6),
    ("Hội LHPN và Đoàn TNCS Hồ Chí Minh", 8),
    ("Anh ấy nói - rồi đi", 5),
    ("Ông – người thầy – vẫn dạy", 5),
    ("Thương nhau—và giúp nhau", 5),
    ("Vậy…rồi sao", 3),
    ("« Cảm ơn bác ! »", 3),
    ("( ... )", 0),
    ("", 0),
    ("   \n\t  ", 0),
    ("Dòng một\nDòng hai\n\nDòng ba", 6),
    ("Cụ bà 90 tuổi, tổ dân phố 12, khu phố 3.", 11),
    ("“Lá lành đùm lá rách”", 5),
]


@pytest.mark.parametrize(("text", "words"), HAND_COUNTED)
def test_a_reader_counts_the_same_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_an_article_of_the_rules_length_is_counted_as_its_syllables() -> None:
    article = " ".join(["Người tốt việc tốt ở khu phố, 2026."] * 200)
    assert count_words(article) == 8 * 200
