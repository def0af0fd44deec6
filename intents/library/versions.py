"""Which version of a monograph file an entry was read from, so that its ban, its names and its parts are always
one version's.

An entry is indexed from one read of its file and its parts may be cut later, from another read (the bot serves
before every monograph is cut). Between the two the file may have been rewritten — banned, half-written by an
editor or `scp`, deleted — so each read carries a hash of the bytes read (`Version.digest`), the entry keeps the
hash it was indexed from, and parts are cut only from bytes with the same hash. A file changed less than the
settle time ago is still being written, as far as anyone can tell: it is not read as a version until it is still.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from intents.library.files import FileRefused, read_regular_file
from intents.library.models import Monograph
from intents.library.parser import MAX_FILE_BYTES, MonographError, parse_monograph


@dataclass(frozen=True, slots=True)
class Version:
    """One read of a file: its size and modification time when read, and a hash of the bytes read."""

    size: int
    mtime_ns: int
    digest: str
    steady: bool  # the file did not change while it was read

    def settled(self, settle: float) -> bool:
        """Whether these bytes are a finished version: read whole while the file stood still, and last written
        at least `settle` seconds ago."""
        return self.steady and file_settled(self.mtime_ns, settle)


def file_settled(mtime_ns: int, settle: float, now_ns: int | None = None) -> bool:
    """Whether a file last modified at `mtime_ns` has stood still for `settle` seconds: one still being written
    changes its mtime with every chunk. A clock far ahead (a copied future date) counts as settled too."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    return abs(now_ns - mtime_ns) >= settle * 1e9


class MonographChanged(LookupError):
    """An entry's file no longer holds the version it was indexed from: rewritten, being written, deleted.

    `renewed`: the entry was indexed again in place from the new version (same title and names), so asking
    again answers from it; otherwise the entry waits for the next reload, and says so.
    """

    def __init__(self, drug_id: str, reason: str, renewed: bool = False) -> None:
        super().__init__(f"{drug_id}: {reason}")
        self.drug_id = drug_id
        self.reason = reason
        self.renewed = renewed


def content_digest(data: bytes) -> str:
    """A hash of a file's bytes (SHA-256, which runs at gigabytes a second here: 8 µs for a monograph)."""
    return hashlib.sha256(data).hexdigest()[:32]


def read_version(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[bytes, Version]:
    """A file's bytes and which version they are; every failure to read is a `MonographError` with a reason."""
    try:
        read = read_regular_file(path, max_bytes)
    except FileRefused as exc:
        raise MonographError(str(exc)) from None
    except OSError as exc:
        raise MonographError(f"cannot be read: {exc.strerror or exc}") from None
    return read.data, Version(read.size, read.mtime_ns, content_digest(read.data), read.steady)


def parse_bytes(raw: bytes, path: Path, warnings: list[str] | None = None) -> Monograph:
    """Decode and parse a file's bytes; every failure is a `MonographError`, other faults go to `warnings`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MonographError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    if "\x00" in text:
        raise MonographError("binary file (contains NUL bytes)")
    return parse_monograph(text, source=str(path), warnings=warnings)


def read_monograph_file(path: Path, max_bytes: int = MAX_FILE_BYTES, warnings: list[str] | None = None) -> Monograph:
    """Read and parse one file; every failure is a `MonographError` with a reason, other faults go to `warnings`."""
    raw, _ = read_version(path, max_bytes)
    return parse_bytes(raw, path, warnings)
