"""The settings that belong together, checked together: one line per problem, naming the
setting as it is written in `.env`, so an operator sees every mistake at once.

Some hold everywhere (a webhook needs its secret); with `ENV=production` more do, because
there a wrong setting does not fail loudly later but quietly works badly: a random key at
each start breaks the picture links Zalo holds, SQLite cannot serve two processes,
a cookie sent without `Secure`, a throttle that counts the proxy instead of the client.
"""

import ipaddress
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.settings import Settings

SECRET_KEY_MIN_LENGTH = 32


def proxy_address_problem(value: str) -> str | None:
    """FORWARDED_ALLOW_IPS is what uvicorn compares the connecting address with: IP
    addresses or networks, comma separated, or `*`. A host name would never match."""
    items = [item.strip() for item in value.split(",")]
    if items == ["*"]:
        return None
    for item in items:
        try:
            if "/" in item:
                ipaddress.ip_network(item)
            else:
                ipaddress.ip_address(item)
        except ValueError:
            return (f"{item!r} is not an IP address or network; give the reverse proxy's "
                    "address(es), comma separated (e.g. 127.0.0.1 or 10.0.0.0/24), or *")
    return None


def embed_origins_problem(value: str) -> str | None:
    """EMBED_ORIGINS is compared with the framing page's origin by the browser: scheme,
    host and port only, no path."""
    for item in (part.strip() for part in value.split(",")):
        if item and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?/?", item):
            return (f"EMBED_ORIGINS: {item!r} is not an origin; give the ward portal's "
                    "address as https://host (no path), comma separated")
    return None


def reachable_by_zalo(public_url: str | None) -> bool:
    """Whether Zalo's servers can fetch a link to `public_url`: https, and a host that is
    not this machine or a private network."""
    if not public_url:
        return False
    parts = urlsplit(public_url)
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or host == "localhost" or \
            host.endswith((".local", ".localhost", ".internal", ".lan")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host  # a name; whether it resolves publicly is the operator's part
    return address.is_global


def everywhere(settings: "Settings") -> list[str]:
    problems = []
    if settings.telegram_bot_token and settings.telegram_mode == "webhook":
        if not settings.telegram_webhook_url:
            problems.append("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL, the public "
                            "https:// address of /telegram/webhook")
        if not settings.telegram_webhook_secret:
            problems.append("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET "
                            "(1-256 of A-Z a-z 0-9 _ -)")
    if settings.zalo_bot_token and settings.zalo_mode == "webhook" and not (
            settings.zalo_webhook_secret
            and 8 <= len(settings.zalo_webhook_secret.get_secret_value()) <= 256):
        problems.append("ZALO_MODE=webhook (the default once ZALO_BOT_TOKEN is set) needs "
                        "ZALO_WEBHOOK_SECRET, 8-256 characters")
    if settings.media_store == "s3" and not settings.media_s3_bucket:
        problems.append("MEDIA_STORE=s3 needs MEDIA_S3_BUCKET")
    return problems


def in_production(settings: "Settings") -> list[str]:
    if settings.env != "production":
        return []
    rule = "with ENV=production"
    problems = []
    key = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if not key:
        problems.append(f"SECRET_KEY is not set; {rule} it must be {SECRET_KEY_MIN_LENGTH} "
                        "or more random characters (python3 -c 'import secrets; "
                        "print(secrets.token_urlsafe(48))')")
    elif len(key) < SECRET_KEY_MIN_LENGTH:
        problems.append(f"SECRET_KEY is {len(key)} characters long; {rule} it must be "
                        f"{SECRET_KEY_MIN_LENGTH} or more random characters")
    if settings.database_url.startswith("sqlite"):
        problems.append(f"DATABASE_URL is SQLite; {rule} it must be PostgreSQL "
                        "(postgresql+asyncpg://user:password@host:5432/ntvt)")
    problems += [_https_problem(name, url, rule) for name, url in _public_urls(settings)
                 if not (url or "").startswith("https://")]
    if settings.zalo_bot_token and (settings.public_url or "").startswith("https://") and \
            not reachable_by_zalo(settings.public_url):
        problems.append(f"PUBLIC_URL is {settings.public_url}; {rule} and Zalo on it must be "
                        "an address Zalo's servers can reach (not this machine or a private "
                        "network): Zalo fetches the pictures it sends from there")
    plain = [o for o in settings.embedding_sites if not o.startswith("https://")]
    if plain:
        problems.append(f"EMBED_ORIGINS has {', '.join(plain)}; {rule} a portal framing the "
                        "chat must be https://")
    if not settings.forwarded_allow_ips:
        problems.append(f"FORWARDED_ALLOW_IPS is not set; {rule} it must be the HTTPS reverse "
                        "proxy's address(es), so cookies stay Secure and sign-in throttling "
                        "sees each client's own address")
    return problems


def _public_urls(settings: "Settings") -> list[tuple[str, str | None]]:
    urls: list[tuple[str, str | None]] = [("PUBLIC_URL", settings.public_url)]
    if settings.telegram_bot_token and settings.telegram_webhook_url:
        urls.append(("TELEGRAM_WEBHOOK_URL", settings.telegram_webhook_url))
    if settings.zalo_bot_token and settings.zalo_webhook_url:
        urls.append(("ZALO_WEBHOOK_URL", settings.zalo_webhook_url))
    return urls


def _https_problem(name: str, url: str | None, rule: str) -> str:
    if not url:
        return (f"{name} is not set; {rule} it must be the https:// address people reach "
                "the web chat and console at")
    return f"{name} is {url}; {rule} it must start with https://"
