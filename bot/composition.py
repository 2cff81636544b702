"""The composition root: settings → engine → services → web app, channels → run."""

import asyncio
import contextlib
import logging
from pathlib import Path

import uvicorn

from bot.settings import Settings
from bot.telegram.channel import TelegramChannel
from bot.webchat.routes import build_router as webchat_router
from handlers.texts import Texts
from handlers.turn import Services
from storage.db import SessionFactory, make_engine, make_session_factory
from storage.media import MediaStore
from storage.migrate import upgrade
from storage.org_file import read_org_file
from storage.org_loader import load_org
from web.app import create_app, make_context

log = logging.getLogger("ntvt")


async def migrate(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    log.info("database is at the latest migration")


async def _load_org(sessions: SessionFactory, path: Path) -> None:
    async with sessions() as session:
        report = await load_org(session, read_org_file(path))
    log.info("organisation %s: %d units, %d clusters, %d staff, %d deactivated", path,
             report.units, report.clusters, report.staff, report.deactivated)


async def load_org_file(settings: Settings, path: Path | None) -> None:
    if path is None:
        raise SystemExit("no organisation file: pass one or set ORG_FILE")
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        await _load_org(make_session_factory(engine), path)
    finally:
        await engine.dispose()


async def run(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    sessions = make_session_factory(engine)
    if settings.org_file is not None:
        await _load_org(sessions, settings.org_file)
    texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)
    services = Services(texts=texts, media=MediaStore(settings.media_dir),
                        console_url=f"{settings.base_url}/console")
    context = make_context(sessions, texts, settings.templates_dir)

    telegram: TelegramChannel | None = None
    routes = []
    if settings.telegram_bot_token is not None:
        telegram = TelegramChannel(token=settings.telegram_bot_token.get_secret_value(),
                                   api_base=settings.telegram_api_base, sessions=sessions,
                                   services=services)
        if settings.telegram_mode == "webhook":
            assert settings.telegram_webhook_secret is not None
            routes.append(telegram.webhook_route(
                "/telegram/webhook", settings.telegram_webhook_secret.get_secret_value()))

    app = create_app(context, templates_dir=settings.templates_dir,
                     routers=[webchat_router(context, services)], routes=routes)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                                           log_level="warning", proxy_headers=True))
    tasks: list[asyncio.Task[None]] = []
    try:
        if telegram is not None:
            await telegram.register_commands()
            tasks.append(asyncio.create_task(telegram.worker.run_sweeps()))
            if settings.telegram_mode == "webhook":
                assert settings.telegram_webhook_url and settings.telegram_webhook_secret
                await telegram.set_webhook(settings.telegram_webhook_url,
                                           settings.telegram_webhook_secret.get_secret_value())
            else:
                tasks.append(asyncio.create_task(telegram.poll()))
        log.info("NTVT is up: web chat at %s/chat%s", settings.base_url,
                 f", Telegram by {settings.telegram_mode}" if telegram else "")
        await server.serve()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if telegram is not None:
            await telegram.close()
        await engine.dispose()
