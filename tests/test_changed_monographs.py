"""A monograph file rewritten, half-written or deleted after it was indexed: the entry, its ban and its parts
always come from one read of one version of the file, and a question about it never fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from intents import Kind, complete_units, load_engine

FLIPMAB = """---
title: Flipmab
description: A fictional test antibody whose file is rewritten while it is served.
is_banned: {banned}
lastModified: '2025-04-01T10:00:00.000Z'
faqs: []
---
## Usage

- **Medical Conditions:** Fictional treatment of imaginary churn syndrome.

## Dosage

### Standard Dosage

#### Adults:

- {dose}

## Side Effects

- Fictional {effect} of the test kind.
"""
SERVED_DOSE = "Flipmab 100 mg weekly (fictional, served)."
BANNED_DOSE = "Flipmab 900 mg daily (fictional, banned: never to be shown)."


def flipmab(banned: bool = False, dose: str = SERVED_DOSE, effect: str = "drowsiness") -> str:
    return FLIPMAB.format(banned="true" if banned else "false", dose=dose, effect=effect)


def age(path: Path, seconds: float) -> None:
    """Make the file look written `seconds` ago (a finished write, as far as its clock says)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "flipmab.md").write_text(flipmab(), encoding="utf-8")
    (seeds / "steadymab.md").write_text(
        flipmab().replace("Flipmab", "Steadymab").replace("flipmab", "steadymab"), encoding="utf-8"
    )
    return seeds


def test_a_monograph_rewritten_banned_before_its_parts_are_cut_is_refused_not_served(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").write_text(flipmab(banned=True, dose=BANNED_DOSE), encoding="utf-8")
    reply, _ = engine.respond("flipmab dose")
    assert "900 mg" not in reply.text
    assert reply.kind == Kind.REFUSE
    assert engine.corpus.get("flipmab").is_banned
    assert "flipmab" not in {m.id for m in engine.drugs()}


def test_parts_cut_in_the_background_from_a_rewritten_file_are_not_attached_to_the_old_entry(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").write_text(flipmab(banned=True, dose=BANNED_DOSE), encoding="utf-8")
    complete_units(engine)
    for question in ("flipmab dose", "flipmab", "flipmab side effects"):
        reply, _ = engine.respond(question)
        assert "900 mg" not in reply.text and not reply.sourced, question


def test_a_section_button_of_a_monograph_rewritten_banned_is_refused(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").write_text(flipmab(banned=True, dose=BANNED_DOSE), encoding="utf-8")
    reply, _ = engine.part("flipmab", "list")
    assert reply.kind == Kind.REFUSE and "900 mg" not in reply.text


def test_a_rewrite_that_is_still_being_written_is_not_served_until_it_settles(folder: Path):
    path = folder / "flipmab.md"
    for written in folder.iterdir():
        age(written, 60)
    engine = load_engine([folder], defer_units=True, settle=2.0)
    whole = flipmab(dose="Flipmab 125 mg weekly (fictional, the new dose).")
    path.write_text(whole[: whole.index("125 mg") + 9], encoding="utf-8")  # an editor's first chunk
    reply, _ = engine.respond("flipmab dose")
    assert "125 mg" not in reply.text
    assert reply.kind == Kind.UNKNOWN and "being updated" in reply.text and reply.candidates == ["Flipmab"]
    path.write_text(whole, encoding="utf-8")
    age(path, 3)  # the last chunk was written long enough ago
    reply, _ = engine.respond("flipmab dose")
    assert reply.kind == Kind.SECTION and "Flipmab 125 mg weekly (fictional, the new dose)." in reply.text


def test_a_deleted_monograph_says_it_is_being_updated_instead_of_failing(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").unlink()
    for reply, _ in (engine.respond("flipmab dose"), engine.part("flipmab", "list"), engine.pick("flipmab")):
        assert reply.kind == Kind.UNKNOWN and "being updated" in reply.text
    assert engine.respond("steadymab dose")[0].kind == Kind.SECTION


def test_an_unbanned_rewrite_with_the_same_names_is_served_whole_from_its_new_version(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").write_text(flipmab(dose="Flipmab 150 mg weekly (fictional, revised)."), encoding="utf-8")
    reply, _ = engine.respond("flipmab dose")
    assert "Flipmab 150 mg weekly (fictional, revised)." in reply.text
    assert engine.corpus.files[str(folder / "flipmab.md")].size == (folder / "flipmab.md").stat().st_size


def test_a_rewrite_under_another_title_waits_for_the_reload(folder: Path):
    engine = load_engine([folder], defer_units=True)
    changed: list[str] = []
    engine.corpus.on_change = changed.append
    (folder / "flipmab.md").write_text(flipmab().replace("title: Flipmab", "title: Flopmab"), encoding="utf-8")
    reply, _ = engine.respond("flipmab dose")
    assert reply.kind == Kind.UNKNOWN and "being updated" in reply.text
    assert changed == [str(folder / "flipmab.md")]


def test_an_interaction_question_skips_another_drug_whose_file_changed(folder: Path):
    engine = load_engine([folder], defer_units=True)
    (folder / "flipmab.md").unlink()
    reply, _ = engine.respond("steadymab with flipmab")
    assert reply.drug == "Steadymab" or reply.kind == Kind.UNKNOWN
