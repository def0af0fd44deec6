"""The serving engine behind a front end: one engine at a time, swapped whole on reload, with counters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from intents.corpus import CorpusError
from intents.engine import Engine
from intents.lexicon import Lexicon, load_lexicon
from intents.models import LoadIssue, Reply

log = logging.getLogger(__name__)


@dataclass
class ReloadResult:
    ok: bool
    drugs: int
    issues: list[LoadIssue] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


class EngineService:
    """Holds the engine that answers now. A reload builds a new engine aside and swaps it in one assignment,
    so questions during a rebuild are answered by the old one, and a failed rebuild changes nothing."""

    def __init__(
        self,
        engine: Engine,
        folders: Sequence[Path],
        loader: Callable[[Sequence[Path], Lexicon], Engine] | None = None,
    ) -> None:
        self.engine = engine
        self.folders = list(folders)
        self._loader = loader or _default_loader
        self._reload_lock = asyncio.Lock()
        self.started_at = time.time()
        self.answered: Counter[str] = Counter()
        self.last_reload: ReloadResult | None = None

    def count(self, reply: Reply) -> None:
        self.answered[reply.kind.value] += 1

    async def reload(self) -> ReloadResult:
        """Re-read the folders in a worker thread and swap the engine when at least one monograph loads."""
        async with self._reload_lock:
            started = time.perf_counter()
            lexicon = self.engine.lexicon
            try:
                fresh = await asyncio.to_thread(self._loader, self.folders, lexicon)
            except (CorpusError, OSError, ValueError) as exc:
                result = ReloadResult(ok=False, drugs=len(self.engine.corpus), error=str(exc))
                log.error("reload failed, still serving the previous %d monograph(s): %s", result.drugs, exc)
            else:
                self.engine = fresh
                result = ReloadResult(ok=True, drugs=len(fresh.corpus), issues=list(fresh.corpus.issues))
                log.info("reloaded %d monograph(s), %d bad file(s)", result.drugs, len(result.issues))
            result.seconds = time.perf_counter() - started
            self.last_reload = result
            return result


def _default_loader(folders: Sequence[Path], lexicon: Lexicon) -> Engine:
    from bot.loading import load_engine

    return load_engine(folders, lexicon or load_lexicon())
