"""What residents really type at the dialog's menus, and the line each one means.

The menus are built from the real button texts (templates/bot/vi.yaml and en.yaml) and
the real payloads, so renaming a button re-checks every answer here.
"""

from pathlib import Path

import pytest

from handlers.intake.flow import STEPS
from handlers.intake.menu import meanings_of
from handlers.shared.texts import Texts
from handlers.shared.typed_answers import Line, command_in, match

TEXTS = Texts.load(Path(__file__).parents[2] / "templates" / "bot")
AMBIGUOUS = "ambiguous"


def menu(locale: str, name: str) -> list[tuple[str, str]]:
    """(label, payload) of each line of one of the dialog's menus."""
    def b(key: str, payload: str, **values: str) -> tuple[str, str]:
        return TEXTS.get(locale, key, **values), payload

    def choices(step: str, options: tuple[str, ...]) -> list[tuple[str, str]]:
        return [b(f"choice.{step}.{o}", f"{step}:{o}") for o in options]

    edits = [b("button.edit", f"edit:{s.name}", label=TEXTS.get(locale, f"label.{s.name}"))
             for s in STEPS if s.name != "on_behalf_of"]
    return {
        "consent": [b("button.consent_yes", "consent:yes"), b("button.consent_no", "consent:no")],
        "kind": choices("nominee_kind", ("individual", "collective")),
        "field": choices("field", ("economy", "urban_order", "culture_society", "education",
                                   "health", "security_order", "social_welfare", "other")),
        "on_behalf": choices("on_behalf", ("self", "other")),
        "first_photo": [b("button.skip_photos", "photos:skip")],
        "more_photos": [b("button.done", "photos:done"), b("button.clear_photos", "photos:clear")],
        "no_photos": [b("button.skip_confirm", "photos:skip_confirm"),
                      b("button.send_photos", "photos:back")],
        "summary": [b("button.submit", "submit:yes"), *edits, b("button.cancel", "cmd:cancel")],
        "resume": [b("button.resume", "resume:continue"), b("button.restart", "resume:new")],
        "confirm_cancel": [b("button.cancel_yes", "cancel:yes"),
                           b("button.cancel_no", "cancel:no")],
        "main": [b("button.new", "cmd:start"), b("button.my", "cmd:my"),
                 b("button.privacy", "privacy:open"), b("button.help", "cmd:help")],
        "withdraw": [b("withdraw.yes", "withdraw:yes:7"), b("withdraw.no", "withdraw:no")],
        "answer": [b("answer.send_button", "answer:send")],
        "lang": [b("button.lang_vi", "lang:vi"), b("button.lang_en", "lang:en")],
    }[name]


ANSWERS = [
    # The notice: "Bạn có đồng ý để tiếp tục không?"
    ("consent", "Đồng ý", "consent:yes"),
    ("consent", "đồng ý ạ", "consent:yes"),
    ("consent", "có", "consent:yes"),
    ("consent", "Có ạ", "consent:yes"),
    ("consent", "ok", "consent:yes"),
    ("consent", "OK", "consent:yes"),
    ("consent", "oke", "consent:yes"),
    ("consent", "dong y", "consent:yes"),
    ("consent", "Dạ đồng ý", "consent:yes"),
    ("consent", "dạ vâng", "consent:yes"),
    ("consent", "vâng", "consent:yes"),
    ("consent", "Tôi đồng ý", "consent:yes"),
    ("consent", "✅ Tôi đồng ý", "consent:yes"),
    ("consent", "đồng ý 👍", "consent:yes"),
    ("consent", "được", "consent:yes"),
    ("consent", "uh", "consent:yes"),
    ("consent", "số 1", "consent:yes"),
    ("consent", "một", "consent:yes"),
    ("consent", "1.", "consent:yes"),
    ("consent", "1", "consent:yes"),
    ("consent", "1️⃣", "consent:yes"),
    ("consent", "chọn 1 nhé", "consent:yes"),
    ("consent", "1. Tôi đồng ý", "consent:yes"),
    ("consent", "Không", "consent:no"),
    ("consent", "không ạ", "consent:no"),
    ("consent", "ko", "consent:no"),
    ("consent", "k", "consent:no"),
    ("consent", "chưa", "consent:no"),
    ("consent", "không đồng ý", "consent:no"),
    ("consent", "Khong dong y", "consent:no"),
    ("consent", "2", "consent:no"),
    ("consent", "số hai", "consent:no"),
    ("consent", "hai", "consent:no"),
    ("consent", "xin chào", None),
    ("consent", "3", None),
    ("consent", "ảnh đây", None),
    # "Cá nhân hay tập thể?"
    ("kind", "cá nhân", "nominee_kind:individual"),
    ("kind", "ca nhan", "nominee_kind:individual"),
    ("kind", "một người", None),
    ("kind", "tập thể", "nominee_kind:collective"),
    ("kind", "tap the a", "nominee_kind:collective"),
    ("kind", "Tập thể tổ dân phố", None),
    ("kind", "2 ạ", "nominee_kind:collective"),
    ("kind", "👥", None),
    # The field
    ("field", "an sinh", "field:social_welfare"),
    ("field", "an sinh xã hội", "field:social_welfare"),
    ("field", "An sinh xa hoi", "field:social_welfare"),
    ("field", "y tế", "field:health"),
    ("field", "y te", "field:health"),
    ("field", "giáo dục", "field:education"),
    ("field", "giao duc a", "field:education"),
    ("field", "kinh tế", "field:economy"),
    ("field", "trật tự đô thị", "field:urban_order"),
    ("field", "đô thị", "field:urban_order"),
    ("field", "an ninh", "field:security_order"),
    ("field", "văn hoá", "field:culture_society"),
    ("field", "văn hóa", "field:culture_society"),
    ("field", "khác", "field:other"),
    ("field", "lĩnh vực khác", "field:other"),
    ("field", "trật tự", AMBIGUOUS),
    ("field", "xã hội", AMBIGUOUS),
    ("field", "7", "field:social_welfare"),
    ("field", "số 5", "field:health"),
    ("field", "tám", "field:other"),
    ("field", "9", None),
    ("field", "tài chính", None),
    ("field", "giáo duc", "field:education"),
    ("field", "khacs", "field:other"),
    # "Tự đề xuất hay thay cho người khác?"
    ("on_behalf", "tự đề xuất", "on_behalf:self"),
    ("on_behalf", "tôi tự đề xuất", "on_behalf:self"),
    ("on_behalf", "tu de xuat", "on_behalf:self"),
    ("on_behalf", "thay cho người khác", "on_behalf:other"),
    ("on_behalf", "thay", "on_behalf:other"),
    ("on_behalf", "người khác", "on_behalf:other"),
    ("on_behalf", "1", "on_behalf:self"),
    # Photos
    ("first_photo", "bỏ qua", "photos:skip"),
    ("first_photo", "không có ảnh", "photos:skip"),
    ("first_photo", "không", "photos:skip"),
    ("first_photo", "1", "photos:skip"),
    ("more_photos", "xong", "photos:done"),
    ("more_photos", "Xong rồi", "photos:done"),
    ("more_photos", "xong roi a", "photos:done"),
    ("more_photos", "hết rồi", "photos:done"),
    ("more_photos", "đủ rồi", "photos:done"),
    ("more_photos", "done", "photos:done"),
    ("more_photos", "xonh", "photos:done"),
    ("more_photos", "xoá ảnh", "photos:clear"),
    ("more_photos", "xoa anh da gui", "photos:clear"),
    ("more_photos", "2", "photos:clear"),
    # "Đề xuất không có ảnh sẽ khó thẩm định hơn. Bạn có ảnh nào … không?"
    ("no_photos", "có", "photos:back"),
    ("no_photos", "không", "photos:skip_confirm"),
    ("no_photos", "ko có", "photos:skip_confirm"),
    ("no_photos", "vẫn gửi", "photos:skip_confirm"),
    ("no_photos", "gửi ảnh", "photos:back"),
    # The summary
    ("summary", "gửi", "submit:yes"),
    ("summary", "gui", "submit:yes"),
    ("summary", "gửi đi", "submit:yes"),
    ("summary", "Gửi đề xuất", "submit:yes"),
    ("summary", "ok", "submit:yes"),
    ("summary", "xong", "submit:yes"),
    ("summary", "1", "submit:yes"),
    ("summary", "huỷ", "cmd:cancel"),
    ("summary", "hủy", "cmd:cancel"),
    ("summary", "sửa ảnh", "edit:photos"),
    ("summary", "điện thoại", "edit:submitter_phone"),
    ("summary", "sửa số điện thoại", "edit:submitter_phone"),
    ("summary", "người đề xuất", "edit:submitter_name"),
    ("summary", "địa điểm", "edit:place"),
    ("summary", "thời gian", "edit:deed_date"),
    ("summary", "sửa việc tốt", "edit:deed"),
    ("summary", "đề xuất", AMBIGUOUS),
    # Resume, confirm a cancel, withdraw, answer more
    ("resume", "tiếp tục", "resume:continue"),
    ("resume", "tiep", "resume:continue"),
    ("resume", "làm lại", "resume:new"),
    ("resume", "làm lại từ đầu", "resume:new"),
    ("confirm_cancel", "có", "cancel:yes"),
    ("confirm_cancel", "huỷ", "cancel:yes"),
    ("confirm_cancel", "không", "cancel:no"),
    ("confirm_cancel", "tiếp tục", "cancel:no"),
    ("withdraw", "rút", "withdraw:yes:7"),
    ("withdraw", "đồng ý", "withdraw:yes:7"),
    ("withdraw", "không", "withdraw:no"),
    ("withdraw", "giữ lại", "withdraw:no"),
    ("answer", "xong", "answer:send"),
    ("answer", "gửi bổ sung", "answer:send"),
    # The main menu
    ("main", "hướng dẫn", "cmd:help"),
    ("main", "ℹ️ Hướng dẫn", "cmd:help"),
    ("main", "đề xuất của tôi", "cmd:my"),
    ("main", "của tôi", AMBIGUOUS),  # "Đề xuất của tôi" or "Dữ liệu của tôi"
    ("main", "dữ liệu", "privacy:open"),
    ("main", "du lieu cua toi", "privacy:open"),
    ("main", "đề xuất người tốt", "cmd:start"),
    ("main", "đề xuất", AMBIGUOUS),
    ("main", "4", "cmd:help"),
    ("lang", "english", "lang:en"),
    ("lang", "tiếng việt", "lang:vi"),
    ("lang", "tieng viet", "lang:vi"),
]

ENGLISH_ANSWERS = [
    ("consent", "yes", "consent:yes"),
    ("consent", "I agree", "consent:yes"),
    ("consent", "agree", "consent:yes"),
    ("consent", "no", "consent:no"),
    ("consent", "no thanks", None),
    ("kind", "a group", "nominee_kind:collective"),
    ("kind", "person", "nominee_kind:individual"),
    ("field", "health", "field:health"),
    ("field", "welfare", "field:social_welfare"),
    ("more_photos", "done", "photos:done"),
    ("more_photos", "that's all", "photos:done"),
    ("summary", "send", "submit:yes"),
    ("summary", "cancel", "cmd:cancel"),
    ("on_behalf", "myself", "on_behalf:self"),
    ("on_behalf", "on behalf", "on_behalf:other"),
]


def chosen(locale: str, name: str, typed: str) -> str | None:
    lines = menu(locale, name)
    found = match(typed, [Line(label, meanings_of(payload)) for label, payload in lines])
    if found.ambiguous:
        return AMBIGUOUS
    return lines[found.chosen][1] if found.chosen is not None else None


def test_the_table_holds_over_a_hundred_real_answers():
    assert len(ANSWERS) + len(ENGLISH_ANSWERS) >= 100


@pytest.mark.parametrize("name, typed, expected", ANSWERS)
def test_a_typed_answer_finds_its_line(name, typed, expected):
    assert chosen("vi", name, typed) == expected


@pytest.mark.parametrize("name, typed, expected", ENGLISH_ANSWERS)
def test_an_english_answer_finds_its_line(name, typed, expected):
    assert chosen("en", name, typed) == expected


@pytest.mark.parametrize("typed, command", [
    ("huỷ", "cancel"), ("hủy", "cancel"), ("Huỷ ạ", "cancel"), ("thôi", "cancel"),
    ("thôi không làm nữa", "cancel"), ("cancel", "cancel"),
    ("làm lại", "start"), ("bắt đầu lại", "start"), ("đề xuất", "start"),
    ("trợ giúp", "help"), ("hướng dẫn", "help"), ("giúp với", "help"), ("help", "help"),
    ("quay lại", "back"), ("Quay lại ạ", "back"), ("back", "back"),
    ("Nguyễn Thị Hoa", None), ("huỷ hoại môi trường", None), ("đúng", None),
])
def test_commands_said_in_words(typed, command):
    assert command_in(typed) == command
