"""Many residents at once, each completing the whole nomination dialog with answers that
name their author, against a fake Bot API that counts each chat's messages.

Every answer a resident types carries the resident's code (R500123), so a nomination
whose name, role, place or deed came from another resident, or from another of this
resident's answers, is seen at once in the database.
"""

import asyncio
import itertools
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_limits import RateLimitedTelegram, TelegramLimits

ROOT = Path(__file__).resolve().parent.parent.parent
# Wards the unit step finds from their name alone (none has residential groups below it).
WARDS = ["Trúc Bạch", "Vĩnh Phúc", "Cống Vị", "Liễu Giai", "Nguyễn Trung Trực", "Quán Thánh",
         "Điện Biên", "Kim Mã", "Ngọc Khánh", "Giảng Võ"]
# Deeds are drawn from these words, ten per resident (see `residents`).
_WORDS = (
    "dẫn viết chụp liệu dài trước tháng thời đầu nội hết cả trào bỏ phường sẽ xét biết "
    "thành lòng không với cầu mới bố bắt bị tế bên nữa hỏi sáng đề tại hợp sửa độ tới khỏi "
    "nhé khẩu hội thưởng lỗi đâu soạn tờ cần hoặc lựa dành người trạng đang trị hàng mạng "
    "lệnh trưởng trật phải bộ tiêu kênh quyền rồi gốc này tốt nơi có áp trực cụm gì tính "
    "tỷ nút trách đây thị chú mấy tất gọi gần trả khó bạn hơn xác quá xã nhập xuất thì ảnh "
    "ngôn lưu việt từng nào được hãy phạm sẵn rõ thoại tượng tải loại viên chức loạt đến "
    "lần đó họ đa kèm số hoàn việc lạ đô liên hạng từ quả gửi hằng xử biên lúc lý mật tận "
    "mất gõ đúng mã bản quyết diễn đã công trên lớn cùng chúng thứ dùng bảng nhiều chuyển "
    "chót điện khác báo dục dân yêu chọn sàng căn sắp dữ tự câu cái phút lâu còn trùng dở "
    "nghề giá tâm giữ kết kiến chối tác giống tiến tình định địa dưới chỉ dòng đợt cập tạo "
    "điền bước cứ nối hơi cá bấm cán khoảng tệp trường lĩnh của thấy nếu quản làm đầy về "
    "ngữ thuộc ít giáo đủ cụ bằng giấy điểm chào cách thức khớp các vị chính tóm dụng lại "
    "bổ tiếng năm xá hệ muốn nhiệm hạn")
VOCABULARY = _WORDS.split()


@dataclass(frozen=True)
class Answers:
    """What one resident types; each field names the resident."""

    user_id: int
    nominee_name: str
    nominee_role: str
    ward: str
    place: str
    deed: str
    submitter_name: str

    def script(self) -> list[tuple[str, str]]:
        """The 16 updates of a whole nomination, /start to the reference number."""
        return [
            ("say", "/start"), ("press", "consent:yes"), ("press", "nominee_kind:individual"),
            ("say", self.nominee_name), ("say", self.nominee_role), ("say", f"Phường {self.ward}"),
            ("say", self.place), ("press", "field:security_order"), ("say", self.deed),
            ("say", "hôm nay"), ("press", "photos:skip"), ("press", "photos:skip_confirm"),
            ("say", self.submitter_name), ("say", "0912345678"), ("press", "on_behalf:self"),
            ("press", "submit:yes"),
        ]

    def as_stored(self) -> tuple[str, str, str, str, str, str]:
        return (self.nominee_name, self.nominee_role, f"Phường {self.ward}", self.place,
                self.deed, self.submitter_name)


def answers_of(user_id: int, draw: int = 0) -> Answers:
    code = f"R{user_id}"
    words = random.Random(user_id * 100 + draw).sample(VOCABULARY, 10)
    return Answers(
        user_id=user_id, nominee_name=f"Người tốt {code}", nominee_role=f"Tổ trưởng {code}",
        ward=WARDS[user_id % len(WARDS)], place=f"Ngõ {code} phố Kim Mã",
        deed=f"Việc tốt {code}: " + " ".join(words), submitter_name=f"Người gửi {code}")


def residents(first: int, count: int) -> list[Answers]:
    """`count` residents from user id `first` on, none of whose deeds the duplicate check
    would take for another's in the same ward (a draw too close is drawn again), so none
    is offered "this person may already be proposed"."""
    from rapidfuzz import fuzz

    from storage.intake.duplicates import SIMILAR_DEED
    from storage.shared.folding import fold

    chosen: list[Answers] = []
    for user_id in range(first, first + count):
        for draw in itertools.count():
            answers = answers_of(user_id, draw)
            deed = fold(answers.deed)
            if all(fuzz.token_set_ratio(deed, fold(other.deed)) < SIMILAR_DEED - 5
                   for other in chosen if other.ward == answers.ward):
                chosen.append(answers)
                break
    return chosen


async def replies_per_step(sample: Answers) -> list[int]:
    """How many messages the bot sends at each step, from a dry run through the core on a
    throw-away SQLite database: a resident reads them all before the next step."""
    from handlers.intake.conversation import handle
    from handlers.shared.messages import Inbound
    from handlers.shared.texts import Texts
    from handlers.shared.turn import Services
    from storage.media.store import MediaStore
    from storage.migrate import upgrade
    from storage.org.file import read_org_file
    from storage.org.loader import load_org
    from storage.shared.db import make_engine, make_session_factory

    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite+aiosqlite:///{workdir}/dry.db")
        await upgrade(engine)
        sessions = make_session_factory(engine)
        async with sessions() as session:
            await load_org(session, read_org_file(ROOT / "examples" / "org_demo.yaml"))
        services = Services(texts=Texts.load(ROOT / "templates" / "bot"),
                            media=MediaStore(Path(workdir) / "media"))
        counts = []
        for action, value in sample.script():
            inbound = Inbound(channel="telegram", user_id="1", chat_id="1",
                              **({"text": value} if action == "say" else {"payload": value}))
            async with sessions() as session:
                counts.append(len(await handle(inbound, session=session,
                                               now=datetime.now(UTC), services=services)))
        await engine.dispose()
    return counts


class CountingFake(FakeTelegram):
    """The fake Bot API, also counting the messages each chat received and waking whoever
    waits for a chat to reach a count (a scan of every call per wait would not scale)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.received: dict[int, list[str]] = {}
        self.arrived: dict[int, list[float]] = {}  # when each message came (perf_counter)
        self._waiters: dict[int, list[tuple[int, asyncio.Future[None]]]] = {}

    def count(self, chat_id: int) -> int:
        return len(self.received.get(chat_id, []))

    async def until_count(self, chat_id: int, count: int, timeout: float) -> None:
        if self.count(chat_id) >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(chat_id, []).append((count, future))
        await asyncio.wait_for(future, timeout)

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        result = await super()._m_sendMessage(params)
        chat_id = int(params["chat_id"])
        self.received.setdefault(chat_id, []).append(str(params["text"]))
        self.arrived.setdefault(chat_id, []).append(time.perf_counter())
        waiting = self._waiters.get(chat_id, [])
        for target, future in [w for w in waiting if w[0] <= self.count(chat_id)]:
            waiting.remove((target, future))
            if not future.done():
                future.set_result(None)
        return result


class LimitedFake(RateLimitedTelegram, CountingFake):
    """The counting fake behind Telegram's sending limits (30 messages a second per bot,
    20 a minute per group, 1 a second per private chat), from the moment `limit()` is
    called: what comes before it (residents reaching the step measured) is not limited."""

    def __init__(self, token: str) -> None:
        unlimited = (10**9, 1.0)
        super().__init__(token, TelegramLimits(per_bot=unlimited, per_group=unlimited,
                                               per_private=unlimited))

    def limit(self) -> None:
        self.limits = TelegramLimits()


_update_ids = itertools.count(10_000_000)


def update_for(answers: Answers, step: int, message_ids: "itertools.count[int]") -> dict[str, Any]:
    action, value = answers.script()[step]
    user = {"id": answers.user_id, "is_bot": False, "first_name": "Cư dân",
            "last_name": f"R{answers.user_id}", "language_code": "vi"}
    chat = {"id": answers.user_id, "type": "private", "first_name": "Cư dân"}
    update: dict[str, Any] = {"update_id": next(_update_ids)}
    if action == "say":
        update["message"] = {"message_id": next(message_ids), "date": int(time.time()),
                             "chat": chat, "from": user, "text": value}
    else:
        update["callback_query"] = {
            "id": f"{answers.user_id}-{step}", "from": user, "chat_instance": "1", "data": value,
            "message": {"message_id": next(message_ids), "date": int(time.time()), "chat": chat,
                        "text": "…"}}
    return update


@dataclass
class Progress:
    """Where each resident got to; a resident whose step went unanswered stops there."""

    done: set[int] = field(default_factory=set)
    stuck: dict[int, int] = field(default_factory=dict)  # user id -> step left unanswered
    waiting: set[int] = field(default_factory=set)  # residents with a step unanswered now
    first_reply: list[float] = field(default_factory=list)  # seconds, sent to first reply


async def run_residents(fake: CountingFake, send: Callable[[dict[str, Any]], Awaitable[None]],
                        residents: list[Answers], expected: list[int], *,
                        steps: range | None = None, step_timeout: float = 60.0,
                        within: float = 600.0, progress: Progress | None = None) -> Progress:
    """Every resident at once, each step only after all of the previous step's replies.
    A step unanswered for `step_timeout` seconds, or still unanswered `within` seconds
    after the start, leaves the resident stuck there."""
    progress = progress or Progress()
    steps = steps if steps is not None else range(len(expected))
    deadline = time.monotonic() + within

    async def resident(answers: Answers) -> None:
        message_ids = itertools.count(1 + 100 * steps.start)
        chat_id = answers.user_id
        for step in steps:
            before = fake.count(chat_id)
            progress.waiting.add(chat_id)
            started = time.perf_counter()
            await send(update_for(answers, step, message_ids))
            try:
                await fake.until_count(chat_id, before + expected[step],
                                       max(0.0, min(step_timeout, deadline - time.monotonic())))
            except TimeoutError:
                progress.stuck[chat_id] = step
                return
            finally:
                progress.waiting.discard(chat_id)
            progress.first_reply.append(fake.arrived[chat_id][before] - started)
        progress.done.add(chat_id)

    await asyncio.gather(*(resident(a) for a in residents))
    return progress
