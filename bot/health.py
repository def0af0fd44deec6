"""`python -m bot health`: the container healthcheck, reading the heartbeat file the running bot touches."""

from __future__ import annotations

import sys
import time

from bot.settings import SettingsError, load_settings
from bot.telegram.app import HEARTBEAT_SECONDS

STALE_AFTER = 3 * HEARTBEAT_SECONDS


def check_health() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(f"unhealthy: {exc}\n")
        return 1
    if settings.health_file is None:
        sys.stderr.write("unhealthy: DRUGBOT_HEALTH_FILE is not set, so there is no heartbeat to check\n")
        return 1
    try:
        age = time.time() - settings.health_file.stat().st_mtime
    except OSError:
        sys.stderr.write(f"unhealthy: no heartbeat file at {settings.health_file} (is the bot running?)\n")
        return 1
    if age > STALE_AFTER:
        sys.stderr.write(f"unhealthy: last heartbeat {age:.0f}s ago\n")
        return 1
    sys.stdout.write(f"healthy: last heartbeat {age:.0f}s ago\n")
    return 0
