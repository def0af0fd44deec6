"""Closing the loop: questions users labelled (exported by `python -m bot report --export-questions`) join the
labelled corpus only once an editor has reviewed every line (`python -m tools.train_topics --add`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.questions import QUESTIONS_DIR, load_questions
from tests.conftest import ROOT
from tools.train_topics import NotReviewed, add_reviewed, read_reviewed

EXPORTED = {
    "q": "velorimab worth it?",
    "drug": "velorimab",
    "name": None,
    "topics": ["dosage"],
    "subject": None,
    "other": None,
    "reviewed": False,
    "chose": "Dosage and Administration",
    "asked": "2026-11-26",
}


def write(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_an_unreviewed_line_keeps_the_file_out_of_the_corpus(tmp_path, lexicon):
    path = write(tmp_path / "week48.jsonl", {**EXPORTED, "reviewed": True}, EXPORTED)
    with pytest.raises(NotReviewed, match=r"week48.jsonl: line 2: not reviewed"):
        add_reviewed(path, tmp_path / "corpus", lexicon)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"topics": ["dose"]}, "topics \\['dose'\\]"),
        ({"topics": [], "subject": "colour"}, "unknown subject 'colour'"),
        ({"topics": []}, "give the topics that answer it"),
        ({"q": " "}, '"q" and "drug" must be non-empty'),
    ],
)
def test_a_reviewed_line_must_be_a_corpus_question(tmp_path, lexicon, change, reason):
    path = write(tmp_path / "week48.jsonl", {**EXPORTED, "reviewed": True, **change})
    with pytest.raises(NotReviewed, match=reason):
        read_reviewed(path, lexicon)


def test_a_reviewed_file_becomes_a_batch_of_the_corpus_in_its_own_fields(tmp_path, lexicon):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    reviewed = {**EXPORTED, "reviewed": True, "q": "is velorimab worth it, how much do i take"}
    batch = add_reviewed(write(tmp_path / "Week 48.jsonl", reviewed), corpus, lexicon)
    assert batch.name == "users-week-48.jsonl"
    (line,) = [json.loads(x) for x in batch.read_text(encoding="utf-8").splitlines()]
    assert set(line) == {"q", "drug", "name", "topics", "subject", "other"}
    (question,) = load_questions(folder=corpus)
    assert (question.q, question.drug, question.topics, question.batch) == (
        reviewed["q"],
        "velorimab",
        ("dosage",),
        "users-week-48",
    )
    with pytest.raises(FileExistsError):  # another file of the same name never overwrites a batch
        add_reviewed(write(tmp_path / "Week 48.jsonl", {**reviewed, "q": "other"}), corpus, lexicon)


def test_training_with_an_unreviewed_file_stops_before_touching_the_corpus(tmp_path):
    before = sorted(p.name for p in QUESTIONS_DIR.iterdir())
    path = write(tmp_path / "week48.jsonl", EXPORTED)
    done = subprocess.run(
        [sys.executable, "-m", "tools.train_topics", "--add", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "line 1: not reviewed" in done.stderr
    assert sorted(p.name for p in QUESTIONS_DIR.iterdir()) == before
