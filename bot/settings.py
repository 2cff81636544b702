"""Every setting, from the environment or .env; built once, in the composition root."""

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./ntvt.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    org_file: Path | None = PROJECT_ROOT / "examples" / "org_demo.yaml"
    media_dir: Path = Path("./media")
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str | None = None
    default_locale: Literal["vi", "en"] = "vi"
    templates_dir: Path = PROJECT_ROOT / "templates"
    log_level: str = "INFO"
    digest_at: time = time(7, 30)

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> "Settings":
        if self.telegram_bot_token and self.telegram_mode == "webhook" and not (
                self.telegram_webhook_url and self.telegram_webhook_secret):
            raise ValueError("webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
        return self

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")
