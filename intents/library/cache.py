"""The index cache: parsed monographs and the name index saved on disk, so a restart does not re-parse.

Each file's entry is keyed by its path, size and modification time; an entry whose file changed is re-parsed,
a deleted file's entry is dropped, an added file is parsed. The name index is reused only when every file is
unchanged. The whole cache is also keyed by a fingerprint of the code and data that shape it (parser, name
index, the vocabulary and the model): after an upgrade or a lexicon edit it is rebuilt, never served stale.

The file is plain data, so whoever can write it cannot make the bot run code (a pickle could): a fixed preamble,
one JSON header (every file's info, the name tables) and the LZ4 blobs of answer units (themselves JSON). The
preamble carries the header's length and CRC-32 and the header the blobs' total length and CRC-32, so damage of
any kind (truncated, a flipped bit, another file, a folder in its place) is seen before anything is used: it is
logged in one line and the cache rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import logging
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO, cast

import pydantic_core
from pydantic import BaseModel, ValidationError

from intents.library.corpus import Corpus, FileResult, MonographInfo
from intents.library.files import FileRefused, open_regular_file
from intents.library.names import NameIndex
from intents.library.names import Table as _Table

log = logging.getLogger(__name__)

CACHE_FORMAT = 6
MAGIC = b"drugbot-index\n"
_PREAMBLE = struct.Struct("<IQI")  # format, header length, header CRC-32
# Every file of the packages that decide what a cache holds: the library (parsing, cutting, the name index) and
# the layers under it. The library imports nothing above them (a test checks it), so no code outside these can
# shape a cache, and moving or adding a file changes the fingerprint with no list to keep.
_SHAPING_PACKAGES = ("common", "language", "library")
INTENTS_DIR = Path(__file__).resolve().parents[1]
_SHAPING_LIBRARIES = ("PyYAML", "python-frontmatter", "pydantic")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "none"


_unwritable: set[Path] = set()  # cache files a write already failed for: said once, not at every reload


class CacheDamaged(ValueError):
    """The cache file is not a whole, intact cache of this format; the message says what is wrong."""


# path, size, mtime_ns, info, error, length of the units blob, units key, warnings
_Row = tuple[str, int, int, MonographInfo | None, str | None, int, str, tuple[str, ...]]


class _Names(BaseModel):
    exact: dict[str, tuple[str, ...]]
    partial: dict[str, tuple[str, ...]]
    deletes: dict[str, tuple[str, ...]]
    parts: dict[str, tuple[str, ...]]


class _Header(BaseModel):
    """The JSON header, validated whole (types included) before anything in it is used."""

    key: str
    files: list[_Row]
    names: _Names
    blobs: tuple[int, int]  # total length and CRC-32 of the units blobs that follow the header


def fingerprint(root: Path = INTENTS_DIR) -> str:
    """Hash of the code and data files that decide what the cache holds."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    for library in _SHAPING_LIBRARIES:  # an upgrade of the YAML reader may read a file otherwise
        digest.update(f"{library}={_version(library)}\0".encode())
    for package in _SHAPING_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class CachedIndex:
    files: dict[str, FileResult]
    signature: list[tuple[str, int, int]]
    names: NameIndex


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "drugbot"


class IndexCache:
    """One cache file per set of monograph folders."""

    def __init__(self, path: Path, key: str | None = None) -> None:
        self.path = path
        self.key = key or fingerprint()

    @classmethod
    def for_folders(cls, folders: list[Path], cache_dir: Path) -> IndexCache:
        where = "\n".join(str(Path(f).resolve()) for f in folders)
        name = hashlib.sha1(os.fsencode(where)).hexdigest()[:16]
        return cls(cache_dir / f"index-{name}.cache")

    def load(self) -> CachedIndex | None:
        """The cached index, or None when there is none, or it is stale or damaged (one log line)."""
        collecting = gc.isenabled()
        gc.disable()  # a million long-lived objects are made: collections while they are would be wasted,
        try:
            with open_regular_file(self.path) as (handle, size):
                header, blobs = _read(handle, size)
            if header.key != self.key:
                log.info("index cache %s is from another version or lexicon: rebuilding it", self.path)
                return None
            index = _index(header, blobs)
            gc.freeze()  # and so would the next ones' scans of them (`settle_memory` collects once, at the end)
            return index
        except FileNotFoundError:
            return None
        except FileRefused as exc:  # nothing can be written over it either: said here, once
            if self.path not in _unwritable:
                _unwritable.add(self.path)
                log.warning("index cache %s is unusable (%s): running without it", self.path, exc)
            return None
        except (OSError, CacheDamaged, ValidationError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
            log.warning("index cache %s is damaged (%s): rebuilding it", self.path, reason)
            return None
        finally:
            if collecting:
                gc.enable()

    def save(self, corpus: Corpus, names: NameIndex) -> None:
        """Write the cache atomically (a crash mid-write leaves the old file or none, never half a file)."""
        results = list(corpus.files.values())
        blobs = [r.units or b"" for r in results]
        crc = 0
        for blob in blobs:
            crc = zlib.crc32(blob, crc)
        header = {
            "key": self.key,
            "files": [
                (r.path, r.size, r.mtime_ns, r.info, r.error, len(blob), r.units_key, r.warnings)
                for r, blob in zip(results, blobs, strict=True)
            ],
            "names": {"exact": names.exact, "partial": names.partial, "deletes": names.deletes, "parts": names.parts},
            "blobs": (sum(map(len, blobs)), crc),
        }
        try:
            data = pydantic_core.to_json(header)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".index-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(MAGIC + _PREAMBLE.pack(CACHE_FORMAT, len(data), zlib.crc32(data)) + data)
                    for blob in blobs:
                        handle.write(blob)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _unwritable.discard(self.path)
            self.path.with_suffix(".pickle").unlink(missing_ok=True)  # the older, pickled cache, never read again
        except (OSError, ValueError) as exc:
            if self.path not in _unwritable:
                _unwritable.add(self.path)
                log.warning("could not write the index cache %s: %s", self.path, exc)


def _index(header: _Header, blobs: list[memoryview]) -> CachedIndex:
    files: dict[str, FileResult] = {}
    for (path, size, mtime_ns, info, error, length, units_key, warnings), units in zip(
        header.files, blobs, strict=True
    ):
        files[path] = FileResult(path, size, mtime_ns, info, error, units if length else None, units_key, warnings)
    signature = sorted((r.path, r.size, r.mtime_ns) for r in files.values())
    names = header.names
    # the tables hold sorted tuples, as a compact index does: no copy into the build-time type is needed
    exact, partial, deletes, parts = (cast(_Table, t) for t in (names.exact, names.partial, names.deletes, names.parts))
    return CachedIndex(files, signature, NameIndex(exact=exact, partial=partial, deletes=deletes, parts=parts))


def _read(handle: BinaryIO, size: int) -> tuple[_Header, list[memoryview]]:
    """The header and the units blobs of a cache file, every length and checksum verified."""
    preamble = handle.read(len(MAGIC) + _PREAMBLE.size)
    if len(preamble) < len(MAGIC) + _PREAMBLE.size or not preamble.startswith(MAGIC):
        raise CacheDamaged("not an index cache, or cut short")
    version, length, crc = _PREAMBLE.unpack_from(preamble, len(MAGIC))
    if version != CACHE_FORMAT:
        raise CacheDamaged(f"format {version}, not {CACHE_FORMAT}")
    if length > size - len(preamble):
        raise CacheDamaged("cut short")
    data = handle.read(length)
    if len(data) != length or zlib.crc32(data) != crc:
        raise CacheDamaged("header checksum mismatch")
    header = _Header.model_validate_json(data)
    total, crc = header.blobs
    if total != size - len(preamble) - length:
        raise CacheDamaged("cut short or lengthened")
    lengths = [row[5] for row in header.files]
    if sum(lengths) != total or min(lengths, default=0) < 0:
        raise CacheDamaged("units lengths do not add up")
    area = handle.read(total)
    if len(area) != total or zlib.crc32(area) != crc or handle.read(1):
        raise CacheDamaged("answer units checksum mismatch")
    # views into one read, not a copy each: the units stay where they were read, and are only ever decompressed
    view = memoryview(area)
    ends = list(accumulate(lengths))
    return header, [view[end - length : end] for end, length in zip(ends, lengths, strict=True)]
