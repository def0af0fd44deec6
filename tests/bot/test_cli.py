"""The command line as a user runs it: `python -m bot ask|chat|check` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FICTIONAL, ROOT, SEED_FILE


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DRUGBOT_SEEDS_DIR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=60,
    )


def test_ask_prints_the_answer_with_drug_and_section():
    result = run("ask", "dose of Kadcyla?")
    assert result.returncode == 0, result.stderr
    assert "Trastuzumab Emtansine — FAQs" in result.stdout
    assert "3.6 mg/kg" in result.stdout


def test_ask_json_prints_the_contract():
    result = run("ask", "--json", "kadcyla in children")
    data = json.loads(result.stdout)
    assert set(data) == {"query", "drug", "topic", "kind", "section", "faq", "text", "candidates", "updated"}
    assert data["drug"] == "Trastuzumab Emtansine" and data["kind"] == "section"
    assert data["section"][-1] == "Children"


def test_ask_jsonl_keeps_context_per_chat():
    lines = "\n".join(
        [
            "dose of kadcyla?",
            "and side effects?",
            json.dumps({"chat": "other", "text": "and side effects?"}),
            json.dumps({"chat": "a", "text": "kadcyla"}),
            json.dumps({"chat": "a", "text": "in pregnancy?"}),
        ]
    )
    result = run("ask", "--jsonl", stdin=lines + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["query"] for o in out][:2] == ["dose of kadcyla?", "and side effects?"]
    assert out[1]["drug"] == "Trastuzumab Emtansine" and out[1]["topic"] == "side_effects"
    assert out[2]["kind"] == "unknown"  # another chat: no shared context
    assert out[4]["topic"] == "pregnancy" and out[4]["drug"] == "Trastuzumab Emtansine"


def test_seeds_folder_from_option_and_environment():
    assert "Velorimab" in run("ask", "--seeds", str(FICTIONAL), "velorimab dose").stdout
    assert "Velorimab" in run("ask", "velorimab dose", env={"DRUGBOT_SEEDS_DIR": str(FICTIONAL)}).stdout


def test_bad_use_gets_a_clear_message_and_non_zero_exit(tmp_path: Path):
    empty = run("ask", "")
    assert empty.returncode == 2 and "empty question" in empty.stderr
    missing = run("ask", "--seeds", str(tmp_path / "nope"), "kadcyla")
    assert missing.returncode == 2 and "not found" in missing.stderr
    (tmp_path / "broken.md").write_text("no front matter", encoding="utf-8")
    none = run("ask", "--seeds", str(tmp_path), "kadcyla")
    assert none.returncode == 2 and "no valid monograph" in none.stderr
    assert "Traceback" not in empty.stderr + missing.stderr + none.stderr


def test_check_names_bad_files_and_fails(tmp_path: Path):
    (tmp_path / "kadcyla.md").write_bytes(SEED_FILE.read_bytes())
    (tmp_path / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    result = run("check", "--seeds", str(tmp_path))
    assert result.returncode == 1
    assert "broken.md" in result.stdout and "YAML" in result.stdout
    assert "1 monograph(s) loaded" in result.stdout
    assert run("check").returncode == 0


def test_chat_console_follows_up_and_picks_numbered_options():
    result = run("chat", stdin="dose of kadcyla?\nand side effects?\nkadcyla\n4\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "3.6 mg/kg" in result.stdout
    assert "Rare but Serious Side Effects" in result.stdout
    assert "[4] Dosage" in result.stdout
    assert "Trastuzumab Emtansine — Dosage" in result.stdout


def test_no_command_and_no_token_runs_the_console_chat():
    result = run(stdin="kadcyla dose\n")
    assert "running the console chat" in result.stderr
    assert "3.6 mg/kg" in result.stdout


def test_check_on_an_empty_folder_is_a_one_line_error_and_exit_2(tmp_path: Path):
    result = run("check", "--seeds", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "no monograph files" in result.stderr


def test_check_with_only_bad_files_names_them_and_exits_2(tmp_path: Path):
    (tmp_path / "broken.md").write_text("no front matter", encoding="utf-8")
    result = run("check", "--seeds", str(tmp_path))
    assert result.returncode == 2
    assert "BAD  " in result.stdout and "broken.md" in result.stdout
    assert result.stderr.strip().splitlines() == [f"error: no valid monograph in {tmp_path} (1 file(s) skipped as bad)"]


def test_check_reports_each_bad_file_once(tmp_path: Path):
    (tmp_path / "kadcyla.md").write_bytes(SEED_FILE.read_bytes())
    (tmp_path / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    result = run("check", "--seeds", str(tmp_path))
    assert (result.stdout + result.stderr).count("broken.md") == 1
    assert "WARNING" not in result.stderr


def test_ask_summarises_skipped_files_in_one_line_instead_of_loader_warnings(tmp_path: Path):
    (tmp_path / "kadcyla.md").write_bytes(SEED_FILE.read_bytes())
    (tmp_path / "broken.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    result = run("ask", "--seeds", str(tmp_path), "dose of kadcyla?", env={"DRUGBOT_CACHE_DIR": "off"})
    assert result.returncode == 0 and "3.6 mg/kg" in result.stdout
    assert "WARNING" not in result.stderr and "broken.md" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "drugbot: 2 bad monograph file(s) skipped; python -m bot check names them"
    ]


def test_one_bad_line_never_ends_a_jsonl_batch():
    lines = [
        b"kadcyla dose",
        b'{"text":"kadcyla \\ud800 dose"}',  # a lone surrogate, escaped in JSON
        b"kadcyla \xff\xfe dose",  # bytes that are not UTF-8
        b'{"text": "kadcyla',  # malformed JSON
        b'{"text": 5}',
        b"x" * 100_000,  # longer than a line may be
        b"and side effects?",
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DRUGBOT_SEEDS_DIR")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]  # strict UTF-8
    assert len(out) == len(lines)
    assert out[1]["query"] == "kadcyla \ufffd dose" and out[1]["drug"] == "Trastuzumab Emtansine"
    assert out[2]["query"] == "kadcyla \ufffd\ufffd dose" and out[2]["drug"] == "Trastuzumab Emtansine"
    assert out[3]["line"] == 4 and out[3]["error"].startswith("not a valid JSON object")
    assert out[4] == {"line": 5, "query": '{"text": 5}', "error": '"text" must be a string, not int'}
    assert out[5] == {"line": 6, "query": "x" * 200 + "…", "error": "line longer than 65,536 bytes"}
    assert out[6]["topic"] == "side_effects" and out[6]["drug"] == "Trastuzumab Emtansine"
    assert "Traceback" not in result.stderr.decode("utf-8", "replace")


def test_an_argument_that_is_not_utf8_is_answered_as_valid_json():
    result = run("ask", "--json", "kadcyla \udcff dose")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "kadcyla \ufffd dose" and data["drug"] == "Trastuzumab Emtansine"


def test_check_lists_each_drugs_last_modified_date_when_asked(tmp_path: Path):
    (tmp_path / "kadcyla.md").write_bytes(SEED_FILE.read_bytes())
    (tmp_path / "undated.md").write_text("---\ntitle: Fictomab\n---\n## Usage\n- Fictional.\n", encoding="utf-8")
    (tmp_path / "odd-date.md").write_text(
        "---\ntitle: Oddomab\nlastModified: last spring\n---\n## Usage\n- Fictional.\n", encoding="utf-8"
    )
    listed = run("check", "--dates", "--seeds", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[:3] == [
        f"no date     Fictomab               {tmp_path / 'undated.md'}",
        f"no date     Oddomab                {tmp_path / 'odd-date.md'}",
        f"2025-09-22  Trastuzumab Emtansine  {tmp_path / 'kadcyla.md'}",
    ]
    assert f"WARN {tmp_path / 'odd-date.md'}: lastModified 'last spring' is not a date" in listed.stdout
    short = run("check", "--seeds", str(tmp_path))
    assert "2025-09-22" not in short.stdout and len(short.stdout.splitlines()) == 2
