"""The command line in a subprocess, as a user runs it: pipes closed early, temporary caches, batch lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED_FILE


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "dose of Kadcyla?"],
        ["ask", "--explain", "kadcyla side effects"],
        ["check", "--dates"],
        ["ask", "--jsonl"],
    ],
)
def test_a_reader_that_stops_reading_ends_the_command_quietly(args, tmp_path):
    """As `python -m bot check --dates | head -0`: the pipe is closed before the command writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=bot_env(DRUGBOT_CACHE_DIR=str(tmp_path / "cache")),
    )
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    proc.stdin.write(b"dose of kadcyla?\n" * 50)
    proc.stdin.close()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = proc.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr, stderr
    assert stderr == "", stderr
    assert code == 141  # as a command that SIGPIPE ended (128 + 13), without a word


def test_head_keeps_the_first_lines_of_a_long_output_quietly(tmp_path):
    script = (
        f"{sys.executable} -m bot ask --jsonl < /dev/stdin | head -3; {sys.executable} -m bot check --dates | head -0"
    )
    result = subprocess.run(
        ["bash", "-c", script],
        input="dose of kadcyla?\n" * 2000,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=bot_env(DRUGBOT_CACHE_DIR=str(tmp_path / "cache")),
        timeout=120,
    )
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == "", result.stderr


def test_the_tests_run_the_command_line_with_a_temporary_cache_not_the_users(tmp_path):
    from tests.bot.test_cli import run

    home = tmp_path / "home"
    home.mkdir()
    result = run("ask", "dose of kadcyla?", env={"HOME": str(home)})  # as test_cli.py runs every command
    assert result.returncode == 0, result.stderr
    assert not (home / ".cache").exists()
    chat = run("chat", stdin="kadcyla dose\n", env={"HOME": str(home)})
    assert "3.6 mg/kg" in chat.stdout and not (home / ".cache").exists()


CONTRACT = {"query", "drug", "topic", "kind", "section", "faq", "text", "candidates", "updated"}


def test_every_jsonl_line_is_answered_blank_ones_too(tmp_path):
    """One object per line, in order (shared/eval/README.md): a blank line is an empty message, answered as
    `{"text": ""}` is, so the answers stay lined up with the questions; it changes no context."""
    lines = ["dose of kadcyla?", "", "   ", '{"text": ""}', "and side effects?", ""]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=bot_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert all(set(o) == CONTRACT for o in out), out
    assert [o["query"] for o in out] == ["dose of kadcyla?", "", "   ", "", "and side effects?", ""]
    assert out[1] == out[3] and out[1]["kind"] == "unknown"
    assert out[4]["drug"] == "Trastuzumab Emtansine" and out[4]["topic"] == "side_effects"


def test_an_over_long_jsonl_line_is_named_by_its_start_cut_short_in_valid_utf8(tmp_path):
    long_line = "é" * 40_000 + " kadcyla"  # 80,008 bytes: over the 64 KiB a line may be
    odd = b"\xff" + "🙂".encode() * 20_000  # not UTF-8 at the start, 4-byte characters after
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=long_line.encode() + b"\n" + odd + b"\nkadcyla dose\n",
        capture_output=True,
        cwd=ROOT,
        env=bot_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    first, second, third = (json.loads(line) for line in result.stdout.decode("utf-8").splitlines())  # strict
    assert first == {"line": 1, "query": "é" * 200 + "…", "error": "line longer than 65,536 bytes"}
    assert second["line"] == 2 and second["query"] == "\ufffd" + "🙂" * 199 + "…"
    assert third["drug"] == "Trastuzumab Emtansine"


@pytest.mark.parametrize("command", [["ask", "dose of kadcyla?"], ["check"], ["check", "--dates"], ["chat"]])
def test_a_monograph_file_given_as_the_folder_is_said_to_be_a_file(command, tmp_path):
    from tests.bot.test_cli import run

    file = tmp_path / "kadcyla.md"
    file.write_bytes(SEED_FILE.read_bytes())
    result = run(*command[:1], "--seeds", str(file), *command[1:])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {file} is a file, not a folder: --seeds and DRUGBOT_SEEDS_DIR name folders of monographs "
        f"(this one is in {tmp_path})"
    ]
    assert result.stdout == ""
