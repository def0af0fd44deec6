"""Building an engine from monograph folders: the stages assembled over one loaded corpus, for every front end."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from intents.engine import Engine
from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.cache import IndexCache
from intents.library.corpus import (
    Corpus,
    CorpusError,
    FileResult,
    Progress,
    add_units,
    iter_parse,
    load_corpus,
    missing_units,
    stat_files,
)
from intents.library.files import shown
from intents.library.models import LoadIssue
from intents.library.names import NameIndex

log = logging.getLogger(__name__)

# A monograph's packed answer units unpack in about 12 µs per KB of its file (2 MiB: 25 ms), so one of 256 KB
# costs 3 ms at most when first asked about; real monographs are 5-30 KB.
QUICK_FILE_BYTES = 256 * 1024


def check_folders(folders: Sequence[Path]) -> None:
    """The checks of the monograph folders that read no file, quick enough to come before anything else at
    start: each folder exists, is a folder and can be read, and they hold at least one monograph file.

    Raises `CorpusError` with one line (whether their files are valid monographs is for `load_engine`).
    """
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            raise CorpusError(
                f"{shown(str(folder))} is a file, not a folder: --seeds and DRUGBOT_SEEDS_DIR name folders of "
                f"monographs (this one is in {shown(str(folder.parent))})"
            )
    signature, names = stat_files(folders)  # raises when a folder is missing or cannot be read
    if not signature:
        raise CorpusError(f"no monograph files (.md, .markdown, .txt) in {', '.join(map(shown, names))}")


def load_engine(
    folders: Sequence[Path],
    lexicon: Lexicon | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    known: dict[str, FileResult] | None = None,
    defer_units: bool = False,
    reported: Sequence[LoadIssue] = (),
    settle: float = 0.0,
    cut_below: int = 0,
) -> Engine:
    """Load the folders into a ready engine, reusing the index cache (or `known` parses) for unchanged files.

    Each bad file is logged once: `reported` are the issues a previous load already logged (a reload's).

    With `defer_units`, new files are only parsed, not cut into answer units: the engine serves at once (it cuts
    a drug's units when first asked) and `complete_units` cuts the rest in the background — unless fewer than
    `cut_below` files need parsing (a reload of a few changed files): those are cut at once, from the same read.

    With `settle`, a file changed less than that many seconds ago is still being written: it is not read yet
    (the version `known` keeps serving; the corpus lists it as `waiting`), and an entry whose file is found
    rewritten later is indexed again only once the new version has stood still that long.
    Raises `CorpusError` when nothing can be served.
    """
    started = time.perf_counter()
    lexicon = lexicon or load_lexicon()
    cache = IndexCache.for_folders(list(folders), cache_dir) if cache_dir else None
    cached = cache.load() if cache else None
    corpus = load_corpus(
        folders,
        progress=progress,
        known=known or (cached.files if cached else None),
        cut_units=not defer_units,
        settle=settle,
        cut_below=cut_below,
    )
    report_issues(corpus, reported)
    require_monographs(corpus)
    unchanged = cached is not None and cached.signature == corpus.signature()
    names = cached.names if unchanged and cached else NameIndex.build(corpus.entries.values(), lexicon)
    engine = Engine(corpus, lexicon, names=names)
    if cache and not unchanged:
        cache.save(corpus, names)
    log.info(
        "%d monograph(s) ready in %.2fs (%s)",
        len(corpus),
        time.perf_counter() - started,
        "index cache reused" if unchanged else "index built",
    )
    settle_memory()
    return engine


def report_issues(corpus: Corpus, reported: Sequence[LoadIssue] = ()) -> None:
    """Log the bad files, but not those `reported` already with the same reason (a reload logs only news)."""
    before = {(i.file, i.reason) for i in reported}
    for issue in corpus.issues:
        if (issue.file, issue.reason) not in before:
            log.warning("skipped monograph %s: %s", issue.file, issue.reason)


def require_monographs(corpus: Corpus) -> None:
    """Raise `CorpusError` when the folders hold nothing to serve, saying whether they hold no file at all."""
    if corpus.entries:
        return
    where = ", ".join(corpus.folders)
    if not corpus.files:
        raise CorpusError(f"no monograph files (.md, .markdown, .txt) in {where}")
    raise CorpusError(f"no valid monograph in {where} ({len(corpus.issues)} file(s) skipped as bad)")


def settle_memory() -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    The name index and corpus are millions of long-lived objects; without this, each full collection scans
    them all and a question now and then waits tens of milliseconds.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    # Answering a question allocates thousands of short-lived objects (a drug's units are cut on first use);
    # collecting young objects every 10,000 allocations instead of 700 takes p99 latency at 10,000
    # monographs from about 7 ms to about 2 ms (bench/run.py), at no measurable memory cost.
    gc.set_threshold(10_000, 20, 20)


def complete_units(
    engine: Engine,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Cut the answer units an engine loaded with `defer_units` still lacks (in worker processes), attach them
    as they come, then save the index cache; first read the field dictionary of drug names if not yet read.
    Safe to run in a thread while the engine answers; `stop` ends it early (nothing is saved then)."""
    corpus = engine.corpus
    engine.lexicon.read_drug_names()  # the first "kadcyla warfarin" then costs no 0.2 s on the event loop
    engine.names.near.prepare(engine.lexicon)  # nor the first "plavics side effects" the sound table's 0.1 s
    jobs = missing_units(corpus, engine.lexicon.key)
    if not jobs:
        return 0
    started = time.perf_counter()
    added = 0
    results = iter_parse(jobs)
    try:
        for done, result in enumerate(results, 1):
            added += add_units(corpus, result)
            if progress and (done % 50 == 0 or done == len(jobs)):
                progress(done, len(jobs))
            if stop is not None and stop.is_set():
                log.info("stopped cutting answer units after %d of %d", done, len(jobs))
                return added
    finally:
        results.close()
    log.info("answer units cut for %d monograph(s) in %.1fs", added, time.perf_counter() - started)
    if cache_dir:
        IndexCache.for_folders([Path(f) for f in corpus.folders], cache_dir).save(corpus, engine.names)
    return added


def never_slow(engine: Engine) -> bool:
    """Whether no question can make this engine slow: every monograph's answer units are cut (none is cut on
    first use) and none is bigger than QUICK_FILE_BYTES (unpacking a huge one's units takes tens of ms)."""
    corpus = engine.corpus
    if missing_units(corpus, engine.lexicon.key):
        return False
    return all(r.size <= QUICK_FILE_BYTES for r in corpus.files.values() if r.info is not None)
