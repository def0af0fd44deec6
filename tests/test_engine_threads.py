"""The engine answers from worker threads (the Telegram front end runs it off the event loop): same answers."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from intents.text import stem


@contextmanager
def _switching_often() -> Iterator[None]:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave every few bytecodes: races show at once
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _in_threads(work: Callable[[list[str]], list[str]], items: list[str], threads: int = 4) -> list[str]:
    results: list[list[str]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = work(items[index::threads])
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    with _switching_often():
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert not errors, errors[:3]
    return [r for i in range(len(items)) for r in [results[i % threads][i // threads]]]


def test_stemming_from_several_threads_gives_the_stems_of_one():
    words = [f"metabolising{i}ations" for i in range(8000)]
    expected = [stem.__wrapped__(w) for w in words]
    assert _in_threads(lambda ws: [stem.__wrapped__(w) for w in ws], words) == expected
