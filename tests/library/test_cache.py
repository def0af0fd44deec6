"""The index cache: a warm start parses nothing; changed, added and deleted files are seen; damage is rebuilt."""

from __future__ import annotations

import json
import logging
import os
import pickle
import random
import shutil
import struct
import zlib
from pathlib import Path

import pytest

import intents.library.corpus
import intents.library.files
from intents.assembly import load_engine
from intents.library.cache import CACHE_FORMAT, MAGIC, IndexCache
from tests.conftest import FICTIONAL

NEW = "---\ntitle: Newamab\nfaqs: []\n---\n## Usage\n\n- Fictional newamab usage.\n"


@pytest.fixture()
def folder(kadcyla_folder: Path) -> Path:
    for path in FICTIONAL.glob("*.md"):
        shutil.copy(path, kadcyla_folder / path.name)
    return kadcyla_folder


@pytest.fixture()
def parses(monkeypatch) -> list[str]:
    """The files parsed from disk (not taken from the cache) during the test."""
    seen: list[str] = []
    original = intents.library.corpus.parse_file

    def counting(path: str, *args):
        seen.append(Path(path).name)
        return original(path, *args)

    monkeypatch.setattr(intents.library.corpus, "parse_file", counting)
    return seen


def touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_warm_start_reuses_every_file_and_the_name_index(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    first = load_engine([folder], cache_dir=cache)
    assert len(parses) == 4 and list(cache.glob("index-*.cache"))
    parses.clear()
    warm = load_engine([folder], cache_dir=cache)
    assert parses == []
    assert warm.respond("dose of kadcyla?")[0].text == first.respond("dose of kadcyla?")[0].text
    assert warm.names.exact == first.names.exact


def test_changed_file_is_parsed_again_and_served_fresh(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    parses.clear()
    target = folder / "velorimab.md"
    target.write_text(target.read_text(encoding="utf-8").replace("4 mg/kg", "5 mg/kg"), encoding="utf-8")
    touch_later(target)
    engine = load_engine([folder], cache_dir=cache)
    assert parses == ["velorimab.md"]
    assert "5 mg/kg" in engine.respond("velorimab dose")[0].text


def test_added_and_deleted_files_are_seen(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    parses.clear()
    (folder / "velorimab-vedotin.md").unlink()
    (folder / "newamab.md").write_text(NEW, encoding="utf-8")
    engine = load_engine([folder], cache_dir=cache)
    assert parses == ["newamab.md"]
    assert "velorimab-vedotin" not in engine.corpus.entries
    assert engine.respond("newamab")[0].drug == "Newamab"
    gone = engine.respond("velorimab vedotin dose")[0]
    assert gone.kind == "clarify" and "have a monograph for velorimab vedotin" in gone.text


def test_bad_file_stays_reported_from_the_cache(folder, tmp_path, parses):
    (folder / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    parses.clear()
    engine = load_engine([folder], cache_dir=cache)
    assert parses == []
    assert [Path(i.file).name for i in engine.corpus.issues] == ["broken.md"]


def flip_bit(at: float):
    def damage(data: bytes) -> bytes:
        index = int(len(data) * at)
        return data[:index] + bytes([data[index] ^ 0x10]) + data[index + 1 :]

    return damage


DAMAGE = {
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "one byte short": lambda data: data[:-1],
    "one byte more": lambda data: data + b"\0",
    "bit flipped in the header": flip_bit(0.01),
    "bit flipped in the units": flip_bit(0.9),
    "random bytes": lambda data: random.Random(7).randbytes(len(data)),
    "a pickle": lambda data: pickle.dumps({"format": 4, "files": []}),
    "JSON of another shape": lambda data: json.dumps({"key": "x", "files": 3}).encode(),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_cache_is_rebuilt_with_one_log_line_never_served(folder, tmp_path, parses, damage, caplog):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    (path,) = cache.glob("index-*.cache")
    path.write_bytes(damage(path.read_bytes()))
    parses.clear()
    caplog.set_level(logging.INFO, logger="intents.library.cache")
    engine = load_engine([folder], cache_dir=cache)
    assert len(parses) == 4
    assert "3.6 mg/kg" in engine.respond("dose of kadcyla?")[0].text
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "rebuilding it" in caplog.records[0].message
    assert IndexCache(path).load() is not None  # rewritten whole


def forged(path: Path, header: dict) -> None:
    """A cache file whose checksums are right but whose header says what it likes."""
    data = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack("<IQI", CACHE_FORMAT, len(data), zlib.crc32(data)) + data)


def test_a_well_formed_cache_with_wrong_types_is_rebuilt(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    (path,) = cache.glob("index-*.cache")
    forged(path, {"key": IndexCache(path).key, "files": [["a.md", "big", 0, None, None, 0, "", []]], "names": {}})
    parses.clear()
    load_engine([folder], cache_dir=cache)
    assert len(parses) == 4


def test_a_planted_pickle_runs_no_code(folder, tmp_path):
    marker = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    (path,) = cache.glob("index-*.cache")
    for planted in (path, path.with_suffix(".pickle")):  # the new file and the older format's name
        planted.write_bytes(pickle.dumps({"format": 4, "key": Payload()}))
    engine = load_engine([folder], cache_dir=cache)
    assert "3.6 mg/kg" in engine.respond("dose of kadcyla?")[0].text
    assert not marker.exists()


def test_a_folder_or_fifo_in_place_of_the_cache_never_stops_start_up(folder, tmp_path, caplog):
    cache = tmp_path / "cache"
    path = IndexCache.for_folders([folder], cache).path
    path.mkdir(parents=True)
    caplog.set_level(logging.INFO, logger="intents.library.cache")
    assert len(load_engine([folder], cache_dir=cache).corpus) == 4
    assert len(load_engine([folder], cache_dir=cache).corpus) == 4
    assert [r.message for r in caplog.records] == [  # once, not at every start or reload
        f"index cache {path} is unusable (a folder, not a regular file: not read): running without it"
    ]
    path.rmdir()
    os.mkfifo(path)
    assert len(load_engine([folder], cache_dir=cache).corpus) == 4  # opened non-blocking: no hang


def test_an_unreadable_cache_is_rebuilt(folder, tmp_path, parses, monkeypatch):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    (path,) = cache.glob("index-*.cache")
    real = os.open

    def denied(name, flags, *args):
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real(name, flags, *args)

    monkeypatch.setattr(intents.library.files.os, "open", denied)
    parses.clear()
    assert len(load_engine([folder], cache_dir=cache).corpus) == 4
    assert len(parses) == 4


def test_cache_from_other_code_or_lexicon_is_rebuilt(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    load_engine([folder], cache_dir=cache)
    (path,) = cache.glob("index-*.cache")
    assert IndexCache(path, key="another-version").load() is None
    parses.clear()
    IndexCache(path, key="another-version").save(load_engine([folder]).corpus, load_engine([folder]).names)
    parses.clear()
    load_engine([folder], cache_dir=cache)
    assert len(parses) == 4


def test_unwritable_cache_folder_is_only_a_warning(folder, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    engine = load_engine([folder], cache_dir=blocker / "cache")
    assert len(engine.corpus) == 4


def test_deferred_units_serve_at_once_and_are_cut_in_the_background(folder, tmp_path, parses):
    from intents.assembly import complete_units

    cache = tmp_path / "cache"
    engine = load_engine([folder], cache_dir=cache, defer_units=True)
    key = engine.lexicon.key
    assert engine.corpus.packed_units("trastuzumab-emtansine", key) is None
    assert "3.6 mg/kg" in engine.respond("dose of kadcyla?")[0].text  # cut on demand meanwhile
    parses.clear()
    assert complete_units(engine, cache) == 4
    assert engine.corpus.packed_units("trastuzumab-emtansine", key) is not None
    parses.clear()
    warm = load_engine([folder], cache_dir=cache, defer_units=True)
    assert parses == [] and warm.corpus.packed_units("velorimab", key) is not None
    assert complete_units(warm, cache) == 0


def test_background_cutting_stops_when_asked(folder, tmp_path):
    import threading

    from intents.assembly import complete_units

    engine = load_engine([folder], defer_units=True)
    stop = threading.Event()
    stop.set()
    assert complete_units(engine, None, stop=stop) == 1  # stops after the first file
