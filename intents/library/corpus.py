"""A folder of monograph files, loaded: the good ones served, the bad ones named with a reason.

At ten thousand monographs the full parsed trees would cost gigabytes, so the corpus keeps in memory each
monograph's names (`MonographInfo`, what finding a drug needs) and its answer units, cut once and LZ4-packed
(`intents/units.py`); a full `Monograph` is read again from its file only when units must be cut anew.
Parsing runs in worker processes when many files need it, and an `IndexCache` (see `intents/cache.py`) lets a
restart skip files that did not change. Each entry keeps the hash of the bytes it was read from, and its parts
are only ever cut from the same bytes (`intents/library/versions.py`): a file rewritten since it was indexed is
indexed again, never served under the old entry.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from threading import Lock

from intents.common.text import fold
from intents.library.entries import FileResult as FileResult  # importers of the corpus find these here too
from intents.library.entries import MonographInfo as MonographInfo
from intents.library.entries import info_of, parse_file
from intents.library.files import SKIPPED, scan_folders
from intents.library.files import CorpusError as CorpusError  # raised by `load_corpus`; importers find it here
from intents.library.models import LoadIssue, Monograph
from intents.library.parser import MonographError
from intents.library.versions import MonographChanged, Version, parse_bytes, read_version

log = logging.getLogger(__name__)

DOCUMENT_CACHE_SIZE = 32  # documents are only read to cut units, which have their own cache
PARALLEL_FROM = 400  # below this many files to parse, worker processes cost more than they save

Progress = Callable[[int, int], None]
Job = tuple[str, int, int, bool, float]  # path, size, mtime_ns, cut units too, settle seconds (see `parse_file`)


@dataclass
class Corpus:
    """Monographs by id, in file order, and the files that were skipped.

    An entry whose file is found rewritten when its parts are cut is indexed again in place when the new version
    keeps its title and names (the name index stays right), and `revision` counts those changes; otherwise it
    waits for the next reload, and `on_change` (the bot's service) is told the file's path.
    """

    entries: dict[str, MonographInfo] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    folders: tuple[str, ...] = ()
    files: dict[str, FileResult] = field(default_factory=dict, repr=False)
    settle: float = 0.0  # seconds a file must stand still before it is read as a version (see `Version.settled`)
    waiting: list[str] = field(default_factory=list)  # files not read because they were still being written
    revision: int = 0
    on_change: Callable[[str], None] | None = field(default=None, repr=False)
    # drug id -> (lexicon key, packed units, digest of the bytes they were cut from)
    _units: dict[str, tuple[str, bytes | memoryview, str]] = field(default_factory=dict, repr=False)
    _documents: OrderedDict[str, tuple[str, Monograph]] = field(default_factory=OrderedDict, repr=False)
    _served: tuple[int, frozenset[str]] | None = field(default=None, repr=False)
    _told: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, drug_id: str) -> MonographInfo | None:
        return self.entries.get(drug_id)

    def document(self, drug_id: str, digest: str | None = None) -> Monograph | None:
        """The parsed monograph of an entry, read again from its file (kept in a small cache; units are cut from
        it), if the file still holds the version `digest` (the entry's own by default). None for no such entry.

        Raises `MonographChanged` when the file holds another version, is being written or cannot be read.
        """
        info = self.entries.get(drug_id)
        if info is None:
            return None
        wanted = info.digest if digest is None else digest
        with self._lock:
            cached = self._documents.get(drug_id)
            if cached is not None and cached[0] == wanted:
                self._documents.move_to_end(drug_id)
                return cached[1]
        # bodies are not kept in memory once their units are cut: the file is read again when one is needed
        path = Path(info.source)
        try:
            raw, version = read_version(path)
            if version.digest != wanted:
                if version.digest == info.digest:  # the caller's entry was indexed anew from these bytes meanwhile
                    raise MonographChanged(drug_id, "indexed again meanwhile", renewed=True)
                raise self._renew(info, raw, version)
            doc = parse_bytes(raw, path)
        except MonographError as exc:
            raise self._withdraw(info, f"can no longer be read ({exc})") from None
        self._keep(drug_id, wanted, doc)
        return doc

    def _keep(self, drug_id: str, digest: str, doc: Monograph) -> None:
        with self._lock:
            self._documents[drug_id] = (digest, doc)
            while len(self._documents) > DOCUMENT_CACHE_SIZE:
                self._documents.popitem(last=False)

    def _renew(self, info: MonographInfo, raw: bytes, version: Version) -> MonographChanged:
        """The entry's file holds other bytes than it was indexed from: index that version in place if it is
        finished and keeps the entry's title and names, else withdraw the entry until the next reload."""
        if not version.settled(self.settle):
            return self._withdraw(info, "is being written")
        path = Path(info.source)
        warnings: list[str] = []
        try:
            mono = parse_bytes(raw, path, warnings)
        except MonographError as exc:
            return self._withdraw(info, f"was rewritten and {exc}")
        fresh = info_of(mono, version.digest)
        if (fresh.id, fresh.title, fresh.names, fresh.brands) != (info.id, info.title, info.names, info.brands):
            return self._withdraw(info, "was rewritten under other names")
        with self._lock:
            if self.entries.get(info.id) is info:  # not renewed by another thread meanwhile
                self.entries[info.id] = fresh
                self.files[info.source] = FileResult(
                    info.source, version.size, version.mtime_ns, info=fresh, warnings=tuple(warnings)
                )
                self._units.pop(info.id, None)
                self.revision += 1
                log.info("monograph %s was rewritten since it was indexed: indexed again", info.source)
        self._keep(info.id, version.digest, mono)
        return MonographChanged(info.id, "rewritten: indexed again from its new version", renewed=True)

    def _withdraw(self, info: MonographInfo, reason: str) -> MonographChanged:
        """Not served until the next reload: said once per file and reason, and `on_change` is told."""
        told = (info.source, reason)
        if told not in self._told:
            self._told.add(told)
            log.info("monograph %s %s since it was indexed: not served until it is read again", info.source, reason)
        if self.on_change is not None:
            self.on_change(info.source)
        return MonographChanged(info.id, reason)

    def packed_units(self, drug_id: str, lexicon_key: str, digest: str | None = None) -> bytes | memoryview | None:
        """Units cut at indexing time, if they were cut with this lexicon (and from the version `digest`)."""
        found = self._units.get(drug_id)
        if found is None or found[0] != lexicon_key or (digest is not None and found[2] != digest):
            return None
        return found[1]

    def served(self) -> list[MonographInfo]:
        """Monographs that may be shown: banned ones are never listed or suggested."""
        return [m for m in self.entries.values() if not m.is_banned]

    def served_ids(self) -> frozenset[str]:
        """Ids of the monographs that may be shown, worked out again only when an entry was indexed anew."""
        cached = self._served
        if cached is None or cached[0] != self.revision:
            cached = (self.revision, frozenset(m.id for m in self.served()))
            self._served = cached
        return cached[1]

    def signature(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime) of every file read: what a cached index must match to be reused."""
        return sorted((r.path, r.size, r.mtime_ns) for r in self.files.values())


def _parse_job(job: Job) -> FileResult:
    return parse_file(*job)


def stat_files(folders: Iterable[Path | str]) -> tuple[list[tuple[str, int, int]], tuple[str, ...]]:
    """The folders' signature (see `FolderScan.signature`) and names. Raises `CorpusError` (missing, unreadable)."""
    scan = scan_folders(folders)
    return scan.signature(), scan.folders


def iter_parse(jobs: Sequence[Job]) -> Generator[FileResult, None, None]:
    """Parse files, in worker processes when there are many; results in job order, as they come."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) >= PARALLEL_FROM and workers > 1:
        # spawn: safe even when called from a thread of a running bot (a reload)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        done = 0
        try:
            for result in pool.map(_parse_job, jobs, chunksize=64):
                done += 1
                yield result
            return
        except BrokenProcessPool as exc:
            # workers cannot start (e.g. a script read from stdin, which spawned processes cannot re-import)
            log.warning("parsing in worker processes failed (%s); parsing in this process instead", exc)
        finally:  # a consumer that stops early (a shutdown) does not wait for the files not yet started
            pool.shutdown(wait=True, cancel_futures=True)
        jobs = jobs[done:]
    for job in jobs:
        yield parse_file(*job)


def parse_many(
    jobs: Sequence[Job],
    progress: Progress | None = None,
    done_before: int = 0,
    total: int | None = None,
) -> list[FileResult]:
    """All results of `iter_parse`, reporting progress."""
    total = total if total is not None else len(jobs)
    results: list[FileResult] = []
    for result in iter_parse(jobs):
        results.append(result)
        if progress and len(results) % 50 == 0:
            progress(done_before + len(results), total)
    if progress:
        progress(done_before + len(results), total)
    return results


def missing_units(corpus: Corpus, lexicon_key: str) -> list[Job]:
    """Jobs that would cut the answer units of served files that have none (or ones from another lexicon)."""
    return [
        (r.path, r.size, r.mtime_ns, True, 0.0)
        for r in corpus.files.values()
        if r.info is not None and r.info.id in corpus.entries and (r.units is None or r.units_key != lexicon_key)
    ]


def add_units(corpus: Corpus, result: FileResult) -> bool:
    """Attach units cut later (in the background) to a loaded corpus; False unless they were cut from the very
    bytes the entry was indexed from (a file rewritten meanwhile is another version: see `Corpus.document`)."""
    current = corpus.files.get(result.path)
    info = result.info
    if current is None or current.info is None or info is None or result.units is None:
        return False
    entry = corpus.entries.get(info.id)
    if entry is None or entry.source != result.path or not entry.digest or entry.digest != info.digest:
        return False
    with corpus._lock:
        if corpus.entries.get(info.id) is not entry:
            return False
        corpus.files[result.path] = replace(current, units=result.units, units_key=result.units_key)
        corpus._units[info.id] = (result.units_key, result.units, info.digest)
    return True


def assemble(results: Iterable[FileResult], folders: tuple[str, ...] = ()) -> Corpus:
    """Put parsed files together, refusing a second file with the same title (or the same id)."""
    corpus = Corpus(folders=folders)
    by_title: dict[str, str] = {}
    for result in results:
        corpus.files[result.path] = result
        if result.info is None:
            corpus.issues.append(LoadIssue(file=result.path, reason=result.error or "could not be parsed"))
            continue
        info = result.info
        key = fold(info.title)
        if key in by_title or info.id in corpus.entries:
            other = by_title.get(key) or corpus.entries[info.id].source
            corpus.issues.append(
                LoadIssue(file=result.path, reason=f"duplicate title '{info.title}' (already loaded from {other})")
            )
            continue
        by_title[key] = result.path
        corpus.entries[info.id] = info
        if result.units:
            corpus._units[info.id] = (result.units_key, result.units, info.digest)
    return corpus


def load_corpus(
    folders: Iterable[Path | str],
    progress: Progress | None = None,
    known: dict[str, FileResult] | None = None,
    cut_units: bool = True,
    settle: float = 0.0,
    cut_below: int = 0,
) -> Corpus:
    """Load every monograph of the folders. Files whose (size, mtime) match `known` results are not re-read.
    Their answer units are cut too with `cut_units`, or when fewer than `cut_below` files need parsing.

    A file changed less than `settle` seconds ago is still being written: it is not read now; its `known`
    result (the version read before) is kept meanwhile, and the corpus lists it as `waiting`.

    Raises `CorpusError` if a folder is missing or unreadable. Entries that are not read (special files, broken
    links, unreadable subfolders) are bad files with their reason.
    """
    scan = scan_folders(folders)
    stats = scan.files
    known = known or {}
    reused: dict[str, FileResult] = {
        path: FileResult(path, SKIPPED, SKIPPED, error=reason) for path, reason in scan.skipped.items()
    }
    todo: list[tuple[str, int, int]] = []
    for path, size, mtime_ns in stats:
        old = known.get(path)
        if old is not None and old.size == size and old.mtime_ns == mtime_ns:
            reused[path] = old
        else:
            todo.append((path, size, mtime_ns))
    cut = cut_units or len(todo) < cut_below
    jobs: list[Job] = [(path, size, mtime_ns, cut, settle) for path, size, mtime_ns in todo]
    unchanged = len(stats) - len(jobs)
    parsed = {r.path: r for r in parse_many(jobs, progress, unchanged, len(stats))} if jobs else {}
    waiting = sorted(path for path, r in parsed.items() if r.waiting)
    for path in waiting:
        if path in known:
            reused[path] = known[path]
    if jobs:
        log.info("parsed %d monograph file(s), reused %d unchanged", len(jobs) - len(waiting), unchanged)
    if waiting:
        log.info("%d monograph file(s) still being written: read once unchanged for %g s", len(waiting), settle)
    in_order = sorted([*(path for path, _, _ in stats), *scan.skipped])
    corpus = assemble(
        (reused.get(path) or parsed[path] for path in in_order if path in reused or not parsed[path].waiting),
        scan.folders,
    )
    corpus.settle, corpus.waiting = settle, waiting
    return corpus
