"""Phường Ngọc Hà's council has decided a round; staff download its decision, minutes and
proposal to the city and find each laid out as Decree 30/2020 asks, every name with its
accents intact."""

import unicodedata

from handlers.documents.render import shipped_templates
from handlers.documents.rounds import round_document
from tests.documents.rounds_fixture import ANH, HOA, HUONG, KHAI, add_round, lines, table_rows


async def document(db, texts, kind: str) -> bytes:
    async with db.sessions() as session:
        sitting = await add_round(session)
        body = await round_document(session, round_id=sitting.id, kind=kind,
                                    folder=shipped_templates(), texts=texts)
    assert body is not None
    return body


def texts_of(body: bytes) -> list[str]:
    return [line.text for line in lines(body)]


def line_with(body: bytes, text: str):
    return next(line for line in lines(body) if text in line.text)


async def test_the_decision_has_the_state_s_layout_and_its_list(db, texts):
    body = await document(db, texts, "decision")
    shown = texts_of(body)
    # Top left: the issuing body and the number; top right: the motto, place and date.
    assert shown[:6] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG NGỌC HÀ", "Số: 12/QĐ-UBND",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Phường Ngọc Hà, ngày 05 tháng 11 năm 2026"]
    assert line_with(body, "ngày 05 tháng 11").italic
    assert line_with(body, "CỘNG HÒA").bold
    assert line_with(body, "QUYẾT ĐỊNH").bold
    assert "Về việc tặng Giấy khen “Người tốt, việc tốt”" in shown
    assert any(s.startswith("Căn cứ Luật Thi đua, khen thưởng") for s in shown)
    assert any("ngày 28 tháng 10 năm 2026" in s for s in shown)
    assert any(s.startswith("Điều 1. Tặng Giấy khen “Người tốt, việc tốt” cho 2 cá nhân")
               for s in shown)
    assert "Nơi nhận:" in shown
    # The signature block: a deputy signs for the chairman.
    at = shown.index("KT. CHỦ TỊCH")
    assert shown[at:at + 3] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Tâm"]
    # The list: the two honoured at the ward, not the one sent to the city nor the deferred.
    rows = table_rows(body, 2)
    assert rows[0] == ["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"]
    assert [row[:2] for row in rows[1:]] == [["1", ANH], ["2", HUONG]]
    assert rows[1][1].encode() == unicodedata.normalize("NFC", ANH).encode()  # not NFD
    assert rows[1][2] == "Tổ trưởng tổ dân phố, Phường Ngọc Hà"
    assert KHAI not in "".join(shown) and HOA not in "".join(shown)
    assert all(line.fonts <= {"Times New Roman"} and line.sizes <= {11, 12, 13, 14}
               for line in lines(body))


async def test_the_minutes_record_who_sat_and_each_dossier_s_vote(db, texts):
    body = await document(db, texts, "minutes")
    shown = texts_of(body)
    assert "Số: …/BB-HĐTĐKT" in shown
    assert "Phường Ngọc Hà, ngày 28 tháng 10 năm 2026" in shown
    assert "BIÊN BẢN" in shown
    assert "họp Hội đồng Thi đua – Khen thưởng Phường Ngọc Hà" in shown
    assert "Thời gian: ngày 28 tháng 10 năm 2026." in shown
    assert "Địa điểm: Hội trường UBND phường Ngọc Hà." in shown
    assert "- Bùi Quang Sơn, Chủ tịch Ủy ban MTTQ phường, Ủy viên;" in shown
    rows = table_rows(body, 1)
    assert rows[1:] == [
        ["1", ANH, "Phường Ngọc Hà", "7", "0", "0",
         "Đề nghị khen thưởng (Giấy khen của Chủ tịch UBND)"],
        ["2", HUONG, "Phường Ngọc Hà", "6", "1", "0",
         "Đề nghị khen thưởng (Giấy khen của Chủ tịch UBND)"],
        ["3", KHAI, "Phường Ngọc Hà", "7", "0", "0",
         "Đề nghị khen thưởng (Đề nghị lên Thành phố)"],
        ["4", HOA, "Phường Ngọc Hà", "2", "3", "2", "Hoãn xét"]]
    # Signed by the secretary and the chairman of the council, as they sat.
    assert shown[-4:] == ["THƯ KÝ HỘI ĐỒNG", "Vũ Thị Lụa", "CHỦ TỊCH HỘI ĐỒNG", "Lê Văn Tâm"]


async def test_the_proposal_carries_only_the_dossiers_sent_to_the_city(db, texts):
    body = await document(db, texts, "proposal")
    shown = texts_of(body)
    assert shown[2] == "Số: …/TTr-UBND"
    assert "Phường Ngọc Hà, ngày 05 tháng 11 năm 2026" in shown
    assert "TỜ TRÌNH" in shown
    assert "Kính gửi: Hội đồng Thi đua – Khen thưởng Thành phố." in shown
    rows = table_rows(body, 1)
    assert [row[:2] for row in rows[1:]] == [["1", KHAI]]
    at = shown.index("KT. CHỦ TỊCH")
    assert shown[at:at + 3] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Tâm"]
