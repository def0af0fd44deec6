"""Building an engine from monograph folders, shared by every front end."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from intents.corpus import Corpus, CorpusError, load_corpus
from intents.engine import Engine
from intents.lexicon import Lexicon, load_lexicon

log = logging.getLogger(__name__)

PROJECT_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def default_seeds() -> list[Path]:
    """`DRUGBOT_SEEDS_DIR` (several folders separated by the path separator), else the project's `seeds/`."""
    configured = os.environ.get("DRUGBOT_SEEDS_DIR", "").strip()
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p.strip()]
    return [PROJECT_SEEDS if PROJECT_SEEDS.is_dir() else Path("seeds")]


def load_engine(
    folders: Sequence[Path],
    lexicon: Lexicon | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Engine:
    """Load the folders into a ready engine. Raises `CorpusError` when nothing can be served."""
    corpus = load_corpus(folders, progress=progress)
    require_monographs(corpus)
    engine = Engine(corpus, lexicon or load_lexicon())
    settle_memory()
    return engine


def settle_memory() -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    The name index and corpus are millions of long-lived objects; without this, each full collection scans
    them all and a question now and then waits tens of milliseconds.
    """
    gc.collect()
    gc.freeze()
    # Answering a question allocates thousands of short-lived objects (a drug's units are cut on first use);
    # collecting young objects every 10,000 allocations instead of 700 takes p99 latency at 10,000
    # monographs from about 7 ms to about 2 ms (bench/run.py), at no measurable memory cost.
    gc.set_threshold(10_000, 20, 20)


def require_monographs(corpus: Corpus) -> None:
    if not corpus.entries:
        where = ", ".join(corpus.folders)
        bad = f" ({len(corpus.issues)} file(s) skipped as broken)" if corpus.issues else ""
        raise CorpusError(f"no valid monograph in {where}{bad}")
