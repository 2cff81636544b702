"""Helpers for the stories of reviewers whose only chat is Zalo."""

from pathlib import Path

import yaml

from tests.support.fake_zalo import FakeZalo, ZaloUser

ROOT = Path(__file__).resolve().parents[2]
# Reviewers with no Telegram account: the card can reach them only in private on Zalo.
AN = {"username": "ngocha.an", "full_name": "Nguyễn Văn An",
      "accounts": {"zalo": "z-ngocha-an"}, "roles": [{"role": "reviewer", "unit": "ngoc-ha"}]}
BICH = {"username": "ngocha.bich", "full_name": "Đỗ Thị Bích",
        "accounts": {"zalo": "z-ngocha-bich"}, "roles": [{"role": "reviewer", "unit": "ngoc-ha"}]}
KHOA = {"username": "kimma.khoa", "full_name": "Vũ Đăng Khoa",
        "accounts": {"zalo": "z-kimma-khoa"}, "roles": [{"role": "reviewer", "unit": "kim-ma"}]}
DEED = ("Chị Mai nấu cơm miễn phí mỗi trưa cho bệnh nhân nghèo ở cổng bệnh viện suốt "
        "ba năm, không nhận tiền của ai.")


def org_with_zalo_reviewers(directory: Path) -> Path:
    """The demo organisation, plus two Zalo-only reviewers of Phường Ngọc Hà and one of
    Phường Kim Mã."""
    org = yaml.safe_load((ROOT / "examples" / "org_demo.yaml").read_text(encoding="utf-8"))
    org["staff"] += [AN, BICH, KHOA]
    path = directory / "org.yaml"
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


async def nominate_for_ngoc_ha(lan: ZaloUser) -> str:
    """A resident's whole dialog on Zalo; the reference she is given."""
    await lan.say("/start")
    await lan.choose("Tôi đồng ý")
    await lan.choose("Cá nhân")
    await lan.say("Lê Thị Mai")
    await lan.say("Tình nguyện viên bếp ăn")
    await lan.say("ngoc ha")
    await lan.choose("Phường Ngọc Hà")
    await lan.say("Cổng bệnh viện, phố Ngọc Hà")
    await lan.say("an sinh xã hội")
    await lan.say(DEED)
    await lan.choose("Hôm nay")
    await lan.choose("Bỏ qua")
    await lan.choose("Vẫn gửi không có ảnh")
    await lan.choose("Dùng tên: Nguyễn Thị Lan")
    await lan.say("0912 345 678")
    await lan.choose("Tôi tự đề xuất")
    await lan.choose("Gửi đề xuất")
    reference = next(word for word in lan.texts().split() if word.startswith("NTVT-"))
    return reference.rstrip(".,:;!)")


async def card_for(fake: FakeZalo, chat_id: str, reference: str) -> str:
    """Wait for the card naming `reference` in a reviewer's private chat."""
    def arrived(_: object) -> bool:
        return any(reference in str(c.params.get("text", "")) for c in fake.sent_to(chat_id))
    await fake.wait_for(arrived)
    return next(str(c.params["text"]) for c in fake.sent_to(chat_id)
                if reference in str(c.params.get("text", "")))
