"""The console's queue and search, and the duplicate check at submit, over 100,000
nominations on PostgreSQL.

A throw-away database is filled with nominations spread over the demo district's units,
two years and every status, a third of them with photos. Then, through the real console
app (in process, signed in), each kind of queue page is timed, beside a baseline from the
same app in the same run: the sign-in page, which passes the same middleware and template
engine and touches no table. The duplicate check runs as at submit, for a new resident's
nominee, deed and photo, beside a baseline of one indexed lookup (a reference number).

    .venv/bin/python benchmarks/review_queue.py --nominations 100000 --samples 200
"""

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.shared.texts import Texts
from storage.intake.duplicates import likely_duplicates
from storage.intake.status import find_by_reference
from storage.media.store import MediaStore
from storage.migrate import upgrade
from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.org.staff_auth import set_password_hash
from storage.shared.db import make_engine, make_session_factory
from storage.shared.folding import fold
from web.app import create_app, make_context
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.passwords import hash_password
from web.console.routes import build_router as console_router
from web.console.sign_in_pages import build_router as console_sign_in_router
from web.console.totp_box import SecretBox

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-password-2026"
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung",
         "Phong", "Phúc", "Phương", "Quân", "Quý", "Sơn", "Tâm", "Thảo", "Thắng", "Thành",
         "Thủy", "Tiến", "Trang", "Trung", "Tú", "Tuấn", "Vân", "Việt", "Xuân", "Yến"]
WHO = ["Ông", "Bà", "Anh", "Chị", "Cháu", "Cụ", "Cô giáo", "Bác sĩ", "Tổ trưởng"]
DID = ["nhặt được ví tiền và giấy tờ, mang đến công an phường trả lại người mất",
       "dạy chữ miễn phí cho trẻ em có hoàn cảnh khó khăn mỗi tối",
       "lao xuống hồ cứu một cháu bé bị đuối nước",
       "nấu cơm miễn phí cho bệnh nhân nghèo ở bệnh viện",
       "tự bỏ tiền sửa con ngõ lầy lội cho bà con đi lại",
       "vận động học sinh bỏ học quay lại trường",
       "cùng tổ bảo vệ dân phố bắt giữ kẻ cướp giật túi xách",
       "khám bệnh và phát thuốc miễn phí cho người già neo đơn",
       "trồng cây xanh và dọn rác dọc bờ sông",
       "chở miễn phí người khuyết tật đi khám bệnh",
       "hiến máu tình nguyện nhiều lần",
       "nhận nuôi hai cháu mồ côi trong tổ dân phố"]
WHERE = ["ở phố Kim Mã", "trong ngõ Văn Chương", "ở chợ Ngọc Hà", "bên hồ Trúc Bạch",
         "ở nhà văn hoá tổ dân phố", "trên đường Hoàng Hoa Thám", "ở khu tập thể Giảng Võ",
         "gần bến xe buýt Cầu Giấy", "ở trường tiểu học Nguyễn Trung Trực"]
WHEN = ["suốt ba năm qua", "vào một buổi trưa hè", "mỗi sáng chủ nhật", "trong đợt mưa lũ",
        "từ năm 2019 đến nay", "trong dịp Tết Nguyên đán"]
FIELDS = ["economy", "urban_order", "culture_society", "education", "health",
          "security_order", "social_welfare", "other"]
STATUSES = (["approved"] * 50 + ["rejected"] * 15 + ["submitted"] * 10 + ["in_review"] * 10
            + ["needs_info"] * 5 + ["verified"] * 5 + ["duplicate"] * 5)


def a_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def a_deed(rng: random.Random) -> str:
    return f"{rng.choice(WHO)} {rng.choice(DID)} {rng.choice(WHERE)} {rng.choice(WHEN)}."


def a_phash(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


async def recreate_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def fill(dsn: str, count: int, rng: random.Random) -> None:
    """Nominations, and photo rows for a third of them, by COPY: minutes become seconds."""
    connection = await asyncpg.connect(dsn)
    try:
        units = [row["id"] for row in await connection.fetch(
            "SELECT id FROM unit WHERE parent_id IS NOT NULL")]
        consent = await connection.fetchval(
            "INSERT INTO consent (channel, user_id, notice_version, accepted_at) "
            "VALUES ('telegram', '9001', '2026-01', $1) RETURNING id", NOW)
        nominations, photos = [], []
        for number in range(1, count + 1):
            name, deed = a_name(rng), a_deed(rng)
            reference = f"NTVT-2025-{number:06d}"
            role, place = "Tổ trưởng tổ dân phố", f"Số {rng.randint(1, 200)} {rng.choice(WHERE)}"
            created = NOW - timedelta(seconds=rng.randint(0, 2 * 365 * 86400))
            nominations.append((
                number, reference, rng.choice(STATUSES), "individual", name, fold(name), role,
                rng.choice(units), place, rng.choice(FIELDS), deed, "15/10/2026",
                "Trần Thị Bình", "+84912345678", "telegram", "9001", "9001", "vi", consent,
                created, fold(" ".join([reference, name, role, place, deed, "Trần Thị Bình"]))))
            if rng.random() < 1 / 3:
                for _ in range(rng.randint(1, 3)):
                    photos.append((f"{rng.getrandbits(256):064x}", 1280, 960, 200_000,
                                   "telegram", "9001", number, a_phash(rng), created))
        await connection.copy_records_to_table("nomination", records=nominations, columns=[
            "id", "reference", "status", "nominee_kind", "nominee_name", "nominee_name_folded",
            "nominee_role", "unit_id", "place", "field", "deed", "deed_date", "submitter_name",
            "submitter_phone", "channel", "submitter_user_id", "submitter_chat_id", "locale",
            "consent_id", "created_at", "search_folded"])
        await connection.copy_records_to_table("photo", records=photos, columns=[
            "sha256", "width", "height", "size_bytes", "channel", "user_id", "nomination_id",
            "phash", "created_at"])
        await connection.execute(
            "SELECT setval('nomination_id_seq', (SELECT max(id) FROM nomination))")
        # What autovacuum does on a live database: statistics, and the visibility map
        # that lets the area index answer without visiting the table.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def timed(samples: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    for warm in range(5):
        await call(warm)
    spent = []
    for sample in range(samples):
        started = time.perf_counter()
        await call(sample)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


async def signed_in(client: httpx.AsyncClient, username: str) -> None:
    form = await client.get("/console/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    answer = await client.post("/console/login", data={
        "username": username, "password": PASSWORD, "csrf": csrf})
    assert answer.status_code == 303, answer.text


def page_getter(client: httpx.AsyncClient, path: str,
                params: Callable[[int], dict[str, str]]) -> Callable[[int], Awaitable[object]]:
    async def get(sample: int) -> object:
        response = await client.get(path, params=params(sample))
        assert response.status_code == 200, response.status_code
        return response
    return get


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="ntvt_bench")
    args = parser.parse_args()

    rng = random.Random(2026)
    dsn = args.admin_url.rsplit("/", 1)[0] + f"/{args.database}"
    await recreate_database(args.admin_url, args.database)
    engine = make_engine(dsn.replace("postgresql://", "postgresql+asyncpg://"))
    await upgrade(engine)
    sessions = make_session_factory(engine)
    async with sessions() as session:
        await load_org(session, read_org_file(ROOT / "examples" / "org_demo.yaml"))
        for username in ("noivu.lan", "doican.mai"):
            await set_password_hash(session, username, hash_password(PASSWORD))
        await session.commit()
    started = time.perf_counter()
    await fill(dsn, args.nominations, rng)
    print(f"filled {args.nominations} nominations in {time.perf_counter() - started:.1f} s")

    texts = Texts.load(ROOT / "templates" / "bot")
    context = make_context(sessions, texts, ROOT / "templates")
    with tempfile.TemporaryDirectory() as media:
        app = create_app(context, templates_dir=ROOT / "templates",
                         routers=[console_sign_in_router(context, SecretBox(None)),
                                  console_router(context, MediaStore(Path(media)))],
                         exception_handlers={SignInNeeded: sign_in_redirect})
        transport = httpx.ASGITransport(app=app)
        admin = httpx.AsyncClient(transport=transport, base_url="http://ward.test")
        reviewer = httpx.AsyncClient(transport=transport, base_url="http://ward.test")
        anonymous = httpx.AsyncClient(transport=transport, base_url="http://ward.test")
        # The district's reviewer sees every nomination as the admin does, without the
        # admin's second factor to go through.
        await signed_in(admin, "noivu.lan")
        await signed_in(reviewer, "doican.mai")

        def searching(sample: int) -> dict[str, str]:
            return {"q": fold(a_name(random.Random(sample)))}

        scenarios: dict[str, Callable[[int], Awaitable[object]]] = {
            "baseline: sign-in page, no query": page_getter(anonymous, "/console/login",
                                                            lambda _: {}),
            "queue, newest first (admin, all 100k)": page_getter(admin, "/console",
                                                                 lambda _: {}),
            "queue, page 40 (admin)": page_getter(admin, "/console", lambda _: {"page": "40"}),
            "queue, submitted, own wards (reviewer)": page_getter(
                reviewer, "/console", lambda _: {"status": "submitted"}),
            "queue, overdue (admin)": page_getter(admin, "/console", lambda _: {"overdue": "1"}),
            "queue, with photos, health (admin)": page_getter(
                admin, "/console", lambda _: {"photos": "1", "field": "health"}),
            "search, a full name (admin)": page_getter(admin, "/console", searching),
            "search, a place word (reviewer)": page_getter(reviewer, "/console",
                                                          lambda _: {"q": "van chuong"}),
        }

        async def reference_lookup(sample: int) -> object:
            async with sessions() as session:
                return await find_by_reference(session, f"NTVT-2025-{sample + 1:06d}")

        units = [u for u in range(2, 40)]

        async def duplicate_check(sample: int) -> object:
            draw = random.Random(10_000 + sample)
            async with sessions() as session:
                return await likely_duplicates(
                    session, unit_id=draw.choice(units), nominee_name=a_name(draw),
                    deed=a_deed(draw), photo_hashes=[a_phash(draw)], now=NOW)

        checks = {"baseline: one lookup by reference": reference_lookup,
                  "duplicate check at submit": duplicate_check}
        # As `python -m bot` does once it is set up: long-lived objects leave the garbage
        # collector's sight, so full collections stay short.
        gc.collect()
        gc.freeze()
        results: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.repeats):
            for label, call in {**scenarios, **checks}.items():
                spent = await timed(args.samples, call)
                results.setdefault(label, []).append((percentile(spent, 0.5),
                                                      percentile(spent, 0.95)))
        for client in (admin, reviewer, anonymous):
            await client.aclose()
    await engine.dispose()

    print(f"\n{args.nominations} nominations, {args.samples} samples × {args.repeats} runs; "
          "medians over the runs")
    print(f"{'':45} {'p50 ms':>8} {'p95 ms':>8}")
    for label, runs in results.items():
        p50 = statistics.median(r[0] for r in runs)
        p95 = statistics.median(r[1] for r in runs)
        print(f"{label:45} {p50:8.1f} {p95:8.1f}   (p95 of runs: "
              f"{', '.join(f'{r[1]:.1f}' for r in runs)})")
    base_page = statistics.median(r[1] for r in results["baseline: sign-in page, no query"])
    base_lookup = statistics.median(r[1] for r in results["baseline: one lookup by reference"])
    worst_page = max(statistics.median(r[1] for r in runs) for label, runs in results.items()
                     if label.startswith(("queue", "search")))
    dup = statistics.median(r[1] for r in results["duplicate check at submit"])
    print(f"\nworst queue/search p95 {worst_page:.1f} ms = {worst_page / base_page:.1f}× the "
          f"page baseline (target < 150 ms): {'met' if worst_page < 150 else 'NOT met'}")
    print(f"duplicate check p95 {dup:.1f} ms = {dup / base_lookup:.1f}× one lookup "
          f"(target < 30 ms): {'met' if dup < 30 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
