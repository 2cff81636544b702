"""The composition root: settings → engine → services → web app, channels → run."""

import asyncio
import contextlib
import gc
import logging
import secrets
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import settings_checks
from bot.channel_preview import channel_previews
from bot.dialog_rooms import dialog_rooms
from bot.health import Health
from bot.intake import IntakeOptions
from bot.media_setup import media_store
from bot.memory import give_large_blocks_back
from bot.org_files import load_calendar_if_empty, load_org_if_empty
from bot.polling import PollerBeat, polling_lease
from bot.settings import Settings
from bot.supervise import supervise
from bot.webchat.limits import WebLimits
from bot.webchat.routes import build_router as webchat_router
from bot.zalo.render import split_message
from handlers.documents.contest import contest_section
from handlers.privacy.retention import Periods
from handlers.shared.texts import Texts
from handlers.shared.turn import Services
from handlers.units.announcements import ZaloRules
from notifications.delivery import ChannelSender
from notifications.leader import TELEGRAM_POLLING_KEY, ZALO_POLLING_KEY, Leadership
from notifications.meter import Meter
from notifications.outbox_sender import OutboxSender
from notifications.rate_limit import Pace, SendPace
from notifications.render import make_renderer
from notifications.scheduler import Clock, ExemplarPlan, TallyPlan
from notifications.shared_pace import SharedPace
from notifications.tally_chart import stored_chart
from storage.migrate import one_at_a_time, upgrade
from storage.shared.db import is_sqlite, make_engine, make_session_factory
from storage.shared.sqlite_in_loop import checkpoint_in_thread, database_path
from web.app import create_app, make_context
from web.console.account import build_router as console_account_router
from web.console.admin.calendar import admin_calendar_routers
from web.console.admin.staff import build_router as admin_staff_router
from web.console.admin.units import build_router as admin_units_router
from web.console.audit_log import build_router as console_audit_router
from web.console.certificates import build_router as console_certificates_router
from web.console.contests import build_router as console_contests_router
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.documents import build_router as console_documents_router
from web.console.embedding import build_router as console_embedding_router
from web.console.intake import build_router as console_intake_router
from web.console.judging import build_router as console_judging_router
from web.console.live import LiveFeed
from web.console.live import build_router as console_live_router
from web.console.privacy import build_router as console_privacy_router
from web.console.publication import build_router as console_publication_router
from web.console.retention import build_router as console_retention_router
from web.console.rounds.routers import rounds_routers
from web.console.routes import build_router as console_router
from web.console.sign_in_pages import build_router as console_sign_in_router
from web.console.totp_box import SecretBox
from web.console.units.announce import build_router as console_announce_router
from web.console.units.dashboard import build_router as console_dashboard_router
from web.console.units.deadlines import build_router as console_deadlines_router
from web.console.units.groups import build_router as console_groups_router
from web.console.units.tally import build_router as console_tally_router
from web.media_links import MediaLinks
from web.media_links import build_router as media_links_router
from web.publication.public import build_router as public_exemplars_router

# A channel's modules are imported only when its token is set: aiogram alone takes about
# a second to import, and a ward on the web chat alone must be up in under three.
if TYPE_CHECKING:
    from bot.telegram.channel import TelegramChannel
    from bot.zalo.channel import ZaloChannel

log = logging.getLogger("ntvt")


# From SIGTERM to exit: a service manager (systemd's TimeoutStopSec, Docker's stop
# timeout) kills the process after 10 s, so everything closes well inside that. Requests
# in flight get REQUESTS_GRACE; turns in flight what is left of TURNS_BY, the rest CLOSING.
REQUESTS_GRACE = 3  # whole seconds: uvicorn takes an int
TURNS_BY = 8.0


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after it stops serving, which would kill the process
    before the channels finish their turns and the engine is disposed; here a signal
    only asks the server to stop, and `run` then closes everything in order."""

    asked_to_stop_at: float | None = None
    live: LiveFeed | None = None  # its event streams end at once, not at the grace's end

    def handle_exit(self, sig: int, frame: object) -> None:
        if self.asked_to_stop_at is None:
            self.asked_to_stop_at = time.monotonic()
        if self.live is not None:
            self.live.stop()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]

    def turns_grace(self) -> float:
        """Seconds the turns in flight may still take."""
        began = self.asked_to_stop_at or time.monotonic()
        return max(0.0, TURNS_BY - (time.monotonic() - began))

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


def retention_periods(settings: Settings) -> Periods:
    return Periods(inbox=timedelta(days=settings.retain_inbox_days),
                   drafts=timedelta(days=settings.retain_draft_days),
                   sign_ins=timedelta(days=settings.retain_sign_in_days),
                   rejected=timedelta(days=settings.retain_rejected_days),
                   approved=timedelta(days=settings.retain_approved_days),
                   contest_entries=timedelta(days=settings.retain_contest_days))


def make_pace(settings: Settings, engine: AsyncEngine) -> SendPace:
    """Telegram's limits are per bot: on PostgreSQL every process takes its slots from one
    shared timeline; SQLite runs one process, which keeps its pace in memory."""
    # Periods are stretched by 3 %: a send paced on our clock reaches Telegram's a few
    # milliseconds sooner or later (measured, see notifications/rate_limit.py).
    per_bot = (settings.send_rate_per_second, 1.03)
    per_group = (settings.send_rate_group_per_minute, 61.8)
    per_private = (settings.send_rate_chat_per_second, 1.03)
    if is_sqlite(settings.database_url):
        return Pace(per_bot=per_bot, per_group=per_group, per_private=per_private)
    return SharedPace(engine, per_bot=per_bot, per_group=per_group, per_private=per_private)


class _Tasks:
    """The process's long-running tasks, each supervised and shown in /readyz."""

    def __init__(self, health: Health, settings: Settings) -> None:
        self._health = health
        self._longest_wait = settings.poll_longest_wait_seconds
        self.running: list[asyncio.Task[None]] = []

    def start(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        component = self._health.component(f"task:{name}")
        self.running.append(asyncio.create_task(
            supervise(name, run, component, longest_wait=self._longest_wait), name=name))


def _start_polling(settings: Settings, health: Health, tasks: _Tasks, engine: AsyncEngine,
                   telegram: "TelegramChannel | None", zalo: "ZaloChannel | None") -> None:
    """One process of several polls each platform: the holder of its polling lease."""
    # Often enough that a standby never finds a working poller's heartbeat stale.
    beat_every = min(10.0, settings.intake_window_seconds / 4)
    if telegram is not None and settings.telegram_mode == "polling":
        from bot.telegram.poller import TelegramPoller

        component = health.component("telegram", window_seconds=settings.intake_window_seconds)
        telegram_lease = polling_lease(engine, TELEGRAM_POLLING_KEY, name="Telegram polling",
                                       component=component,
                                       takeover_seconds=settings.polling_takeover_seconds)
        poller = TelegramPoller(telegram, component,
                                longest_wait=settings.poll_longest_wait_seconds,
                                beat=PollerBeat(engine, "telegram", every=beat_every))
        tasks.start("telegram-polling", lambda: telegram_lease.hold(poller.run))
    if zalo is not None and settings.zalo_mode == "polling":
        from bot.zalo.poller import ZaloPoller

        component = health.component("zalo", window_seconds=settings.intake_window_seconds)
        zalo_lease = polling_lease(engine, ZALO_POLLING_KEY, name="Zalo polling",
                                   component=component,
                                   takeover_seconds=settings.polling_takeover_seconds)
        zalo_poller = ZaloPoller(zalo, component, longest_wait=settings.poll_longest_wait_seconds,
                                 beat=PollerBeat(engine, "zalo", every=beat_every))
        tasks.start("zalo-polling", lambda: zalo_lease.hold(zalo_poller.run))


def _keep_zalo_webhook(settings: Settings, health: Health, tasks: _Tasks,
                       zalo: "ZaloChannel") -> None:
    """In the background: a Zalo down at start must not hold up the web chat."""
    from bot.zalo.webhook_keeper import ZaloWebhookKeeper

    assert settings.zalo_webhook_secret is not None
    component = health.component("zalo", window_seconds=settings.intake_window_seconds)
    keeper = ZaloWebhookKeeper(zalo.client, settings.zalo_webhook_url,
                               settings.zalo_webhook_secret.get_secret_value(), component,
                               every=settings.intake_window_seconds / 3,
                               longest_wait=settings.poll_longest_wait_seconds)
    tasks.start("zalo-webhook", keeper.run)


def _watch_telegram_webhook(settings: Settings, health: Health, tasks: _Tasks,
                            telegram: "TelegramChannel") -> None:
    from bot.telegram.webhook_check import watch_webhook

    component = health.component("telegram", window_seconds=settings.intake_window_seconds)
    url = settings.telegram_webhook_url or ""
    every = settings.intake_window_seconds / 3
    tasks.start("telegram-webhook-check",
                lambda: watch_webhook(telegram.bot, url, component, every=every))


async def run(settings: Settings) -> None:
    give_large_blocks_back()  # decoded photos' memory returns to the system when freed
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    async with one_at_a_time(engine):
        await upgrade(engine)
        if settings.org_file is not None:  # into an empty database only: then the console
            await load_org_if_empty(sessions, settings.org_file)
        if settings.calendar_file is not None:  # a first run only: then the console's
            await load_calendar_if_empty(sessions, settings.calendar_file)
    texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)
    services = Services(texts=texts, media=media_store(settings),
                        console_url=f"{settings.base_url}/console",
                        tally_scope=settings.tally_scope,
                        nominations_per_person_hour=settings.nominations_per_person_hour,
                        nominations_per_address_hour=settings.nominations_per_address_hour,
                        private_review_channels=("zalo",) if settings.zalo_bot_token else (),
                        privacy_acknowledge_days=settings.privacy_acknowledge_working_days,
                        privacy_settle_days=settings.privacy_settle_days,
                        **dialog_rooms())
    web_limits = WebLimits(
        new_visitors_per_address_hour=settings.web_new_visitors_per_address_hour,
        messages_per_visitor_minute=settings.web_messages_per_visitor_minute,
        photos_per_visitor_hour=settings.web_photos_per_visitor_hour,
        messages_per_address_minute=settings.web_messages_per_address_minute,
        photos_per_address_hour=settings.web_photos_per_address_hour)
    context = make_context(sessions, texts, settings.templates_dir, channels=frozenset(
        name for name, token in (("telegram", settings.telegram_bot_token),
                                 ("zalo", settings.zalo_bot_token)) if token is not None))
    live = LiveFeed()
    periods = retention_periods(settings)
    render_notice = make_renderer(texts, console_url=services.console_url)

    # One pace for the bot's sends: the turns' replies and the outbox share it.
    pace = make_pace(settings, engine)
    meter = Meter()  # what /metrics counts in this process
    intake = IntakeOptions(pace=pace, lease=timedelta(seconds=settings.inbox_lease_seconds),
                           sweep_seconds=settings.inbox_sweep_seconds, meter=meter)
    telegram: TelegramChannel | None = None
    routes = []
    if settings.telegram_bot_token is not None:
        from bot.telegram.lazy_models import build_aiogram_models_on_first_use

        # Before anything imports aiogram: its types then cost memory only once used.
        build_aiogram_models_on_first_use()
        from bot.telegram import channel as telegram_channel

        telegram = telegram_channel.TelegramChannel(
            token=settings.telegram_bot_token.get_secret_value(),
            api_base=settings.telegram_api_base, sessions=sessions, services=services,
            options=intake)
        if settings.telegram_mode == "webhook":
            assert settings.telegram_webhook_secret is not None
            routes.append(telegram.webhook_route(
                "/telegram/webhook", settings.telegram_webhook_secret.get_secret_value()))

    zalo: ZaloChannel | None = None
    if settings.zalo_bot_token is not None:
        from bot.zalo import channel as zalo_channel
        from bot.zalo.client import ZaloClient

        zalo = zalo_channel.ZaloChannel(
            client=ZaloClient(settings.zalo_bot_token.get_secret_value(),
                              settings.zalo_api_base),
            sessions=sessions, services=services, options=intake)
        if settings.zalo_mode == "webhook":
            assert settings.zalo_webhook_secret is not None
            routes.append(zalo.webhook_route(
                "/zalo/webhook", settings.zalo_webhook_secret.get_secret_value()))
    key = settings.secret_key.get_secret_value().encode() if settings.secret_key \
        else secrets.token_bytes(32)
    links = MediaLinks(key, settings.base_url)
    health = Health(engine, channels=("webchat",
                                      *(("telegram",) if telegram is not None else ()),
                                      *(("zalo",) if zalo is not None else ())),
                    registry=meter.registry)

    app = create_app(context, templates_dir=settings.templates_dir,
                     routers=[webchat_router(context, services, render_notice, meter, web_limits,
                                             framed=bool(settings.embedding_sites)),
                              console_sign_in_router(context, SecretBox(
                                  settings.secret_key.get_secret_value().encode()
                                  if settings.secret_key else None)),
                              console_account_router(context),
                              console_router(context, services.media),
                              console_groups_router(context),
                              console_live_router(context, live),
                              console_intake_router(context),
                              console_embedding_router(context, public_url=settings.base_url,
                                                       origins=settings.embedding_sites),
                              console_deadlines_router(context),
                              console_tally_router(context),
                              console_announce_router(context, services.media, ZaloRules(
                                  split_message, settings_checks.reachable_by_zalo(
                                      settings.public_url), services.console_url)),
                              console_dashboard_router(context),
                              console_certificates_router(context, services.media,
                                                          settings.templates_dir / "documents"
                                                          / "certificate"),
                              console_privacy_router(context, services.media),
                              console_audit_router(context),
                              console_retention_router(context, periods),
                              console_documents_router(context,
                                                       settings.templates_dir / "documents",
                                                       contest=contest_section(texts)),
                              console_judging_router(context),
                              console_contests_router(context),
                              *admin_calendar_routers(context, channel_previews(texts)),
                              *rounds_routers(context),
                              admin_units_router(context), admin_staff_router(context),
                              media_links_router(links, services.media),
                              console_publication_router(context),
                              public_exemplars_router(context, services.media, secret=key,
                                                      public_url=settings.base_url)],
                     routes=routes, exception_handlers={SignInNeeded: sign_in_redirect},
                     probe=health, metrics_token=settings.metrics_token.get_secret_value()
                     if settings.metrics_token else None,
                     embed_origins=settings.embedding_sites)
    # X-Forwarded-For/-Proto are believed from FORWARDED_ALLOW_IPS only: uvicorn's own
    # default trusts 127.0.0.1, where anyone on the same host could claim any address.
    server = _Server(uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                                    log_level="warning", log_config=None,  # ours: JSON too
                                    proxy_headers=bool(settings.forwarded_allow_ips),
                                    forwarded_allow_ips=settings.forwarded_allow_ips or "",
                                    timeout_graceful_shutdown=REQUESTS_GRACE))
    server.live = live
    # Everything built so far lives as long as the process: moving it out of the garbage
    # collector's sight keeps the full collections that run during turns short.
    gc.freeze()
    tasks = _Tasks(health, settings)
    outbox: OutboxSender | None = None
    clocks: list[Clock] = []  # the running one, while this process leads
    leadership: Leadership | None = None
    if is_sqlite(settings.database_url):
        path = database_path(settings.database_url)
        tasks.start("sqlite-checkpoint", lambda: checkpoint_in_thread(path))
    senders: dict[str, ChannelSender] = {}
    try:
        if zalo is not None:
            from bot.zalo.sender import ZaloSender

            tasks.start("zalo-upkeep", zalo.upkeep)
            pictures = settings_checks.reachable_by_zalo(settings.public_url)
            if not pictures:
                log.warning("PUBLIC_URL (%s) is not an https address Zalo can reach: tally "
                            "charts go to Zalo as text with a console link, not as pictures",
                            settings.public_url or "not set")
            senders["zalo"] = ZaloSender(zalo.client, texts, links, pictures=pictures,
                                         console_url=services.console_url)
            if settings.zalo_mode == "webhook":
                _keep_zalo_webhook(settings, health, tasks, zalo)
        if telegram is not None:
            from bot.telegram.sender import TelegramSender

            await telegram.register_commands()
            tasks.start("telegram-upkeep", telegram.upkeep)
            senders["telegram"] = TelegramSender(telegram.bot, services.media)
            if settings.telegram_mode == "webhook":
                assert settings.telegram_webhook_url and settings.telegram_webhook_secret
                await telegram.set_webhook(settings.telegram_webhook_url,
                                           settings.telegram_webhook_secret.get_secret_value())
                _watch_telegram_webhook(settings, health, tasks, telegram)
        _start_polling(settings, health, tasks, engine, telegram, zalo)
        if senders:
            outbox = OutboxSender(sessions, senders, render_notice, pace=pace, meter=meter)
            tasks.start("outbox", outbox.run)
        chart = stored_chart(services.media, entries_label=texts.get(
            texts.default_locale, "tally.entries"), quota_label=texts.get(
            texts.default_locale, "tally.quota"))
        sending = outbox

        async def start_clock() -> None:
            # A clock of its own each time the lead is taken: APScheduler drops its jobs
            # when it shuts down, so a stopped clock cannot start again.
            clocks.append(Clock(
                sessions, digest_at=settings.digest_at,
                tally=TallyPlan(chart, day=settings.tally_day, at=settings.tally_at,
                                scope=settings.tally_scope,
                                nudge_below=settings.tally_nudge_below),
                channels=frozenset(sending.channels if sending is not None else ()),
                queued=sending.wake if sending is not None else lambda: None, meter=meter,
                media=services.media, retention=periods,
                exemplars=ExemplarPlan(settings.base_url, day=settings.tally_day)))
            await clocks[-1].start()

        def stop_clock() -> None:
            while clocks:
                clocks.pop().stop()

        leadership = Leadership(engine, retry_seconds=settings.leader_retry_seconds)
        lead = leadership
        tasks.start("scheduler", lambda: lead.lead(start_clock, stop_clock))
        log.info("NTVT is up: web chat at %s/chat%s%s", settings.base_url,
                 f", Telegram by {settings.telegram_mode}" if telegram else "",
                 f", Zalo by {settings.zalo_mode}" if zalo else "")
        await server.serve()
    finally:
        for clock in clocks:
            clock.stop()
        if leadership is not None:
            await leadership.release()
        # The pollers stop first, so no new update comes in while the turns finish.
        for task in tasks.running:
            task.cancel()
        for task in tasks.running:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        grace = server.turns_grace()
        await asyncio.gather(*(channel.close(grace) for channel in (telegram, zalo)
                               if channel is not None))
        if isinstance(pace, SharedPace):  # its own connection goes back before the pool
            await pace.close()
        await engine.dispose()
