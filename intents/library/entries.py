"""One monograph file read into what the corpus keeps of it: its entry (`MonographInfo`: names, ban, summary, and
the hash of the bytes it was read from) and its `FileResult` (the version read, its packed parts, or why it is
bad). `parse_file` makes both from one read; it runs in worker processes when many files need it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.models import Monograph
from intents.library.parser import MonographError
from intents.library.units import build_units, pack_units
from intents.library.versions import parse_bytes, read_version

log = logging.getLogger(__name__)


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
    digest: str = ""  # hash of the file's bytes this entry was read from: its parts are cut from the same bytes


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
    waiting: bool = False  # changed within the settle time: still being written, not read as a version yet


def info_of(mono: Monograph, digest: str = "") -> MonographInfo:
    return MonographInfo(
        id=mono.id,
        title=mono.title,
        names=mono.names,
        brands=mono.brands,
        is_banned=mono.is_banned,
        source=mono.source,
        description=mono.description,
        updated=iso_date(mono.last_modified),
        digest=digest,
    )


def iso_date(value: str | None) -> str | None:
    """`2025-09-22T17:21:54.364Z` -> `2025-09-22`; None for anything that does not start with a real date."""
    try:
        return dt.date.fromisoformat((value or "").strip()[:10]).isoformat()
    except ValueError:
        return None


_lexicon: Lexicon | None = None


def _default_lexicon() -> Lexicon:
    global _lexicon
    if _lexicon is None:
        _lexicon = load_lexicon()
    return _lexicon


def parse_file(
    path: str, size: int = -1, mtime_ns: int = -1, cut_units: bool = True, settle: float = 0.0
) -> FileResult:
    """Parse one file into a `FileResult`, its answer units cut from the same read; never raises (runs in worker
    processes). A file changed less than `settle` seconds ago is not parsed: its result is `waiting`."""
    warnings: list[str] = []
    try:
        raw, version = read_version(Path(path))
        if settle and not version.settled(settle):
            return FileResult(path, version.size, version.mtime_ns, waiting=True)
        mono = parse_bytes(raw, Path(path), warnings)
        if mono.last_modified and iso_date(mono.last_modified) is None:
            warnings.append(f"lastModified '{mono.last_modified[:40]}' is not a date: answers will show none")
        info = info_of(mono, version.digest)
        size, mtime_ns = version.size, version.mtime_ns  # the version read, which the scan may have missed
        if not cut_units:  # `check` only validates
            return FileResult(path, size, mtime_ns, info=info, warnings=tuple(warnings))
        lexicon = _default_lexicon()
        units = pack_units(build_units(mono, lexicon))
        return FileResult(path, size, mtime_ns, info=info, units=units, units_key=lexicon.key, warnings=tuple(warnings))
    except MonographError as exc:
        return FileResult(path, size, mtime_ns, error=str(exc))
    except Exception as exc:  # a parser bug must not take the other files down, nor print a traceback in `check`
        log.debug("unexpected error parsing %s", path, exc_info=True)
        return FileResult(path, size, mtime_ns, error=f"could not be parsed: {type(exc).__name__}: {exc}")
