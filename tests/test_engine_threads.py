"""The engine answers from worker threads (the Telegram front end runs it off the event loop): same answers."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import intents.engine as engine_module
from intents.assembly import load_engine
from intents.common.text import stem
from intents.engine import Engine
from tests.conftest import FICTIONAL, SEEDS

T = TypeVar("T")


@contextmanager
def _switching_often() -> Iterator[None]:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave every few bytecodes: races show at once
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _in_threads(work: Callable[[int], T], threads: int = 4) -> list[T]:
    """`work(index)` in each of `threads` threads started together; their results by index."""
    results: list[T | None] = [None] * threads
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = work(index)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    with _switching_often():
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert not errors, errors[:3]
    return results  # type: ignore[return-value]


def test_stemming_from_several_threads_gives_the_stems_of_one():
    words = [f"metabolising{i}ations" for i in range(8000)]
    expected = [stem.__wrapped__(w) for w in words]
    shares = _in_threads(lambda i: [stem.__wrapped__(w) for w in words[i::4]])
    assert shares == [expected[i::4] for i in range(4)]


QUESTIONS = [
    "dose of kadcyla?",
    "kadcyla side effects",
    "t-dm1 in pregnancy",
    "kadcyla breastfeeding",
    "kadcyla liver",
    "kadcyla interactions",
    "velorimab dose",
    "velorimab precautions",
    "velorimab vedotin children",
    "plumbazole dose",
    "kadcyla monitoring",
    "how does kadcyla work",
    "kadcyla kidney",
    "kadcyla elderly",
    "trastuzumab emtansine overdose",
    "velorimab faq",
]


def test_one_engine_answers_from_several_threads_as_from_one(tmp_path):

    folders = [SEEDS, FICTIONAL]
    load_engine(folders, cache_dir=tmp_path)  # fills the index cache: the engines below unpack units lazily
    alone = load_engine(folders, cache_dir=tmp_path)
    expected = [alone.respond(q)[0].text for q in QUESTIONS]
    for _ in range(5):  # each round a fresh engine whose every unit is made first by racing threads
        shared = load_engine(folders, cache_dir=tmp_path)

        def ask_all(_: int, engine: Engine = shared) -> list[str]:
            return [engine.respond(q)[0].text for q in QUESTIONS]

        assert _in_threads(ask_all) == [expected] * 4


def test_units_made_by_two_threads_at_once_are_one_set(tmp_path, monkeypatch):
    """Two threads unpacking a monograph's units at once keep the first stored: a listing's leading sections
    (from one set) were otherwise listed again from the other set."""
    folders = [SEEDS, FICTIONAL]
    load_engine(folders, cache_dir=tmp_path)
    engine = load_engine(folders, cache_dir=tmp_path)  # units unpacked from the cache when first asked for
    mono = next(m for m in engine.drugs() if m.title == "Velorimab Vedotin")
    first_stored: list[object] = []
    real = engine_module.unpack_units

    def racing(packed):  # another thread stores its units while this one is still unpacking
        if not first_stored:
            first_stored.append(None)
            first_stored.append(engine.units(mono))
        return real(packed)

    monkeypatch.setattr(engine_module, "unpack_units", racing)
    assert engine.units(mono) is first_stored[1]
    assert engine.units(mono) is first_stored[1]
