"""Every setting, from the environment or .env; built once, in the composition root."""

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings_checks import (
    embed_origins_problem,
    everywhere,
    in_production,
    proxy_address_problem,
)
from storage.shared.package_data import package_folder


def _packaged(package: str, *parts: str) -> Path:
    return package_folder(package).joinpath(*parts)


class Settings(BaseSettings):
    # An empty value (as copied from .env.example) counts as not set.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      env_ignore_empty=True,
                                      extra="ignore")

    # production: refuse to start on a setting that is fine on a laptop but wrong on a
    # server (bot/settings_checks.py).
    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./ntvt.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_mode: Literal["webhook", "polling"] = "webhook"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    # Signs expiring links to pictures (sent to Zalo by URL). Unset: a new random key at
    # each start, so links made before a restart stop working early.
    secret_key: SecretStr | None = None
    # The demo files the wheel carries, until a ward sets its own.
    org_file: Path | None = Field(default_factory=lambda: _packaged("examples", "org_demo.yaml"))
    calendar_file: Path | None = Field(
        default_factory=lambda: _packaged("examples", "calendar_demo.yaml"))
    media_dir: Path = Path("./media")
    # Where photos and charts are kept: "local" (MEDIA_DIR, one machine) or "s3" (an
    # S3-compatible bucket every process on every machine reads and writes).
    media_store: Literal["local", "s3"] = "local"
    media_s3_bucket: str | None = None
    media_s3_endpoint_url: str | None = None  # unset: AWS itself
    media_s3_region: str = "us-east-1"
    # Unset: boto3's usual sources (AWS_ACCESS_KEY_ID…, an instance role).
    media_s3_access_key: SecretStr | None = None
    media_s3_secret_key: SecretStr | None = None
    media_s3_prefix: str = ""
    media_s3_addressing: Literal["path", "virtual"] = "path"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str | None = None
    # The reverse proxy's address(es), comma separated, or *: only requests from them have
    # their X-Forwarded-For and X-Forwarded-Proto believed. Unset: nobody's are.
    forwarded_allow_ips: str | None = None
    # The ward portals allowed to show the chat in a frame (deploy/…/embed.js), as
    # origins, comma separated; empty: no other site may frame it.
    embed_origins: str | None = None
    default_locale: Literal["vi", "en"] = "vi"
    templates_dir: Path = Field(default_factory=lambda: package_folder("templates"))
    log_level: str = "INFO"
    # text: readable lines; json: one JSON object a line for a log collector, chats named
    # by a hash keyed with SECRET_KEY (bot/log_format.py).
    log_format: Literal["text", "json"] = "text"
    # Set: /metrics answers only `Authorization: Bearer <token>`. Unset: only clients on
    # loopback or a private network (the real client address, behind FORWARDED_ALLOW_IPS).
    metrics_token: SecretStr | None = None
    digest_at: time = time(7, 30)
    # The monthly tally, for the month before: day of the month and time (Hà Nội), and
    # whose table each unit group gets: its emulation cluster's, or all units'.
    tally_day: int = Field(default=1, ge=1, le=28)
    tally_at: time = time(8, 0)
    tally_scope: Literal["cluster", "all"] = "cluster"
    # Units below this share of their quota pro-rated to the month's end get a nudge.
    tally_nudge_below: float = Field(default=0.8, ge=0, le=1)
    # With several processes on PostgreSQL one leads the scheduler; the others ask for the
    # lead this often, so one takes over this long after the leader stops.
    leader_retry_seconds: float = 15.0
    # The bot's sending pace, for every process together: Telegram's limits by default.
    # Raise them only for a bot Telegram allows more (paid broadcasts, a local Bot API
    # server) or for a benchmark against a fake server.
    send_rate_per_second: int = Field(default=30, gt=0)
    send_rate_group_per_minute: int = Field(default=20, gt=0)
    send_rate_chat_per_second: int = Field(default=1, gt=0)
    # How long a process's claim on an inbox row lasts (a photo being fetched, a turn's
    # replies being sent): after a crash, another process takes the row this long after.
    inbox_lease_seconds: float = Field(default=30.0, gt=0)
    # How often each process looks for inbox rows and replies nobody is working on.
    inbox_sweep_seconds: float = Field(default=5.0, gt=0)
    # Telegram (and Zalo) polling: one process polls, holding a lease; the others ask for
    # it this often, and the holder checks this often that its lease is still held.
    polling_takeover_seconds: float = Field(default=3.0, gt=0)
    # The longest wait between failing getUpdates tries, and the pace of asking again
    # after the platform refused the token.
    poll_longest_wait_seconds: float = Field(default=60.0, gt=0)
    # A channel counts as down (/readyz answers 503) once this long has passed since its
    # last answered getUpdates or webhook check.
    intake_window_seconds: float = Field(default=90.0, gt=0)
    # The public page's limits. Generous per address: a mobile network puts many
    # residents behind one address.
    web_new_visitors_per_address_hour: int = Field(default=60, ge=1)
    web_messages_per_visitor_minute: int = Field(default=30, ge=1)
    web_photos_per_visitor_hour: int = Field(default=40, ge=1)
    web_messages_per_address_minute: int = Field(default=300, ge=1)
    web_photos_per_address_hour: int = Field(default=400, ge=1)
    # Nominations beyond these in an hour (one person on any channel; one web address)
    # are held back from the staff groups; the console shows them and how many.
    nominations_per_person_hour: int = Field(default=3, ge=1)
    nominations_per_address_hour: int = Field(default=10, ge=1)
    # A resident's request about their own data ("Dữ liệu của tôi"): acknowledged within
    # this many working days, settled within this many days (docs/privacy.md).
    privacy_acknowledge_working_days: int = Field(default=2, ge=1, le=30)
    privacy_settle_days: int = Field(default=3, ge=1, le=90)
    # How long personal data is kept (docs/privacy.md, "Retention"), in days; the nightly
    # retention job (03:00) purges what is older. Raw platform updates (the turn's answer
    # stays), drafts nobody came back to, console sign-in attempts, and decided
    # nominations (anonymised after their decision: rejected, withdrawn or duplicate;
    # approved).
    retain_inbox_days: int = Field(default=30, ge=1)
    retain_draft_days: int = Field(default=30, ge=1)
    retain_sign_in_days: int = Field(default=90, ge=1)
    retain_rejected_days: int = Field(default=365, ge=1)
    retain_approved_days: int = Field(default=1825, ge=1)
    retain_contest_days: int = Field(default=365, ge=1)

    @field_validator("embed_origins")
    @classmethod
    def _embedding_sites(cls, value: str | None) -> str | None:
        problem = embed_origins_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value

    @property
    def embedding_sites(self) -> tuple[str, ...]:
        return tuple(o.strip().rstrip("/") for o in (self.embed_origins or "").split(",")
                     if o.strip())

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str | None) -> str | None:
        problem = proxy_address_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        # Every problem at once, one a line (bot/cli.py shows them so).
        problems = everywhere(self) + in_production(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")
