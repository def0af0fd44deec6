"""Configuration: read from the environment, and a bad value is one clear line at start, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from bot.telegram.runner import webhook_params
from tests.bot.test_cli import run


def test_defaults_poll_with_rate_limit_and_project_seeds(monkeypatch):
    for name in ("DRUGBOT_SEEDS_DIR", "TELEGRAM_BOT_TOKEN", "DRUGBOT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.seeds_dir[0].name == "seeds"
    assert settings.rate_limit and settings.webhook_url == "" and settings.concurrent_updates == 16


def test_values_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("DRUGBOT_ADMIN_IDS", "1, 22,333")
    monkeypatch.setenv("DRUGBOT_SEEDS_DIR", str(tmp_path))
    monkeypatch.setenv("DRUGBOT_WEBHOOK_URL", "https://bot.example.org/hook/path")
    monkeypatch.setenv("DRUGBOT_WEBHOOK_PORT", "8080")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == {1, 22, 333}
    assert settings.seeds_dir == [tmp_path]
    params = webhook_params(settings)
    assert params["url_path"] == "hook/path" and params["port"] == 8080
    assert len(str(params["secret_token"])) >= 32  # made up when not configured


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DRUGBOT_ADMIN_IDS", raising=False)
    env = tmp_path / ".env"
    env.write_text("DRUGBOT_ADMIN_IDS=7\nTELEGRAM_BOT_TOKEN=1:abc\n", encoding="utf-8")
    settings = Settings(_env_file=env)
    assert settings.admin_ids == {7} and settings.require_token() == "1:abc"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DRUGBOT_ADMIN_IDS", "alice,bob", "DRUGBOT_ADMIN_IDS"),
        ("DRUGBOT_WEBHOOK_PORT", "99999", "DRUGBOT_WEBHOOK_PORT"),
        ("DRUGBOT_WEBHOOK_URL", "bot.example.org", "https://"),
        ("DRUGBOT_WEBHOOK_SECRET", "has spaces!", "DRUGBOT_WEBHOOK_SECRET"),
        ("DRUGBOT_RATE_LIMIT", "sometimes", "DRUGBOT_RATE_LIMIT"),
    ],
)
def test_malformed_setting_is_a_one_line_error(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=words) as info:
        load_settings(_env_file=None)
    assert "\n" not in str(info.value)


def test_missing_or_malformed_token_is_reported():
    with pytest.raises(SettingsError, match="not set"):
        Settings(_env_file=None, TELEGRAM_BOT_TOKEN="").require_token()
    with pytest.raises(SettingsError, match="malformed"):
        Settings(_env_file=None, TELEGRAM_BOT_TOKEN="nocolon").require_token()


def test_bot_with_bad_settings_exits_with_one_line(tmp_path: Path):
    result = run("telegram", env={"TELEGRAM_BOT_TOKEN": "1:abc", "DRUGBOT_WEBHOOK_PORT": "nope"})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: DRUGBOT_WEBHOOK_PORT")
    assert "Traceback" not in result.stderr
    without = run("telegram")
    assert without.returncode == 2 and "TELEGRAM_BOT_TOKEN is not set" in without.stderr


def test_token_set_means_telegram_mode_said_in_one_line():
    result = run(env={"TELEGRAM_BOT_TOKEN": "bad-token"})
    assert "TELEGRAM_BOT_TOKEN is set: running the Telegram bot" in result.stderr
    assert "malformed" in result.stderr and result.returncode == 2


def test_health_needs_a_fresh_heartbeat(tmp_path: Path):
    beat = tmp_path / "heartbeat"
    assert run("health", env={"DRUGBOT_HEALTH_FILE": str(beat)}).returncode == 1
    beat.write_text("now", encoding="utf-8")
    assert run("health", env={"DRUGBOT_HEALTH_FILE": str(beat)}).returncode == 0
