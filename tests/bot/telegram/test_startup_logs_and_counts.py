"""The Telegram bot as an operator sees it: its log at start-up, the admin commands, the heartbeat at stop."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.bot.telegram.telegram_harness import ADMIN, running_bot
from tests.bot.telegram.test_telegram_startup import clean_env, start_bot, stop_bot
from tests.conftest import FICTIONAL, SEED_FILE, SEEDS


async def test_each_bad_monograph_file_is_logged_once_at_start_up(api, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds / "kadcyla.md")
    (seeds / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    env = clean_env(
        TELEGRAM_BOT_TOKEN=api.token,
        DRUGBOT_API_BASE_URL=api.base_url,
        DRUGBOT_SEEDS_DIR=str(seeds),
        DRUGBOT_STATE_PATH=str(tmp_path / "state.sqlite3"),
        DRUGBOT_WATCH_SEEDS="false",
    )
    proc = await start_bot(tmp_path, "telegram", env=env)
    try:
        api.push_text("dose of kadcyla?", chat_id=4646, user_id=4646)
        await api.wait_for("sendMessage", timeout=40)
    finally:
        code, stderr = await stop_bot(proc)
    assert code == 0, stderr
    named = [line for line in stderr.splitlines() if "broken.md" in line]
    assert len(named) == 1, named
    assert "WARNING" in named[0] and "YAML" in named[0]


async def test_reload_and_stats_count_the_drugs_the_same_way_served_and_banned(api, tmp_path):
    async with running_bot(api, tmp_path, folders=[SEEDS, FICTIONAL]):  # 3 drugs served, Plumbazole banned
        api.push_text("/reload", user_id=ADMIN, chat_id=ADMIN)
        api.push_text("/stats", user_id=ADMIN, chat_id=ADMIN)
        await api.wait_for("sendMessage", count=2)
    reload, stats = (m["text"] for m in api.sent)
    assert reload.startswith("Reloaded: 3 monograph(s) served, 1 banned (never served), in "), reload
    assert "Drugs loaded: 3 served, 1 banned (never served)" in stats, stats


async def test_a_clean_stop_removes_the_heartbeat_so_health_says_unhealthy_at_once(api, tmp_path):
    heartbeat = tmp_path / "data" / "heartbeat"
    heartbeat.parent.mkdir()
    env = clean_env(
        TELEGRAM_BOT_TOKEN=api.token,
        DRUGBOT_API_BASE_URL=api.base_url,
        DRUGBOT_STATE_PATH=str(tmp_path / "data" / "state.sqlite3"),
        DRUGBOT_HEALTH_FILE=str(heartbeat),
        DRUGBOT_WATCH_SEEDS="false",
    )

    def health() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "health"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )

    proc = await start_bot(tmp_path, "telegram", env=env)
    try:
        api.push_text("dose of kadcyla?", chat_id=4747, user_id=4747)
        await api.wait_for("sendMessage", timeout=40)
        running = health()
    finally:
        code, stderr = await stop_bot(proc)  # SIGTERM: a clean stop
    assert code == 0, stderr
    assert running.returncode == 0 and running.stdout.startswith("healthy"), running
    stopped = health()
    assert stopped.returncode == 1 and "no heartbeat file" in stopped.stderr, stopped
    assert not heartbeat.exists()
