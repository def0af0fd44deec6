"""A folder of monograph files, loaded: the good ones served, the bad ones named with a reason.

At ten thousand monographs the full parsed trees would cost gigabytes, so the corpus keeps in memory each
monograph's names (`MonographInfo`, what finding a drug needs) and its answer units, cut once and LZ4-packed
(`intents/units.py`); a full `Monograph` is read again from its file only when units must be cut anew.
Parsing runs in worker processes when many files need it, and an `IndexCache` (see `intents/cache.py`) lets a
restart skip files that did not change.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from threading import Lock

from pydantic import BaseModel, ConfigDict

from intents.common.text import fold
from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.files import SKIPPED, FileRefused, read_regular_file, scan_folders
from intents.library.files import CorpusError as CorpusError  # raised by `load_corpus`; importers find it here
from intents.library.models import LoadIssue, Monograph
from intents.library.parser import MAX_FILE_BYTES, MonographError, parse_monograph
from intents.library.units import build_units, pack_units

log = logging.getLogger(__name__)

DOCUMENT_CACHE_SIZE = 32  # documents are only read to cut units, which have their own cache
PARALLEL_FROM = 400  # below this many files to parse, worker processes cost more than they save

Progress = Callable[[int, int], None]


class MonographInfo(BaseModel):
    """What is always in memory for a monograph: enough to find it by name and to list it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    names: tuple[str, ...]
    brands: tuple[str, ...]
    is_banned: bool
    source: str
    description: str = ""  # the front matter's summary, cleaned: shown above the listing of sections
    updated: str | None = None  # ISO date of the front matter's lastModified, when it holds a valid one


@dataclass(frozen=True)
class FileResult:
    """One file's parse: its stat signature, and either its info and answer units or the reason it failed."""

    path: str
    size: int
    mtime_ns: int
    info: MonographInfo | None = None
    error: str | None = None
    units: bytes | memoryview | None = None  # the answer units, cut with the lexicon `units_key` names (a view
    # into the index cache's buffer when read from it)
    units_key: str = ""
    warnings: tuple[str, ...] = ()  # what is wrong but does not stop the file being served (for `check`)


def info_of(mono: Monograph) -> MonographInfo:
    return MonographInfo(
        id=mono.id,
        title=mono.title,
        names=mono.names,
        brands=mono.brands,
        is_banned=mono.is_banned,
        source=mono.source,
        description=mono.description,
        updated=iso_date(mono.last_modified),
    )


def iso_date(value: str | None) -> str | None:
    """`2025-09-22T17:21:54.364Z` -> `2025-09-22`; None for anything that does not start with a real date."""
    try:
        return dt.date.fromisoformat((value or "").strip()[:10]).isoformat()
    except ValueError:
        return None


@dataclass
class Corpus:
    """Monographs by id, in file order, and the files that were skipped."""

    entries: dict[str, MonographInfo] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    folders: tuple[str, ...] = ()
    files: dict[str, FileResult] = field(default_factory=dict, repr=False)
    _units: dict[str, tuple[str, bytes | memoryview]] = field(default_factory=dict, repr=False)
    _documents: OrderedDict[str, Monograph] = field(default_factory=OrderedDict, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, drug_id: str) -> MonographInfo | None:
        return self.entries.get(drug_id)

    def document(self, drug_id: str) -> Monograph | None:
        """The parsed monograph, read again from its file, kept in a small cache (units are cut from it)."""
        with self._lock:
            doc = self._documents.get(drug_id)
            if doc is not None:
                self._documents.move_to_end(drug_id)
                return doc
        info = self.entries.get(drug_id)
        if info is None:
            return None
        # bodies are not kept in memory once their units are cut: the file is read again when one is needed
        try:
            doc = read_monograph_file(Path(info.source))
        except MonographError as exc:
            log.warning("monograph %s can no longer be read: %s", info.source, exc)
            return None
        with self._lock:
            self._documents[drug_id] = doc
            while len(self._documents) > DOCUMENT_CACHE_SIZE:
                self._documents.popitem(last=False)
        return doc

    def packed_units(self, drug_id: str, lexicon_key: str) -> bytes | memoryview | None:
        """Units cut at indexing time, if they were cut with this lexicon."""
        found = self._units.get(drug_id)
        return found[1] if found and found[0] == lexicon_key else None

    def served(self) -> list[MonographInfo]:
        """Monographs that may be shown: banned ones are never listed or suggested."""
        return [m for m in self.entries.values() if not m.is_banned]

    def signature(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime) of every file read: what a cached index must match to be reused."""
        return sorted((r.path, r.size, r.mtime_ns) for r in self.files.values())


def read_monograph_file(path: Path, max_bytes: int = MAX_FILE_BYTES, warnings: list[str] | None = None) -> Monograph:
    """Read and parse one file; every failure is a `MonographError` with a reason, other faults go to `warnings`."""
    try:
        raw = read_regular_file(path, max_bytes)
    except FileRefused as exc:
        raise MonographError(str(exc)) from None
    except OSError as exc:
        raise MonographError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MonographError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if "\x00" in text:
        raise MonographError("binary file (contains NUL bytes)")
    return parse_monograph(text, source=str(path), warnings=warnings)


_lexicon: Lexicon | None = None


def _default_lexicon() -> Lexicon:
    global _lexicon
    if _lexicon is None:
        _lexicon = load_lexicon()
    return _lexicon


def parse_file(path: str, size: int = -1, mtime_ns: int = -1, cut_units: bool = True) -> FileResult:
    """Parse one file into a `FileResult`, its answer units cut too; never raises (runs in worker processes)."""
    warnings: list[str] = []
    try:
        mono = read_monograph_file(Path(path), warnings=warnings)
        if mono.last_modified and iso_date(mono.last_modified) is None:
            warnings.append(f"lastModified '{mono.last_modified[:40]}' is not a date: answers will show none")
        if not cut_units:  # `check` only validates
            return FileResult(path, size, mtime_ns, info=info_of(mono), warnings=tuple(warnings))
        lexicon = _default_lexicon()
        units = pack_units(build_units(mono, lexicon))
        return FileResult(
            path, size, mtime_ns, info=info_of(mono), units=units, units_key=lexicon.key, warnings=tuple(warnings)
        )
    except MonographError as exc:
        return FileResult(path, size, mtime_ns, error=str(exc))
    except Exception as exc:  # a parser bug must not take the other files down, nor print a traceback in `check`
        log.debug("unexpected error parsing %s", path, exc_info=True)
        return FileResult(path, size, mtime_ns, error=f"could not be parsed: {type(exc).__name__}: {exc}")


def _parse_job(job: tuple[str, int, int, bool]) -> FileResult:
    return parse_file(*job)


def stat_files(folders: Iterable[Path | str]) -> tuple[list[tuple[str, int, int]], tuple[str, ...]]:
    """The folders' signature (see `FolderScan.signature`) and names. Raises `CorpusError` (missing, unreadable)."""
    scan = scan_folders(folders)
    return scan.signature(), scan.folders


def iter_parse(jobs: Sequence[tuple[str, int, int, bool]]) -> Generator[FileResult, None, None]:
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
    jobs: Sequence[tuple[str, int, int, bool]],
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


def missing_units(corpus: Corpus, lexicon_key: str) -> list[tuple[str, int, int, bool]]:
    """Jobs that would cut the answer units of served files that have none (or ones from another lexicon)."""
    return [
        (r.path, r.size, r.mtime_ns, True)
        for r in corpus.files.values()
        if r.info is not None and r.info.id in corpus.entries and (r.units is None or r.units_key != lexicon_key)
    ]


def add_units(corpus: Corpus, result: FileResult) -> bool:
    """Attach units cut later (in the background) to a loaded corpus; False if the file no longer matches."""
    current = corpus.files.get(result.path)
    info = result.info
    if current is None or info is None or result.units is None or current.mtime_ns != result.mtime_ns:
        return False
    if corpus.entries.get(info.id) is None or corpus.entries[info.id].source != result.path:
        return False
    corpus.files[result.path] = result
    corpus._units[info.id] = (result.units_key, result.units)
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
            corpus._units[info.id] = (result.units_key, result.units)
    return corpus


def load_corpus(
    folders: Iterable[Path | str],
    progress: Progress | None = None,
    known: dict[str, FileResult] | None = None,
    cut_units: bool = True,
) -> Corpus:
    """Load every monograph of the folders. Files whose (size, mtime) match `known` results are not re-read.

    Raises `CorpusError` if a folder is missing or unreadable. Entries that are not read (special files, broken
    links, unreadable subfolders) are bad files with their reason.
    """
    scan = scan_folders(folders)
    stats = scan.files
    known = known or {}
    reused: dict[str, FileResult] = {
        path: FileResult(path, SKIPPED, SKIPPED, error=reason) for path, reason in scan.skipped.items()
    }
    jobs: list[tuple[str, int, int, bool]] = []
    for path, size, mtime_ns in stats:
        old = known.get(path)
        if old is not None and old.size == size and old.mtime_ns == mtime_ns:
            reused[path] = old
        else:
            jobs.append((path, size, mtime_ns, cut_units))
    unchanged = len(stats) - len(jobs)
    parsed = {r.path: r for r in parse_many(jobs, progress, unchanged, len(stats))} if jobs else {}
    if jobs:
        log.info("parsed %d monograph file(s), reused %d unchanged", len(jobs), unchanged)
    in_order = sorted([*(path for path, _, _ in stats), *scan.skipped])
    return assemble((reused.get(path) or parsed[path] for path in in_order), scan.folders)
