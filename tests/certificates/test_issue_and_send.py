"""A ward's reviewer issues the certificates of a decided round from the console: each
honoured person gets one (PDF and picture, numbered within the decision), sent to the
nominator on their own channel and, only for a nominee who consented to be shown, to the
unit's group; pressing twice sends once; the ceremony's batch prints one page each;
a reviewer of another ward is refused; every step is in the access log."""

import io
from collections.abc import AsyncIterator

import pytest
from pypdf import PdfReader
from sqlmodel import col, delete, select

from handlers.certificates.issue import issue_and_send
from handlers.certificates.layout import load_layout
from storage.models import AuditEvent, Certificate, Nomination, Notification, Staff
from tests.certificates.rounds import CONSENTED, LAYOUT, UNCONSENTED, decided_round
from tests.support.chat import NOW
from tests.units.announce_helpers import Outbox

PHUC_XA_GROUP, PHUC_XA_LEADER, NOMINATOR = -1001000000010, "z-5000000002", 9001


@pytest.fixture
async def outbox(console, texts, fake, fake_zalo) -> AsyncIterator[Outbox]:
    found = Outbox(console.db.sessions, texts, console.media, fake, fake_zalo)
    yield found
    await found.close()


async def issue(console, round_id: int):
    form = await console.client.get("/console/announce")  # any page: the session's token
    return await console.client.post(f"/console/rounds/{round_id}/certificates",
                                     data={"csrf": console.csrf(form)})


async def pictures(console) -> list[tuple[str, str, str]]:
    async with console.db.sessions() as session:
        return [(c.number, c.pdf_sha256, c.png_sha256) for c in (await session.exec(
            select(Certificate).where(Certificate.number.endswith("-02")))).all()]  # type: ignore[attr-defined]


async def rows(console) -> list[Notification]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "certificate").order_by(col(Notification.id)))).all())


async def test_certificates_reach_the_nominator_and_only_a_consenting_nominees_group(
        console, fake, fake_zalo, outbox):
    sitting = await decided_round(console.db.sessions)
    await console.sign_in("phucxa.hung")

    done = await issue(console, sitting.round_id)
    assert done.status_code == 303
    assert done.headers["location"].startswith(
        f"/console/rounds/{sitting.round_id}?issued=2&sent=2")
    async with console.db.sessions() as session:
        certificates = (await session.exec(select(Certificate).order_by(
            col(Certificate.number)))).all()
    assert [c.number for c in certificates] == ["12/QĐ-UBND-01", "12/QĐ-UBND-02"]
    assert all(c.sent_at is not None for c in certificates)
    pdf = console.media.read(certificates[0].pdf_sha256, "document")
    png = console.media.read(certificates[0].png_sha256, "chart")
    assert pdf is not None and CONSENTED in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert png is not None and png.startswith(b"\x89PNG")

    queued = await rows(console)
    doors = sorted((r.payload["audience"], r.channel, r.chat_id, r.nomination_id)
                   for r in queued)
    consented, unconsented = sitting.nominations[CONSENTED], sitting.nominations[UNCONSENTED]
    # The nominator hears of both; the group door opens for the consenting nominee only.
    assert doors == sorted([
        ("nominator", "telegram", "9001", consented),
        ("nominator", "telegram", "9001", unconsented),
        ("group", "telegram", str(PHUC_XA_GROUP), consented),
        ("group", "zalo", PHUC_XA_LEADER, consented)])

    again = await issue(console, sitting.round_id)  # a second press issues and sends nothing
    assert again.headers["location"].startswith(
        f"/console/rounds/{sitting.round_id}?issued=0&sent=0")
    assert len(await rows(console)) == 4

    assert await outbox.sender.send_due() == 4
    to_nominator = [c for c in fake.calls if c.params.get("chat_id") in (NOMINATOR,
                                                                          str(NOMINATOR))]
    assert [c.method for c in to_nominator] == ["sendPhoto", "sendDocument"] * 2
    assert "Giấy khen số 12/QĐ-UBND-01 tặng " + CONSENTED in to_nominator[0].params["caption"]
    assert to_nominator[0].params["photo"].startswith(b"\x89PNG")
    assert to_nominator[1].params["document"].startswith(b"%PDF-")
    to_group = [c for c in fake.calls if str(c.params.get("chat_id")) == str(PHUC_XA_GROUP)]
    assert [c.method for c in to_group] == ["sendPhoto", "sendDocument"]
    assert CONSENTED in to_group[0].params["caption"]
    assert all(UNCONSENTED not in str(c.params.get("caption", "")) for c in to_group)
    to_leader = fake_zalo.sent_to(PHUC_XA_LEADER)
    assert [c.method for c in to_leader] == ["sendPhoto", "sendMessage"]
    assert CONSENTED in to_leader[1].params["text"] and UNCONSENTED not in str(to_leader)

    async with console.db.sessions() as session:
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "certificates_issue").order_by(col(AuditEvent.id)))).all()
    assert [(e.allowed, e.detail["issued"], e.detail["sent"]) for e in events] == [
        (True, 2, 2), (True, 0, 0)]


async def test_a_zalo_nominator_gets_the_picture_by_its_signed_link_in_their_language(
        console, fake, fake_zalo, outbox):
    sitting = await decided_round(console.db.sessions, zalo_nominator="z-77001")
    await console.sign_in("phucxa.hung")
    assert (await issue(console, sitting.round_id)).status_code == 303
    assert await outbox.sender.send_due() == 4
    photo, words = fake_zalo.sent_to("z-77001")
    assert photo.method == "sendPhoto"
    assert f"certificate no. 12/QĐ-UBND-02 awarded to {UNCONSENTED}" in words.params["text"]
    [(_, _, png)] = await pictures(console)
    assert photo.params["photo"].split("?")[0] == f"https://phuong.example/media/{png}.png"


async def test_consent_withdrawn_before_sending_shuts_the_group_door_still(
        console, fake, fake_zalo, outbox):
    sitting = await decided_round(console.db.sessions)
    await console.sign_in("phucxa.hung")
    await issue(console, sitting.round_id)
    async with console.db.sessions() as session:
        nomination = await session.get(Nomination, sitting.nominations[CONSENTED])
        assert nomination is not None
        nomination.nominee_consent = None
        session.add(nomination)
        await session.commit()
    await outbox.sender.send_due()
    assert [c for c in fake.calls if str(c.params.get("chat_id")) == str(PHUC_XA_GROUP)] == []
    assert fake_zalo.sent_to(PHUC_XA_LEADER) == []
    assert len([c for c in fake.calls if c.method == "sendDocument"]) == 2  # the nominator


async def test_the_ceremony_batch_has_one_page_per_certificate(console):
    sitting = await decided_round(console.db.sessions)
    await console.sign_in("phucxa.hung")
    assert (await console.client.get(
        f"/console/rounds/{sitting.round_id}/certificates.pdf")).status_code == 404  # none yet
    await issue(console, sitting.round_id)
    batch = await console.client.get(f"/console/rounds/{sitting.round_id}/certificates.pdf")
    assert batch.status_code == 200 and batch.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(batch.content))
    assert len(reader.pages) == 2
    assert [CONSENTED in p.extract_text() for p in reader.pages] == [True, False]
    assert UNCONSENTED in reader.pages[1].extract_text()
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    async with console.db.sessions() as session:
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "certificates_print"))).all()
        first = (await session.exec(select(Certificate).order_by(col(Certificate.id)))).first()
    assert event.allowed and event.detail["pages"] == 2
    assert first is not None
    # One person's, as it was sent: the stored files.
    png = await console.client.get(f"/console/certificates/{first.id}.png")
    assert png.status_code == 200 and png.content == console.media.read(first.png_sha256,
                                                                       "chart")
    pdf = await console.client.get(f"/console/certificates/{first.id}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert CONSENTED in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


async def test_a_reviewer_of_another_ward_can_neither_issue_nor_print(console, texts):
    sitting = await decided_round(console.db.sessions)
    async with console.db.sessions() as session:  # issued by the ward's own reviewer
        hung = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
        await issue_and_send(session, round_id=sitting.round_id, staff_id=hung.id or 0,
                             media=console.media, layout=load_layout(LAYOUT), texts=texts,
                             now=NOW)
        issued = (await session.exec(select(Certificate))).all()
        await session.exec(delete(Notification))
        await session.commit()
    await console.sign_in("doican.mai")
    assert (await issue(console, sitting.round_id)).status_code == 403
    assert (await console.client.get(
        f"/console/rounds/{sitting.round_id}/certificates.pdf")).status_code == 403
    assert (await console.client.get(
        f"/console/certificates/{issued[0].id}.png")).status_code == 403
    assert await rows(console) == []  # nothing sent again by the refused press
    async with console.db.sessions() as session:
        assert len((await session.exec(select(Certificate))).all()) == 2
        refused = (await session.exec(select(AuditEvent).where(
            col(AuditEvent.action).startswith("certificate"),
            col(AuditEvent.allowed).is_(False)))).all()
    assert sorted(e.action for e in refused) == [
        "certificate_open", "certificates_issue", "certificates_print"]


async def test_a_round_without_its_decision_issues_nothing(console):
    sitting = await decided_round(console.db.sessions, decided=False)
    await console.sign_in("phucxa.hung")
    assert (await issue(console, sitting.round_id)).status_code == 409
    async with console.db.sessions() as session:
        assert (await session.exec(select(Certificate))).all() == []
