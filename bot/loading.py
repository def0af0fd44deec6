"""Building an engine from monograph folders, shared by every front end."""

from __future__ import annotations

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
    return Engine(corpus, lexicon or load_lexicon())


def require_monographs(corpus: Corpus) -> None:
    if not corpus.monographs:
        where = ", ".join(corpus.folders)
        bad = f" ({len(corpus.issues)} file(s) skipped as broken)" if corpus.issues else ""
        raise CorpusError(f"no valid monograph in {where}{bad}")
