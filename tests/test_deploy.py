"""The compose file and Dockerfile agree with the settings the bot reads (no Docker engine runs here)."""

from __future__ import annotations

import yaml

from bot.__main__ import _parser
from bot.settings import ENV_NAMES
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICE = COMPOSE["services"]["drugbot"]


def test_service_runs_the_telegram_bot_with_a_restart_policy():
    assert SERVICE["command"] == ["python", "-m", "bot", "telegram"]
    assert "telegram" in _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert SERVICE["restart"] in ("unless-stopped", "always")
    assert SERVICE["build"] == "."


def test_token_comes_from_dot_env_and_every_variable_is_a_real_setting():
    assert ".env" in SERVICE["env_file"]
    known = set(ENV_NAMES.values())
    assert set(SERVICE["environment"]) <= known
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert "TELEGRAM_BOT_TOKEN" in names and names <= known


def test_seeds_are_mounted_read_only_where_the_bot_reads_them():
    env = SERVICE["environment"]
    mounts = {v.split(":")[1]: v for v in SERVICE["volumes"]}
    seeds = mounts[env["DRUGBOT_SEEDS_DIR"]]
    assert seeds.startswith("./seeds:") and seeds.endswith(":ro")


def test_state_and_heartbeat_live_on_a_named_volume():
    env = SERVICE["environment"]
    data_mount = next(v for v in SERVICE["volumes"] if v.startswith("drugbot-data:"))
    target = data_mount.split(":")[1]
    assert env["DRUGBOT_STATE_PATH"].startswith(target + "/")
    assert env["DRUGBOT_HEALTH_FILE"].startswith(target + "/")
    assert env["DRUGBOT_CACHE_DIR"].startswith(target + "/")
    assert "drugbot-data" in COMPOSE["volumes"]


def test_healthcheck_runs_the_health_command():
    test = SERVICE["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python", "-m", "bot"] and test[4] == "health"
    assert "health" in _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]


def test_dockerfile_installs_with_the_readme_install_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    install = 'python -m pip install -e ".[test]"'
    assert install in readme
    assert 'pip install --no-cache-dir -e ".[test]"' in dockerfile
    assert "COPY seeds" in dockerfile
