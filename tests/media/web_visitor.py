"""A resident in the web chat of a running process, over HTTP: the same JSON the page
sends. The dialog to the photo step is the one in tests/intake/test_resident_story.py."""

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

DEED = ("Ông Tuấn nhặt được ví có 12 triệu đồng và giấy tờ tuỳ thân trên phố Đội Cấn, "
        "đã mang đến Công an phường để trả lại người đánh rơi.")


def _message_id() -> str:
    # As short as the page's own ids: the inbox keeps "visitor:id" in 64 characters.
    return uuid.uuid4().hex[:16]


@dataclass
class WebVisitor:
    client: httpx.AsyncClient
    last: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def at(cls, base_url: str, *, timeout: float = 120, verify: bool = True) -> "WebVisitor":
        return cls(httpx.AsyncClient(base_url=base_url, timeout=timeout, verify=verify,
                                     headers={"X-NTVT-Chat": "1"}))

    async def open_the_page(self) -> None:
        """The chat page, as a browser opens it first: the server issues the session."""
        if "ntvt_chat" not in self.client.cookies:
            page = await self.client.get("/chat")
            assert page.status_code == 200, page.text
            assert "ntvt_chat" in self.client.cookies, page.headers

    async def _answer(self, response: httpx.Response) -> list[dict[str, Any]]:
        response.raise_for_status()
        self.last = response.json()["replies"]
        return self.last

    async def say(self, text: str) -> list[dict[str, Any]]:
        await self.open_the_page()
        return await self._answer(await self.client.post(
            "/chat/api/message", json={"id": _message_id(), "text": text}))

    async def press(self, label: str) -> list[dict[str, Any]]:
        for reply in reversed(self.last):
            for row in reply["buttons"]:
                for button in row:
                    if label in button["label"]:
                        return await self._answer(await self.client.post(
                            "/chat/api/message",
                            json={"id": _message_id(), "payload": button["payload"]}))
        raise AssertionError(f"no button {label!r} in {self.last}")

    async def photo(self, data: bytes, name: str = "anh.png") -> list[dict[str, Any]]:
        await self.open_the_page()
        return await self._answer(await self.client.post(
            "/chat/api/photo", data={"id": _message_id()},
            files={"photo": (name, data, "image/png")}))

    def text(self) -> str:
        return "\n".join(reply["text"] for reply in self.last)

    async def up_to_the_photos(self, nominee: str = "Nguyễn Văn Tuấn",
                               deed: str = DEED) -> None:
        await self.say("/start")
        if "Tôi đồng ý" in str(self.last):  # consent is asked once
            await self.press("Tôi đồng ý")
        await self.press("Cá nhân")
        await self.say(nominee)
        await self.say("Tổ trưởng tổ dân phố số 3")
        await self.say("doi can")
        await self.press("Phường Đội Cấn")
        await self.say("Ngõ 12 phố Đội Cấn")
        await self.press("An ninh – trật tự")
        await self.say(deed)
        await self.say("15/10/2026")
        assert "ảnh minh chứng" in self.text(), self.text()

    async def send_as_the_proposer(self, name: str = "Trần Thị Hoa",
                                   phone: str = "0912 345 678") -> str:
        """From the photo step to the end: done with photos, the proposer's own name and
        phone, "I propose myself", send. The reference number she is given."""
        await self.press("Xong")
        await self.say(name)
        await self.say(phone)
        await self.press("Tôi tự đề xuất")
        await self.press("Gửi đề xuất")
        found = re.search(r"NTVT-\d{4}-\d+", self.text())
        assert found, self.text()
        return found[0]

    async def close(self) -> None:
        await self.client.aclose()
