"""A folder of monograph files, loaded: the good ones served, the bad ones named with a reason."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from intents.models import LoadIssue, Monograph
from intents.parser import MAX_FILE_BYTES, MonographError, parse_monograph
from intents.text import fold

log = logging.getLogger(__name__)

MONOGRAPH_SUFFIXES = (".md", ".markdown", ".txt")


class CorpusError(RuntimeError):
    """The folder cannot serve at all (missing, or not one valid monograph)."""


@dataclass
class Corpus:
    """Monographs by id, in file order, and the files that were skipped."""

    monographs: dict[str, Monograph] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    folders: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.monographs)

    def get(self, drug_id: str) -> Monograph | None:
        return self.monographs.get(drug_id)

    def served(self) -> list[Monograph]:
        """Monographs that may be shown: banned ones are never listed or suggested."""
        return [m for m in self.monographs.values() if not m.is_banned]


def monograph_files(folder: Path) -> list[Path]:
    """Files of a folder (and its subfolders) that look like monographs, in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in MONOGRAPH_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and p.name.lower() != "readme.md"
    )


def read_monograph_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Monograph:
    """Read and parse one file; every failure is a `MonographError` with a reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise MonographError(f"file is too large ({size:,} bytes; the limit is {max_bytes:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise MonographError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MonographError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if "\x00" in text:
        raise MonographError("binary file (contains NUL bytes)")
    return parse_monograph(text, source=str(path))


def assemble(parsed: Iterable[tuple[Path, Monograph | MonographError]], folders: tuple[str, ...] = ()) -> Corpus:
    """Put parsed files together, refusing a second file with the same title (or the same id)."""
    corpus = Corpus(folders=folders)
    by_title: dict[str, str] = {}
    for path, result in parsed:
        if isinstance(result, MonographError):
            corpus.issues.append(LoadIssue(file=str(path), reason=str(result)))
            continue
        key = fold(result.title)
        if key in by_title or result.id in corpus.monographs:
            other = by_title.get(key) or corpus.monographs[result.id].source
            corpus.issues.append(
                LoadIssue(file=str(path), reason=f"duplicate title '{result.title}' (already loaded from {other})")
            )
            continue
        by_title[key] = str(path)
        corpus.monographs[result.id] = result
    for issue in corpus.issues:
        log.warning("skipped monograph %s: %s", issue.file, issue.reason)
    return corpus


def load_corpus(
    folders: Iterable[Path | str],
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Load every monograph of the folders. Raises `CorpusError` if a folder is missing."""
    paths: list[Path] = []
    names: list[str] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise CorpusError(f"monograph folder not found: {folder}")
        names.append(str(folder))
        paths.extend(monograph_files(folder))

    def parse_all() -> Iterable[tuple[Path, Monograph | MonographError]]:
        for done, path in enumerate(paths, 1):
            try:
                yield path, read_monograph_file(path)
            except MonographError as exc:
                yield path, exc
            except Exception as exc:  # a parser bug must not take the other files down
                log.exception("unexpected error parsing %s", path)
                yield path, MonographError(f"could not be parsed: {type(exc).__name__}: {exc}")
            if progress:
                progress(done, len(paths))

    return assemble(parse_all(), tuple(names))
