"""The serving engine behind a front end: one engine at a time, swapped whole on reload, with counters."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from intents import CorpusError, Engine, LoadIssue, Reply, file_settled, stat_files

log = logging.getLogger(__name__)

T = TypeVar("T")
# Threads share one core's worth of Python (the GIL), so more would not answer faster; enough that a slow
# question (a huge monograph cut on first use) leaves others to answer the rest meanwhile.
ENGINE_THREADS = 4
# Longest message answered on the event loop once no call can be slow (see `EngineService.run`): the name lookup
# of a question this long takes well under a millisecond, and at most about 10 ms however it is written.
QUICK_TEXT = 160
# Seconds a monograph file must stand still before it is read: editors and `scp` write a file in pieces, and a
# file changed this recently may be half-written (`DRUGBOT_WATCH_SETTLE`).
SETTLE_SECONDS = 2.0
# A reload that re-reads fewer files than this cuts their answer units at once (about a millisecond each, in the
# reload's thread), so the new version of a changed file answers as soon as it is swapped in.
CUT_AT_ONCE = 100

Loader = Callable[[Sequence[Path], Engine], Engine]
Scan = list[tuple[str, int, int]]  # (path, size, mtime_ns) of each file of the folders, as `stat_files` gives


def still_in(stats: Iterable[tuple[str, int, int]], settle: float) -> float:
    """Seconds until every file of a scan has stood still for `settle` seconds (0 when all have): a file changed
    more recently may be half-written by an editor or `scp`."""
    writing = [mtime for _, size, mtime in stats if size >= 0 and not file_settled(mtime, settle)]
    return min(settle, max(0.0, max(writing) / 1e9 + settle - time.time())) if writing else 0.0


def drug_counts(engine: Engine) -> tuple[int, int]:
    """(served, banned): the monographs answered from, and the banned ones, never served. Every front end counts
    the drugs this way."""
    banned = sum(1 for m in engine.corpus.entries.values() if m.is_banned)
    return len(engine.corpus) - banned, banned


@dataclass
class ReloadResult:
    ok: bool
    drugs: int  # monographs loaded (served and banned) in the engine serving after the reload
    issues: list[LoadIssue] = field(default_factory=list)
    error: str | None = None
    waiting: list[str] = field(default_factory=list)  # files still being written, read once they stand still
    seconds: float = 0.0
    served: int = 0
    banned: int = 0


class EngineService:
    """Holds the engine that answers now.

    A reload builds a new engine aside (in a worker thread, re-parsing only files that changed) and swaps it in
    one assignment, so questions during a rebuild are answered by the old engine and a failed rebuild changes
    nothing. `watch` polls the folders and reloads when a file is added, changed or removed.

    A file changed less than `settle` seconds ago is still being written: a reload keeps the version it had (or
    leaves a new file out) and looks again once the file has stood still that long, watcher or not. So does a
    question that finds its monograph's file changed since it was indexed (the engine says "being updated").
    """

    def __init__(
        self,
        engine: Engine,
        folders: Sequence[Path],
        cache_dir: Path | None = None,
        loader: Loader | None = None,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self.folders = list(folders)
        self.cache_dir = cache_dir
        self.settle = settle
        self._loader = loader or self._load
        self._reload_lock = asyncio.Lock()
        self.started_at = time.time()
        self.answered: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        self.last_reload: ReloadResult | None = None
        self.reloads = 0
        self.stopping = threading.Event()  # set at shutdown: background work ends early
        # engine calls of the front end run here, off the event loop: a slow one never holds up other chats
        self._threads = ThreadPoolExecutor(max_workers=ENGINE_THREADS, thread_name_prefix="engine")
        self._quick: Engine | None = None  # the engine none of whose calls can be slow, once that is known
        self._tasks: set[asyncio.Task[Any]] = set()
        # the watcher says each problem once: the folder error it last logged, the scan whose reload failed
        self._watch_error: str | None = None
        self._scan: Scan = []
        self._failed_scan: Scan | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the service runs on, once it runs
        self._recheck: asyncio.Task[None] | None = None  # a look at the folders due once files stand still
        self.engine = self._adopt(engine)

    def _adopt(self, engine: Engine) -> Engine:
        """An engine to serve: its corpus re-indexes a rewritten file only once it stands still, and tells us of
        a file it found changed (from whichever thread answered), so that a reload reads it."""
        engine.corpus.settle = self.settle
        engine.corpus.on_change = self._file_changed
        return engine

    def _file_changed(self, path: str) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._look_again, self.settle)

    def _look_again(self, delay: float) -> None:
        """Look at the folders again in `delay` seconds (once: a look already due is not put off)."""
        if self.stopping.is_set() or (self._recheck is not None and not self._recheck.done()):
            return
        self._recheck = asyncio.get_running_loop().create_task(self._look_after(delay))

    async def _look_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._recheck = None
        await self.reload_if_changed()

    async def complete_units(self) -> int:
        """Cut, in the background, the answer units the current engine still lacks (see `load_engine`); then,
        if no call on it can be slow any more, let short questions be answered without a thread (see `run`)."""
        self._loop = asyncio.get_running_loop()
        engine = self.engine
        added, quick = await asyncio.to_thread(self._complete_units, engine)
        if quick:
            self._quick = engine
        return added

    def _complete_units(self, engine: Engine) -> tuple[int, bool]:
        from intents import complete_units, never_slow

        added = complete_units(engine, self.cache_dir, None, self.stopping)
        return added, never_slow(engine)

    def quick(self, text: str) -> bool:
        """Whether answering `text` now cannot be slow: the engine's units are all cut, no monograph is huge
        (`never_slow`), and the message is short."""
        return self._quick is self.engine and len(text) <= QUICK_TEXT

    async def run(self, work: Callable[..., T], *args: Any, text: str | None = None) -> T:
        """`work(*args)` in one of the engine threads (at most ENGINE_THREADS at once; the rest wait their turn).

        A call answering `text` that cannot be slow (`quick`) runs at once on the event loop instead: handing it
        to a thread and back costs about half as much CPU again as the answer, and on a busy machine each
        hand-off also waits for a free core (bench.run's end-to-end rows).
        """
        self._loop = loop = asyncio.get_running_loop()
        if text is not None and self.quick(text):
            return work(*args)
        return await loop.run_in_executor(self._threads, work, *args)

    def close(self) -> None:
        """Stop the engine threads (calls still running finish; queued ones are dropped)."""
        self.stopping.set()
        if self._recheck is not None:
            self._recheck.cancel()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def count(self, reply: Reply) -> None:
        with self._count_lock:  # engine threads count too
            self.answered[reply.kind.value] += 1

    def _load(self, folders: Sequence[Path], current: Engine) -> Engine:
        from intents import load_engine

        corpus = current.corpus
        return load_engine(
            folders,
            current.lexicon,
            cache_dir=self.cache_dir,
            known=corpus.files,
            defer_units=True,
            reported=corpus.issues,
            settle=self.settle,
            cut_below=CUT_AT_ONCE,
        )

    async def reload(self, wait: bool = True) -> ReloadResult:
        """Re-read the folders in a worker thread and swap the engine when at least one monograph loads.

        With `wait` (a /reload), files being written are first given up to `settle` seconds to stand still; the
        watcher does not wait: it reads what has settled and looks again for the rest."""
        self._loop = asyncio.get_running_loop()
        async with self._reload_lock:
            started = time.perf_counter()
            if wait:
                await self._until_still()
            current = self.engine
            try:
                fresh = await asyncio.to_thread(self._loader, self.folders, current)
            except (CorpusError, OSError, ValueError) as exc:
                served, banned = drug_counts(current)
                result = ReloadResult(ok=False, drugs=len(current.corpus), error=str(exc), served=served, banned=banned)
                log.error("reload failed, still serving the previous %d monograph(s): %s", served, exc)
            else:
                self.engine = self._adopt(fresh)
                self.reloads += 1
                self._background(self.complete_units())
                corpus = fresh.corpus
                served, banned = drug_counts(fresh)
                result = ReloadResult(
                    ok=True,
                    drugs=len(corpus),
                    issues=list(corpus.issues),
                    waiting=list(corpus.waiting),
                    served=served,
                    banned=banned,
                )
                log.info(
                    "reloaded: %d monograph(s) served, %d banned, %d bad file(s)", served, banned, len(result.issues)
                )
                if result.waiting:  # read once they stand still, whether the folders are watched or not
                    self._look_again(self.settle)
            result.seconds = time.perf_counter() - started
            self.last_reload = result
            return result

    async def _until_still(self) -> None:
        """Wait, at most `settle` seconds, for the files being written to stand still: a /reload sent right
        after a copy reads the copy. Files that go on changing wait for the next look (see `reload`)."""
        try:
            stats, _ = await asyncio.to_thread(stat_files, self.folders)
        except CorpusError:
            return  # the reload says why
        wait = still_in(set(stats).difference(self.engine.corpus.signature()), self.settle)
        if wait:
            await asyncio.sleep(wait + 0.05)

    def _background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def changed(self) -> bool:
        """True when the folders' files (path, size, mtime) differ from what the engine was built from, and from
        what a reload already failed on, other than by files still being written (those are looked at again
        once they stand still). A folder that cannot be read is logged once, not at every look."""
        self._loop = asyncio.get_running_loop()
        try:
            stats, _ = await asyncio.to_thread(stat_files, self.folders)
        except CorpusError as exc:
            if str(exc) != self._watch_error:
                log.error("cannot watch the monograph folders, still serving: %s", exc)
                self._watch_error = str(exc)
            return False
        if self._watch_error is not None:
            log.info("the monograph folders can be read again")
            self._watch_error = None
        self._scan = stats
        built = self.engine.corpus.signature()
        if stats == built or stats == self._failed_scan:
            return False
        new = set(stats).difference(built)
        gone = {path for path, _, _ in built}.difference(path for path, _, _ in stats)
        if gone or any(still_in([entry], self.settle) == 0 for entry in new):
            return True
        # only files still being written: look again when the last of them has stood still for `settle` seconds
        self._look_again(still_in(new, self.settle) + 0.05)
        return False

    async def reload_if_changed(self) -> None:
        """Reload when `changed`; a reload that fails on a scan is not tried again until the folders change."""
        if self.stopping.is_set():
            return
        try:
            if await self.changed():
                log.info("monograph folder changed: rebuilding the index in the background")
                result = await self.reload(wait=False)
                self._failed_scan = None if result.ok else self._scan
        except asyncio.CancelledError:
            raise
        except Exception:  # the watcher must outlive any one failed scan
            log.exception("monograph folder watch failed; will try again")

    async def watch(self, interval: float) -> None:
        """Reload whenever the folders change; runs until cancelled."""
        while True:
            await asyncio.sleep(interval)
            await self.reload_if_changed()
