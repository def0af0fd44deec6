"""Configuration from the environment and `.env`, validated at start so a bad value is one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.paths import default_seeds


class SettingsError(ValueError):
    """A missing or malformed setting, phrased for the operator."""


class Settings(BaseSettings):
    """Every setting the bot reads. Names are the environment variables (see the README's table)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    telegram_bot_token: str = Field(default="", validation_alias="TELEGRAM_BOT_TOKEN")
    seeds_dir: Annotated[list[Path], NoDecode] = Field(
        default_factory=default_seeds, validation_alias="DRUGBOT_SEEDS_DIR"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default=frozenset(), validation_alias="DRUGBOT_ADMIN_IDS")
    # the old name still works, so an existing .env keeps its state file on the same volume
    state_path: Path = Field(
        default=Path("drugbot-state.sqlite3"),
        validation_alias=AliasChoices("DRUGBOT_STATE_PATH", "DRUGBOT_PERSISTENCE_PATH"),
    )
    api_base_url: str = Field(default="https://api.telegram.org/bot", validation_alias="DRUGBOT_API_BASE_URL")
    webhook_url: str = Field(default="", validation_alias="DRUGBOT_WEBHOOK_URL")
    webhook_listen: str = Field(default="0.0.0.0", validation_alias="DRUGBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, validation_alias="DRUGBOT_WEBHOOK_PORT")
    webhook_secret: str = Field(default="", validation_alias="DRUGBOT_WEBHOOK_SECRET")
    concurrent_updates: int = Field(default=16, ge=1, le=512, validation_alias="DRUGBOT_CONCURRENT_UPDATES")
    rate_limit: bool = Field(default=True, validation_alias="DRUGBOT_RATE_LIMIT")
    watch_seeds: bool = Field(default=True, validation_alias="DRUGBOT_WATCH_SEEDS")
    watch_interval: float = Field(default=5.0, ge=0.2, le=3600, validation_alias="DRUGBOT_WATCH_INTERVAL")
    # a monograph file changed less than this many seconds ago is still being written: it is read once it is still
    watch_settle: float = Field(default=2.0, ge=0, le=600, validation_alias="DRUGBOT_WATCH_SETTLE")
    cache_dir: str = Field(default="", validation_alias="DRUGBOT_CACHE_DIR")
    health_file: Path | None = Field(default=None, validation_alias="DRUGBOT_HEALTH_FILE")
    group_cooldown: float = Field(default=60.0, ge=0, le=86400, validation_alias="DRUGBOT_GROUP_COOLDOWN")
    error_chat_id: int | None = Field(default=None, validation_alias="DRUGBOT_ERROR_CHAT_ID")
    log_level: str = Field(default="INFO", validation_alias="DRUGBOT_LOG_LEVEL")
    question_log: bool = Field(default=True, validation_alias="DRUGBOT_QUESTION_LOG")
    question_log_days: int = Field(default=90, ge=1, le=3650, validation_alias="DRUGBOT_QUESTION_LOG_DAYS")
    feedback: bool = Field(default=True, validation_alias="DRUGBOT_FEEDBACK")

    @field_validator("seeds_dir", mode="before")
    @classmethod
    def _split_folders(cls, value: Any) -> Any:
        if isinstance(value, str):
            import os

            return [Path(p) for p in value.split(os.pathsep) if p.strip()] or default_seeds()
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids (numbers) separated by commas") from None
        return value

    @field_validator("error_chat_id", mode="before")
    @classmethod
    def _optional_chat(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be a full URL starting with https://")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: str) -> str:
        import re

        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("may only contain A-Z, a-z, 0-9, _ and - (1 to 256 characters)")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    def require_token(self) -> str:
        token = self.telegram_bot_token.strip()
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
        if ":" not in token:
            raise SettingsError("TELEGRAM_BOT_TOKEN looks malformed (expected '123456:ABC...', from @BotFather)")
        return token


ENV_NAMES = {
    name: alias.choices[0] if isinstance(alias := field.validation_alias, AliasChoices) else alias
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a bad value raises `SettingsError` naming the variable and what is wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "setting"
        name = ENV_NAMES.get(field, field)
        raise SettingsError(f"{name}: {first['msg']}") from None
