"""The SQLModel tables. Alembic migrations in storage/migrations are the only way they change."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    """A timezone-aware timestamp column (naive datetimes are a bug waiting to happen)."""
    return Field(
        default=None if nullable else ..., sa_column=Column(DateTime(timezone=True),
                                                             nullable=nullable, index=index)
    )


class Unit(SQLModel, table=True):
    """A node of the organisation tree: ward, residential group, department, school, ..."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    name_folded: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=40)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    position: int = 0
    active: bool = True


class Cluster(SQLModel, table=True):
    """An emulation cluster (cụm thi đua): a tag that groups similar units."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)


class UnitCluster(SQLModel, table=True):
    __tablename__ = "unit_cluster"
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)


class UnitChat(SQLModel, table=True):
    """A unit's staff group chat on one channel."""

    __tablename__ = "unit_chat"
    __table_args__ = (UniqueConstraint("unit_id", "channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    active: bool = True
    # "org_file" rows follow the organisation file; "link" rows were bound by /link in
    # the group and survive reloading the file.
    source: str = Field(default="org_file", max_length=16,
                        sa_column_kwargs={"server_default": "org_file"})


class LinkCode(SQLModel, table=True):
    """A one-time code staff make (console or CLI) for `/link CODE` in a group chat, or
    (`for_staff_id`) for a staff member to send the bot privately, linking that account."""

    __tablename__ = "link_code"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)  # sha256: the code itself is a secret
    # A group's code names its unit; a staff member's own code (sent to the bot in a
    # private chat) names them instead, and saves that chat account as theirs.
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    for_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_chat: str | None = Field(default=None, max_length=90)


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    # TOTP two-factor: the confirmed secret (base32), one shown but not yet confirmed by a
    # code, and the last 30-second step a code was accepted for, so no code works twice.
    totp_secret: str | None = Field(default=None, max_length=128)  # sealed: totp_box.py
    totp_pending: str | None = Field(default=None, max_length=128)
    totp_last_step: int | None = None


class StaffAccount(SQLModel, table=True):
    """Which chat-platform user a staff member is, so a button press can be checked."""

    __tablename__ = "staff_account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=64)


class StaffRole(SQLModel, table=True):
    """A role over a unit's whole subtree (admin, reviewer, viewer)."""

    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("staff_id", "unit_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(max_length=16)


class StaffSession(SQLModel, table=True):
    """A console login. The cookie holds a random token; only its hash is stored, so a
    leaked database holds no usable session."""

    __tablename__ = "staff_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    # "signed" can use the console; "code" and "enrol" are the half-signed step after the
    # password, which can only finish the second factor (web/console/two_factor.py).
    stage: str = Field(default="signed", max_length=8,
                       sa_column_kwargs={"server_default": "signed"})
    last_seen_at: datetime | None = _ts(nullable=True)
    ip: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    user_agent: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class LoginAttempt(SQLModel, table=True):
    """Console sign-ins, kept to slow down password guessing (per name and address, and
    per address) and for the audit of who signed in. `step`: password (signed in, or the
    password wrong), half (the password right, a second factor to come), code or enrol
    (the second factor), password_change (the current password, checked on the console's
    page), throttled (refused before any check, not counted as a guess)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_recent", "username", "at"),
                      Index("ix_login_attempt_ip", "ip", "at"))
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    ip: str = Field(max_length=64)
    succeeded: bool
    at: datetime = _ts()
    step: str = Field(default="password", max_length=16,
                      sa_column_kwargs={"server_default": "password"})


class InboxUpdate(SQLModel, table=True):
    """Every update as it arrived, committed before the platform is acknowledged."""

    __tablename__ = "inbox_update"
    __table_args__ = (
        UniqueConstraint("channel", "update_id"),
        Index("ix_inbox_pending", "processed_at", "id"),
        # A chat's next row to process, found without reading the rows it already had.
        Index("ix_inbox_chat_waiting", "channel", "chat_key", "id",
              postgresql_where=text("processed_at IS NULL AND set_aside_at IS NULL"),
              sqlite_where=text("processed_at IS NULL AND set_aside_at IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    update_id: str = Field(max_length=64)
    chat_key: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    received_at: datetime = _ts()
    processed_at: datetime | None = _ts(nullable=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Set once the replies in `result` reached the platform; a processed row without it
    # after a crash has its replies sent again, from `replies_sent` on.
    replied_at: datetime | None = _ts(nullable=True)
    replies_sent: int = 0
    # Who works on the row and until when: the process that downloads its photo before
    # the turn, then the one that sends the turn's replies. Another process takes the row
    # over only once the lease has run out (the claimant died).
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = _ts(nullable=True)
    # An update that could not be processed after its attempts (or cannot be parsed at
    # all): kept for staff to see, and never replayed onto the chat's later questions.
    set_aside_at: datetime | None = _ts(nullable=True)
    # When the retention job emptied `payload` (names, phone numbers as the platform
    # sent them); `result` stays, so a resend is still answered as the first time.
    purged_at: datetime | None = _ts(nullable=True)


class Conversation(SQLModel, table=True):
    """One person's dialog state on one channel; a restart loses nothing."""

    __table_args__ = (UniqueConstraint("channel", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    step: str | None = Field(default=None, max_length=40)
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _ts()


class Consent(SQLModel, table=True):
    """A submitter's consent to the personal-data notice: who, which version, when."""

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64, index=True)
    notice_version: str = Field(max_length=32)
    accepted_at: datetime = _ts()
    # Withdrawn by the person ("Rút lại đồng ý"): kept as the proof of both, never deleted;
    # a withdrawn consent no longer counts for a new nomination.
    withdrawn_at: datetime | None = _ts(nullable=True)


class ReferenceCounter(SQLModel, table=True):
    """The last reference number handed out in a year (NTVT-2026-000123)."""

    __tablename__ = "reference_counter"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class Nomination(SQLModel, table=True):
    __table_args__ = (
        Index("ix_nomination_submitter", "channel", "submitter_user_id"),
        # An area's nominations of the last year (the duplicate check, the queue by unit):
        # on PostgreSQL the included columns let it answer from the index alone.
        Index("ix_nomination_area_recent", "unit_id", "created_at",
              postgresql_include=["status", "id"]),
    )
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    status: str = Field(default="submitted", max_length=16, index=True)
    nominee_kind: str = Field(max_length=16)
    nominee_name: str = Field(max_length=200)
    nominee_name_folded: str = Field(max_length=200, index=True)
    nominee_role: str = Field(max_length=300)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    place: str = Field(max_length=300)
    field: str = Field(max_length=32)
    deed: str = Field(max_length=5000)
    deed_date: str = Field(max_length=10)
    submitter_name: str = Field(max_length=200)
    submitter_phone: str = Field(max_length=20)
    on_behalf_of: str | None = Field(default=None, max_length=200)
    channel: str = Field(max_length=16)
    submitter_user_id: str = Field(max_length=64)
    submitter_chat_id: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    consent_id: int = Field(foreign_key="consent.id")
    created_at: datetime = _ts(index=True)
    # A duplicate points at the nomination it repeats.
    primary_id: int | None = Field(default=None, foreign_key="nomination.id")
    assigned_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    # Names, place and deed folded (no accents, lower case): what the console searches.
    search_folded: str = Field(default="", max_length=6000,
                               sa_column_kwargs={"server_default": ""})
    # Sent in a burst (more than a person or an address sends in an hour): kept and in the
    # console, but not announced in the staff groups, so a script cannot flood them.
    held_back: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    # The nominee's own consent to be published, or another legal basis, as staff
    # recorded it (handlers/privacy/nominee_consent.py): nothing shows the nominee
    # outside staff without it.
    nominee_consent: str | None = Field(default=None, max_length=16)
    nominee_consent_how: str | None = Field(default=None, max_length=500)
    nominee_consent_by: int | None = Field(default=None, foreign_key="staff.id")
    nominee_consent_at: datetime | None = _ts(nullable=True)
    nominee_consent_photo_id: int | None = Field(default=None)
    # When its personal data was blanked past its retention period (handlers/privacy/
    # retention.py); reference, unit, field, dates and status stay for the figures.
    anonymised_at: datetime | None = _ts(nullable=True)
    # The register's record of the nominee (issue 18), once staff have matched it.
    exemplar_id: int | None = Field(default=None, foreign_key="exemplar.id", index=True)


class AuditEntry(SQLModel, table=True):
    """Append-only: every decision on a nomination, and every refused attempt, with who,
    when, how (console or a chat button) and why. Code only ever inserts here."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    allowed: bool = True
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    via: str = Field(max_length=16)  # console, telegram, zalo, resident
    external_id: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=2000)
    at: datetime = _ts()


class AuditEvent(SQLModel, table=True):
    """Append-only: who saw, exported or did what outside a nomination's decisions: a
    nomination's page or photo opened, an export (its filter and row count), a sign-in
    (and a failed one), a group linked or unlinked, a deadline marked done, a privacy
    request handled. Written by storage.audit.events.record_event in the transaction of
    what it records.

    A table beside audit_entry rather than a wider audit_entry: decisions keep their
    shape (always a nomination, a status before and after) and stay the nomination's
    history on its page, while these rows are many more (every page view), often about
    no one nomination (a sign-in, an export), and carry a free JSON `detail`. The
    console's audit log reads both tables as one list."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=32, index=True)
    allowed: bool = True
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    via: str = Field(max_length=16)  # console, telegram, zalo, cli
    external_id: str | None = Field(default=None, max_length=64)  # the chat user who acted
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id", index=True)
    # What it was about when not (only) a nomination, as "kind:value": "chat:telegram:-100…",
    # "unit:phuc-xa", "resident:telegram:9001" (the resident filter finds the last kind).
    target: str | None = Field(default=None, max_length=120, index=True)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    at: datetime = _ts()


class AuditEventNomination(SQLModel, table=True):
    """The nominations one event showed at once (an export's rows), so "who saw this
    resident's data?" finds the exports that held her nomination too."""

    __tablename__ = "audit_event_nomination"
    event_id: int = Field(foreign_key="audit_event.id", primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", primary_key=True, index=True)


class StaffNote(SQLModel, table=True):
    """An internal note on a nomination: staff only, never sent to the nominator."""

    __tablename__ = "staff_note"
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    text: str = Field(max_length=2000)
    at: datetime = _ts()


class Verification(SQLModel, table=True):
    """How a nomination was checked: by whom, how (a visit, a phone call, documents), when."""

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    method: str = Field(max_length=16)
    checked_on: str = Field(max_length=10)  # the day it was checked, YYYY-MM-DD
    findings: str = Field(max_length=2000)
    at: datetime = _ts()


class Photo(SQLModel, table=True):
    """An evidence photo, stored (re-encoded, content-hash named) before its step moves on.

    nomination_id stays empty while the photo belongs to a draft.
    """

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    width: int
    height: int
    size_bytes: int
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id", index=True)
    phash: str | None = Field(default=None, max_length=16)
    # Set when the resident cleared the draft's photos: still counted against the upload
    # limit, deleted with its file by the nightly sweep.
    cleared_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class Notification(SQLModel, table=True):
    """An outbox row. Use cases only write these; the sender delivers them."""

    # The web chat fetches its own rows by chat, after the last one it showed.
    __table_args__ = (Index("ix_notification_chat", "channel", "chat_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id", index=True)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    # Not sent before this time (a back-off after an error or a 429).
    not_before: datetime | None = _ts(nullable=True)
    # A sender's lease: a crash mid-send leaves the row to be claimed again once it ends,
    # so at most the messages in flight at that moment repeat.
    claimed_until: datetime | None = _ts(nullable=True)
    # Given up (the bot was removed from the chat, or Telegram refused the message).
    failed_at: datetime | None = _ts(nullable=True)
    sent_message_id: str | None = Field(default=None, max_length=64)
    # A row may go out as several messages (a chart, then its text): how many already
    # went, so a retry sends only what is missing.
    parts_sent: int = 0
    # When a sender began sending a row that staff may stop (an announcement): a stop
    # cancels only rows not begun, and a sender begins only a row not cancelled.
    sending_at: datetime | None = _ts(nullable=True)


class ChatMigration(SQLModel, table=True):
    """A group that became a supergroup under a new id. Kept so that the organisation
    file's old id and an outbox key built with either id mean the same chat."""

    __tablename__ = "chat_migration"
    channel: str = Field(max_length=16, primary_key=True)
    old_chat_id: str = Field(max_length=64, primary_key=True)
    new_chat_id: str = Field(max_length=64, index=True)
    migrated_at: datetime = _ts()


class SendPace(SQLModel, table=True):
    """The next free sending slot of a bot (scope "*") or of one of its chats, shared by
    every process on PostgreSQL. Times are the database clock's epoch seconds."""

    __tablename__ = "send_pace"
    channel: str = Field(max_length=16, primary_key=True)
    scope: str = Field(max_length=64, primary_key=True)
    next_at: float = 0.0
    paused_until: float = 0.0


class DeadlineTask(SQLModel, table=True):
    """A task of the deadline calendar (e.g. the seed plan's appendix): who owns it (units
    and clusters, by code), when it is due (every year on a day, or once) and how many
    days ahead to remind."""

    __tablename__ = "deadline_task"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=500)
    yearly: str | None = Field(default=None, max_length=5)  # "MM-DD"
    once_on: str | None = Field(default=None, max_length=10)  # "YYYY-MM-DD"
    lead_days: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_units: list[str] = Field(default_factory=list,
                                   sa_column=Column(JSON, nullable=False))
    owner_clusters: list[str] = Field(default_factory=list,
                                      sa_column=Column(JSON, nullable=False))
    message: str | None = Field(default=None, max_length=1000)  # said with each reminder
    active: bool = True


class DeadlineDone(SQLModel, table=True):
    """A unit finished a task for one due date: its reminders stop."""

    __tablename__ = "deadline_done"
    __table_args__ = (UniqueConstraint("task_id", "unit_id", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="deadline_task.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    due_on: str = Field(max_length=10)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    done_at: datetime = _ts()


class Campaign(SQLModel, table=True):
    """An emulation campaign whose entries are counted per unit against a quota, e.g.
    "Người tốt, việc tốt 2026"."""

    __tablename__ = "campaign"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    starts_on: str = Field(max_length=10)  # YYYY-MM-DD, Hà Nội days, both ends counted
    ends_on: str = Field(max_length=10)
    # What counts: nominations in these fields (none: every field), in these statuses.
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    statuses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    default_quota: int = 0
    quotas: dict[str, int] = Field(default_factory=dict,
                                   sa_column=Column(JSON, nullable=False))  # unit code → quota
    active: bool = True


class PollerHeartbeat(SQLModel, table=True):
    """The installation's poller of a channel (one process of several holds the polling
    lease): which process, and when getUpdates last answered it. Every process reports it
    in /readyz, the ones standing by included."""

    __tablename__ = "poller_heartbeat"
    channel: str = Field(max_length=16, primary_key=True)
    process: str = Field(max_length=128)
    polled_at: datetime = _ts()


class WebVisitor(SQLModel, table=True):
    """A web chat session the server issued. The cookie holds a random token and this
    table only its hash, so a made-up cookie is nobody and a copy of the database opens
    no one's chat. `origin` is the address it was issued to, hashed: new sessions and
    nominations are counted per address as well as per visitor."""

    __tablename__ = "web_visitor"
    __table_args__ = (Index("ix_web_visitor_origin", "origin", "created_at"),)
    key: str = Field(max_length=33, primary_key=True)
    origin: str = Field(max_length=16)
    created_at: datetime = _ts()


class Supporter(SQLModel, table=True):
    """A resident who added what they know to someone else's nomination (the duplicate
    offer's "add mine"): they see it in /my and hear its outcome on their own channel."""

    __table_args__ = (UniqueConstraint("nomination_id", "channel", "user_id"),
                      Index("ix_supporter_person", "channel", "user_id"))
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    created_at: datetime = _ts()


class PrivacyRequest(SQLModel, table=True):
    """A resident's request about their own data (see it, correct it, delete it, withdraw
    consent), from the chat they used: acknowledged at once with its reference, settled
    by a privacy officer in the console, answered on the same channel."""

    __tablename__ = "privacy_request"
    __table_args__ = (Index("ix_privacy_request_person", "channel", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(default="", max_length=32, index=True)
    kind: str = Field(max_length=16)  # access, correct, erase, withdraw
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    detail: str = Field(default="", max_length=2000)  # what they asked to correct
    status: str = Field(default="open", max_length=16, index=True)  # open, done, refused
    created_at: datetime = _ts()
    acknowledge_by: datetime = _ts()
    settle_by: datetime = _ts()
    acknowledged_at: datetime | None = _ts(nullable=True)
    settled_at: datetime | None = _ts(nullable=True)
    settled_by: int | None = Field(default=None, foreign_key="staff.id")
    answer: str = Field(default="", max_length=2000)  # what the person was told
    # Why something was kept although erasure was asked (a commendation decision must
    # keep its dossier): written by the officer, shown to an inspector.
    legal_basis: str = Field(default="", max_length=1000)
class RetentionRun(SQLModel, table=True):
    """One run of the nightly retention job and how many of each kind it purged, shown
    in the console (/console/retention)."""

    __tablename__ = "retention_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = _ts(index=True)
    finished_at: datetime = _ts()
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- Issue 17, the calendar's administration: reason templates edited in the console. ---


class ReasonTemplate(SQLModel, table=True):
    """A decision's ready-made reason in one language, as an administrator wrote it. While
    the table is empty the texts' `reasons` group is what staff pick from."""

    __tablename__ = "reason_template"
    __table_args__ = (UniqueConstraint("decision", "key", "locale"),)
    id: int | None = Field(default=None, primary_key=True)
    decision: str = Field(max_length=32)  # needs_info, approve, reject, duplicate
    key: str = Field(max_length=64)
    locale: str = Field(max_length=8)
    text: str = Field(max_length=2000)


# Issue 17, the organisation and staff administered from the console.
class StaffInvite(SQLModel, table=True):
    """A one-time link to set a console password: an invitation, or a reset made by an
    administrator. Only the token's hash is stored; it works once, before it expires,
    and a newer link for the same person ends the older ones."""

    __tablename__ = "staff_invite"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    purpose: str = Field(max_length=8)  # invite, reset
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)


# --- Announcements (issue 17, part 4) ---


class Announcement(SQLModel, table=True):
    """A one-off message staff sent to chosen units' groups and leaders, through the
    outbox (rows keyed announce:<id>:<channel>:<chat>); stopping cancels what is unsent."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=4096)
    image_sha256: str | None = Field(default=None, max_length=64)
    unit_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    staff_id: int = Field(foreign_key="staff.id")
    created_at: datetime = _ts()
    stopped_at: datetime | None = _ts(nullable=True)
    stopped_by: int | None = Field(default=None, foreign_key="staff.id")
    # The preview's one-time key: a confirmation pressed twice sends once.
    form_key: str = Field(max_length=64, unique=True)


# --- Issue 18: from approved to honoured. One shared model for rounds, documents,
# certificates, publication, the register and the year's report. ---


class Exemplar(SQLModel, table=True):
    """The register: one person or collective across years. Each of their nominations
    points here (Nomination.exemplar_id), so staff see "third nomination, ward
    certificate 2025" and can propose a higher title."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # person, collective (as Nomination.nominee_kind)
    name: str = Field(max_length=200)
    name_folded: str = Field(max_length=200, index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    # What tells two people of one name apart, as staff wrote it (a role, a birth year).
    known_as: str = Field(default="", max_length=300)
    created_at: datetime = _ts()


class TitleCriterion(SQLModel, table=True):
    """The criteria of the title for one field, in order, as the council reads them on
    the agenda; edited in the console."""

    __tablename__ = "title_criterion"
    id: int | None = Field(default=None, primary_key=True)
    field: str = Field(max_length=32, index=True)  # as Nomination.field
    position: int = 0
    text_vi: str = Field(max_length=1000)
    text_en: str = Field(max_length=1000)


class CommendationRound(SQLModel, table=True):
    """A sitting of the emulation and commendation council (Hội đồng Thi đua – Khen
    thưởng) of a ward or district: gathering → met (votes recorded) → decided (the
    chairman's decision numbered and dated)."""

    __tablename__ = "commendation_round"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)  # whose council sits
    name: str = Field(max_length=300)  # "Xét khen thưởng đợt 1 năm 2026"
    year: int = Field(index=True)
    status: str = Field(default="gathering", max_length=16)  # gathering, met, decided
    meeting_on: str | None = Field(default=None, max_length=10)  # ISO date
    meeting_place: str = Field(default="", max_length=300)
    # [{"name": ..., "role": ...}]: who sat, for the minutes.
    members: list[dict[str, str]] = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))
    decision_number: str | None = Field(default=None, max_length=64)  # "125/QĐ-UBND"
    decision_on: str | None = Field(default=None, max_length=10)
    signer_name: str = Field(default="", max_length=200)
    signer_title: str = Field(default="", max_length=200)  # "CHỦ TỊCH"
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime = _ts()


class RoundItem(SQLModel, table=True):
    """One dossier on a round's agenda, the council's vote on it and its outcome; a
    proposal to the city keeps a city stage with its own result when it comes back."""

    __tablename__ = "round_item"
    __table_args__ = (UniqueConstraint("round_id", "nomination_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="commendation_round.id", index=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    position: int = 0
    summary: str = Field(default="", max_length=3000)  # the dossier's summary, staff's words
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    # honoured, not_honoured, deferred; None until the council has voted.
    outcome: str | None = Field(default=None, max_length=16)
    # ward (the chairman's certificate), city (proposed upward), urgent (đột xuất).
    level: str | None = Field(default=None, max_length=16)
    title: str = Field(default="", max_length=200)  # "Người tốt, việc tốt"
    city_result: str | None = Field(default=None, max_length=16)  # pending, honoured, not_honoured
    city_decision_number: str | None = Field(default=None, max_length=64)
    city_decision_on: str | None = Field(default=None, max_length=10)
    decided_at: datetime | None = _ts(nullable=True)


class Certificate(SQLModel, table=True):
    """The certificate of one honoured dossier: its files in the media store (by hash),
    numbered within the round's decision."""

    id: int | None = Field(default=None, primary_key=True)
    round_item_id: int = Field(foreign_key="round_item.id", unique=True)
    number: str = Field(max_length=64)
    pdf_sha256: str = Field(max_length=64)
    png_sha256: str = Field(max_length=64)
    issued_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)  # given to the outbox for the chats


class Publication(SQLModel, table=True):
    """An honoured exemplar's story on the ward's public page, in staff's words, with the
    photos staff chose; only with the nominee's consent (handlers/privacy/nominee_consent).
    Withdrawn, it leaves the page and the feed."""

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", unique=True)
    slug: str = Field(max_length=160, unique=True)
    headline: str = Field(max_length=300)
    story: str = Field(max_length=8000)
    photo_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_at: datetime | None = _ts(nullable=True, index=True)
    published_by: int | None = Field(default=None, foreign_key="staff.id")
    withdrawn_at: datetime | None = _ts(nullable=True)


# --- Issue 19: the writing contest. One shared model for the call (the console's
# configuration), the entries checked at the door, judging, results and units' progress. ---


class Contest(SQLModel, table=True):
    """A writing contest ("Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc
    tốt") run by one unit: open for entries between two dates, for exemplars inside one
    area of the organisation tree."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    year: int = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)  # the organiser
    # The subtree whose exemplars qualify ("ở ngoài quận" is refused at the door).
    area_unit_id: int = Field(foreign_key="unit.id")
    opens_on: str = Field(max_length=10)  # ISO dates, both days included
    closes_on: str = Field(max_length=10)
    words_min: int = 1300
    words_max: int = 1500
    # The jury grades without the author's name (and unit) in front of it.
    blind: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    # [{"key": ..., "vi": ..., "en": ...}]
    categories: list[dict[str, Any]] = Field(default_factory=list,
                                             sa_column=Column(JSON, nullable=False))
    # [{"key": ..., "vi": ..., "en": ..., "weight": number}]: weights as the rules give them.
    rubric: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    # [{"key": "first", "vi": "Giải Nhất", "en": "First prize", "count": 1}, ...], in rank order.
    prizes: list[dict[str, Any]] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False))
    city_count: int = 0  # how many entries go on to the city's contest
    judges_per_entry: int = 2
    # Two judges' weighted totals further apart than this call for a third judge
    # (on the rubric's 0–100 scale).
    spread_limit: float = 20.0
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime = _ts()


class ContestQuota(SQLModel, table=True):
    """How many entries a unit must send to a contest."""

    __tablename__ = "contest_quota"
    __table_args__ = (UniqueConstraint("contest_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contest.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    quota: int


class ContestEntry(SQLModel, table=True):
    """One article sent to a contest. A draft while the author is still sending it;
    complete only once the door's checks passed (length, details, area, not a repeat)."""

    __tablename__ = "contest_entry"
    __table_args__ = (UniqueConstraint("contest_id", "reference"),
                      Index("ix_contest_entry_submitter", "channel", "user_id"))
    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contest.id", index=True)
    reference: str = Field(max_length=32)  # "BV-2026-0001", numbered within the contest
    status: str = Field(default="draft", max_length=16, index=True)  # draft, complete, withdrawn
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    locale: str = Field(default="vi", max_length=8)
    author_name: str = Field(default="", max_length=200)
    # The unit the entry counts for against its quota (where the author belongs).
    author_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    author_phone: str = Field(default="", max_length=20)
    exemplar_name: str = Field(default="", max_length=200)
    exemplar_name_folded: str = Field(default="", max_length=200, index=True)
    exemplar_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    exemplar_place: str = Field(default="", max_length=300)
    category: str | None = Field(default=None, max_length=32)
    title: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    word_count: int = 0
    # sha256 of the normalised text (the same article), and a 64-bit simhash of its word
    # shingles as 16 hex digits (nearly the same article), across channels and authors.
    text_sha256: str = Field(default="", max_length=64, index=True)
    fingerprint: str = Field(default="", max_length=16)
    # The file as the author sent it, in the media store (by hash): docx, pdf or text.
    file_sha256: str | None = Field(default=None, max_length=64)
    file_kind: str = Field(default="text", max_length=8)
    # A nomination of the same exemplar the author chose to link.
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id")
    created_at: datetime = _ts()
    completed_at: datetime | None = _ts(nullable=True)


class ContestEntryPhoto(SQLModel, table=True):
    """A photo sent with an entry; the picture itself is a Photo row (stored, re-encoded
    and content-hash named as a nomination's evidence)."""

    __tablename__ = "contest_entry_photo"
    entry_id: int = Field(foreign_key="contest_entry.id", primary_key=True)
    photo_id: int = Field(foreign_key="photo.id", primary_key=True)
    position: int = 0


class JudgeAssignment(SQLModel, table=True):
    """One judge's grading of one entry against the contest's rubric."""

    __tablename__ = "judge_assignment"
    __table_args__ = (UniqueConstraint("entry_id", "judge_staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="contest_entry.id", index=True)
    judge_staff_id: int = Field(foreign_key="staff.id", index=True)
    assigned_at: datetime = _ts()
    recused: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    recusal_reason: str = Field(default="", max_length=500)
    # {criterion key: score}, per the contest's rubric.
    scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    total: float | None = None  # the weighted total, 0–100
    graded_at: datetime | None = _ts(nullable=True)


class ContestResult(SQLModel, table=True):
    """The organisers' final decision on one entry: its prize (or none) and whether it
    goes to the city."""

    __tablename__ = "contest_result"
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="contest_entry.id", unique=True)
    prize_key: str | None = Field(default=None, max_length=32)
    to_city: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    decided_by: int = Field(foreign_key="staff.id")
    decided_at: datetime = _ts()
    notified_at: datetime | None = _ts(nullable=True)  # the result given to the outbox
