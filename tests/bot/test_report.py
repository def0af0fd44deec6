"""The editors' report: its findings, the files it writes (text, CSV, HTML, labelled questions) and the command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.questionlog import Asker, QuestionLog
from bot.report.data import build, collect
from bot.report.export import labelled_questions
from bot.report.html import render_html
from bot.report.options import parse_since
from bot.report.synonyms import name_closest, synonyms_line
from bot.report.text import summary, write_csv
from bot.state import StateStore, open_state
from intents import Engine
from tests.conftest import ROOT

PERSON = Asker(user=1234567, chat=1234567, kind="private")


@pytest.fixture()
def store(tmp_path: Path) -> StateStore:
    opened = open_state(tmp_path / "state.sqlite3")
    yield opened
    opened.close()


class Chat:
    """A private chat's questions, button presses and votes written to the log as the Telegram front end does."""

    def __init__(self, store: StateStore, engine: Engine) -> None:
        log = QuestionLog.attach(store)
        assert log is not None
        self.log, self.engine = log, engine
        self.update_id = self.message = 0

    def _commit(self) -> None:
        self.log.store.answered(self.update_id, also=self.log.take(self.update_id))

    def ask(self, text: str) -> int:
        self.update_id += 1
        self.message += 1
        trace, _ = self.engine.respond_traced(text)
        self.log.question(self.update_id, PERSON, text, trace, self.message)
        self._commit()
        return self.message

    def press(self, under: int, drug_id: str, part: str | None = None) -> int:
        self.update_id += 1
        self.message += 1
        reply = self.engine.part(drug_id, part)[0] if part else self.engine.pick(drug_id)[0]
        button = {"action": "part" if part else "pick", "drug_id": drug_id, "part": part}
        self.log.press(self.update_id, PERSON, under, button, reply, self.message)
        self._commit()
        return self.message

    def vote(self, message: int, drug_id: str, part: str, up: bool) -> None:
        self.update_id += 1
        self.log.vote(self.update_id, PERSON, message, self.engine.part(drug_id, part)[0], up)
        self._commit()


def part_key(engine: Engine, drug_id: str, label: str) -> str:
    reply = engine.part(drug_id, "list")[0]
    return next(o.part for o in reply.options if o.label == label and o.part)


def test_which_part_then_a_part_chosen_is_a_labelled_question(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    listing = chat.ask("velorimab worth it?")
    dosage = part_key(fiction_engine, "velorimab", "Dosage and Administration")
    chat.press(listing, "velorimab", dosage)
    chat.ask("kadcyla worth it?")  # nothing chosen after it
    report = build(collect(store.read))
    assert [(w.question, w.chosen, w.topic) for w in report.which] == [
        ("velorimab worth it?", "Dosage and Administration", "dosage"),
        ("kadcyla worth it?", None, None),
    ]
    (line,) = labelled_questions(report)
    assert set(line) == {"q", "drug", "name", "topics", "subject", "other", "reviewed", "chose", "asked"}
    assert (line["q"], line["drug"], line["topics"], line["reviewed"], line["chose"]) == (
        "velorimab worth it?",
        "velorimab",
        ["dosage"],
        False,  # an editor reviews it before it joins the corpus
        "Dosage and Administration",
    )
    assert line["asked"] == time.strftime("%Y-%m-%d", time.gmtime())


def test_a_part_chosen_through_all_sections_still_labels_the_question(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    listing = chat.ask("kadcyla worth it?")
    everything = chat.press(listing, "trastuzumab-emtansine", "list")  # "All sections…"
    chat.press(everything, "trastuzumab-emtansine", part_key(fiction_engine, "trastuzumab-emtansine", "Dosage"))
    (asked,) = build(collect(store.read)).which
    assert (asked.chosen, asked.topic, asked.name) == ("Dosage", "dosage", "kadcyla")


def test_a_name_without_a_monograph_comes_with_the_drug_users_picked_and_its_synonym_line(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    chat.press(chat.ask("velrmab dose"), "velorimab")
    chat.ask("velrmab side effects")
    chat.ask("zorblaxitan dose")
    report = build(collect(store.read))
    name_closest(report.names, fiction_engine, synonyms={"Velorimab": ["VLR 12"]})
    found = {n.name: (n.count, n.closest, n.line) for n in report.names}
    assert found["velrmab"] == (2, "Velorimab", "Velorimab: [VLR 12, velrmab]")
    assert found["zorblaxitan"] == (1, None, None)
    assert report.names[0].name == "velrmab"  # most frequent first


def test_synonym_lines_are_yaml_the_file_reads_back(tmp_path):
    line = synonyms_line("Trastuzumab Emtansine", "T:DM-1 #2", {"Trastuzumab Emtansine": ["T-DM1", "yes"]})
    assert yaml.safe_load(line) == {"Trastuzumab Emtansine": ["T-DM1", "yes", "T:DM-1 #2"]}
    assert synonyms_line("trastuzumab emtansine", "t-dm1", {"Trastuzumab Emtansine": ["T-DM1"]}) == (
        "Trastuzumab Emtansine: [T-DM1]"  # the title as the file writes it; a name it has, once
    )


def test_no_synonym_line_for_a_word_of_the_drugs_title(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    chat.ask("trastuzumab dose")  # "I have Trastuzumab Emtansine, not trastuzumab": another drug
    report = build(collect(store.read))
    name_closest(report.names, fiction_engine, synonyms={})
    (name,) = report.names
    assert (name.name, name.closest, name.line) == ("trastuzumab", "Trastuzumab Emtansine", None)


def test_uncovered_subjects_are_counted_per_drug(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    for text in ("kadcyla price", "how much does kadcyla cost", "how much does velorimab cost"):
        chat.ask(text)
    found = [(u.drug, u.subject, u.count) for u in build(collect(store.read)).uncovered]
    assert found == [("Trastuzumab Emtansine", "price", 2), ("Velorimab", "price", 1)]


def test_votes_by_part_with_their_share_down_and_per_day(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    dosage = part_key(fiction_engine, "velorimab", "Dosage and Administration")
    answer = chat.press(chat.ask("velorimab worth it?"), "velorimab", dosage)
    chat.vote(answer, "velorimab", dosage, up=False)
    chat.vote(answer, "velorimab", dosage, up=True)  # the same person again: the vote changes
    chat.vote(answer + 100, "velorimab", dosage, up=False)  # another answer of the same part
    report = build(collect(store.read))
    (voted,) = report.voted
    assert (voted.drug, voted.section, voted.up, voted.down, voted.share_down) == (
        "Velorimab",
        "Dosage and Administration",
        1,
        1,
        0.5,
    )
    (day,) = report.days
    assert (day.messages, day.confident, day.abstained, day.up, day.down) == (1, 0, 1, 1, 1)
    assert len(summary(report)) == 5


def test_html_report_is_one_file_with_a_chart_sortable_tables_and_escaped_texts(store, fiction_engine):
    chat = Chat(store, fiction_engine)
    chat.ask('kadcyla worth it? <script>alert("x")</script>')
    chat.ask("velrmab <img src=x onerror=alert(1)> dose")
    page = render_html(build(collect(store.read)))
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<meta name="viewport"' in page and "<svg" in page and 'class="sortable"' in page
    # self-contained: nothing is fetched (the only URL is the SVG namespace)
    assert re.findall(r"<[^>]*\s(?:src|href)=", page) == []
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]


def test_csv_cells_are_never_spreadsheet_formulas(store, fiction_engine, tmp_path):
    chat = Chat(store, fiction_engine)
    chat.ask("=kadcyla worth it?")
    write_csv(build(collect(store.read)), tmp_path / "csv")
    rows = (tmp_path / "csv" / "which_part.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("'=kadcyla worth it?,")


def test_since_reads_spans_and_days():
    now = 1_800_000_000.0
    assert parse_since("30d", now) == now - 30 * 86_400
    assert parse_since("12h", now) == now - 12 * 3600
    assert parse_since("2w", now) == now - 14 * 86_400
    assert parse_since("2026-11-01", now) == 1_793_491_200.0
    assert parse_since(None, now) is None
    with pytest.raises(ValueError, match="--since 'soon'"):
        parse_since("soon", now)


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot", "report", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_report_command_on_a_missing_or_foreign_file_is_one_line_and_exit_2(tmp_path):
    missing = run_report("--state", str(tmp_path / "nothing.sqlite3"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: no state file at")
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    foreign = run_report("--state", str(tmp_path / "notes.txt"))
    assert foreign.returncode == 2 and "cannot be read as the bot's state" in foreign.stderr
    assert len(foreign.stderr.splitlines()) == 1


def test_report_command_on_a_state_without_a_log_says_so(tmp_path):
    store = open_state(tmp_path / "state.sqlite3")
    store.close()
    done = run_report("--state", str(tmp_path / "state.sqlite3"), "--export-questions", str(tmp_path / "q.jsonl"))
    assert done.returncode == 0, done.stderr
    assert "holds no question log yet" in done.stdout
    assert (tmp_path / "q.jsonl").read_text(encoding="utf-8") == ""


def test_report_command_writes_what_was_asked_since_the_time_given(store, fiction_engine, tmp_path):
    chat = Chat(store, fiction_engine)
    chat.ask("kadcyla worth it?")
    store.execute([("UPDATE question_log SET at = at - 40 * 86400", ())], "ageing the row")
    chat.ask("velorimab worth it?")
    html = tmp_path / "out" / "report.html"
    done = run_report("--state", str(store.path), "--since", "30d", "--html", str(html))
    assert done.returncode == 0, done.stderr
    assert "velorimab worth it?" in done.stdout and "kadcyla worth it?" not in done.stdout
    assert "velorimab worth it?" in html.read_text(encoding="utf-8")
    lines = json.dumps(done.stdout)
    assert "Traceback" not in lines
