"""A folder with broken files serves the good ones and names each bad one with its reason."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from intents.library.corpus import CorpusError, load_corpus
from intents.library.parser import MAX_FILE_BYTES
from tests.conftest import FICTIONAL, SEED_FILE

GOOD = "---\ntitle: {title}\nis_banned: false\nfaqs: []\n---\n## Usage\n\n- Fictional {title} usage.\n"


@pytest.fixture()
def messy_folder(tmp_path: Path) -> Path:
    shutil.copy(SEED_FILE, tmp_path / "kadcyla.md")
    (tmp_path / "good.md").write_text(GOOD.format(title="Fictomab"), encoding="utf-8")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "no-front-matter.md").write_text("## Usage\n\n- x\n", encoding="utf-8")
    (tmp_path / "bad-yaml.md").write_text("---\ntitle: [oops\n---\n## Usage\n", encoding="utf-8")
    (tmp_path / "no-title.md").write_text("---\ndescription: x\n---\n## Usage\n- x\n", encoding="utf-8")
    (tmp_path / "zz-duplicate.md").write_text(GOOD.format(title="fictomab"), encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes(GOOD.format(title="Caf\xe9mab").encode("latin-1"))
    (tmp_path / "huge.md").write_text(GOOD.format(title="Hugemab") + "x" * MAX_FILE_BYTES, encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # not a monograph file: ignored
    return tmp_path


def test_good_files_load_and_bad_files_are_named_with_reasons(messy_folder: Path):
    corpus = load_corpus([messy_folder])
    assert sorted(m.title for m in corpus.entries.values()) == ["Fictomab", "Trastuzumab Emtansine"]
    reasons = {Path(i.file).name: i.reason for i in corpus.issues}
    assert set(reasons) == {
        "empty.md",
        "no-front-matter.md",
        "bad-yaml.md",
        "no-title.md",
        "zz-duplicate.md",
        "latin1.md",
        "huge.md",
    }
    assert "empty" in reasons["empty.md"]
    assert "front matter" in reasons["no-front-matter.md"]
    assert "YAML" in reasons["bad-yaml.md"]
    assert "title" in reasons["no-title.md"]
    assert "duplicate title" in reasons["zz-duplicate.md"] and "good.md" in reasons["zz-duplicate.md"]
    assert "UTF-8" in reasons["latin1.md"]
    assert "too large" in reasons["huge.md"]


def test_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus([tmp_path / "nope"])


def test_banned_monographs_load_but_are_not_served():
    corpus = load_corpus([FICTIONAL])
    assert "plumbazole" in corpus.entries
    assert "plumbazole" not in {m.id for m in corpus.served()}


def test_parsing_falls_back_to_this_process_when_workers_cannot_start(monkeypatch, messy_folder: Path):
    from concurrent.futures.process import BrokenProcessPool

    import intents.library.corpus as corpus_module

    class BrokenPool:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def map(self, *args, **kwargs):
            raise BrokenProcessPool("workers could not start")

        def shutdown(self, *args, **kwargs) -> None:
            pass

    monkeypatch.setattr(corpus_module, "ProcessPoolExecutor", BrokenPool)
    monkeypatch.setattr(corpus_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(corpus_module.os, "cpu_count", lambda: 2)
    corpus = load_corpus([messy_folder])
    assert sorted(m.title for m in corpus.entries.values()) == ["Fictomab", "Trastuzumab Emtansine"]
    assert len(corpus.issues) == 7


def test_a_parser_bug_makes_the_file_bad_without_a_traceback(monkeypatch, messy_folder: Path, caplog):
    import intents.library.versions as versions_module  # where a file's bytes are parsed

    def broken(text: str, source: str = "", warnings=None):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(versions_module, "parse_monograph", broken)
    caplog.set_level(logging.INFO)
    corpus = load_corpus([messy_folder])
    assert "could not be parsed: RuntimeError: parser bug" in {i.reason for i in corpus.issues}
    assert not [r for r in caplog.records if r.exc_info]
