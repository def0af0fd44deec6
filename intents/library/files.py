"""Finding and reading monograph files: regular files only, their size checked before a byte is read.

A FIFO named `x.md` would hang a plain `open()` (and with it `check`, start-up and the reload thread); a symlink
to `/dev/zero` would be read until memory runs out. So folders are scanned entry by entry: what looks like a
monograph but is not a readable regular file (a FIFO, a device, a broken or looping symlink, a symlinked or
unreadable folder, a name that is not UTF-8) is named with a reason instead of being skipped in silence, and a
file is opened non-blocking and checked with `fstat` on the open descriptor before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

MONOGRAPH_SUFFIXES = (".md", ".markdown", ".txt")
SKIPPED = -1  # size and mtime of an entry that is named but not read, in a folder's signature

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class CorpusError(RuntimeError):
    """The folders cannot serve at all (missing, unreadable, or not one valid monograph)."""


class FileRefused(OSError):
    """A file that is not read: not a regular file, or too large. The message is the reason."""


@dataclass
class FolderScan:
    """What the monograph folders hold: regular files to read, and entries named but not read."""

    files: list[tuple[str, int, int]] = field(default_factory=list)  # (path, size, mtime_ns)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why it is not read
    folders: tuple[str, ...] = ()

    def signature(self) -> list[tuple[str, int, int]]:
        """(path, size, mtime) of everything found, skipped entries included: a change to any is a change."""
        return sorted([*self.files, *((path, SKIPPED, SKIPPED) for path in self.skipped)])


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def shown(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 shown as \\x escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _target(link: str) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "?"


def _is_monograph_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(MONOGRAPH_SUFFIXES) and lower != "readme.md"


def _look(path: str, name: str, scan: FolderScan, pending: list[str]) -> None:
    """Sort one folder entry: a subfolder to walk, a monograph file to read, something to name, or nothing."""
    if shown(name) != name:  # the entry's own name: a folder given with such a path is still read
        scan.skipped[shown(path)] = "name is not valid UTF-8: rename it"
        return
    try:
        own = os.lstat(path)
    except OSError as exc:
        if _is_monograph_name(name):
            scan.skipped[path] = f"cannot be read: {_reason(exc)}"
        return
    if stat.S_ISDIR(own.st_mode):
        pending.append(path)
        return
    link = stat.S_ISLNK(own.st_mode)
    try:
        st = os.stat(path) if link else own
    except OSError as exc:
        target = _target(path)
        if exc.errno == errno.ELOOP:
            scan.skipped[path] = f"symbolic link loop (to '{target}')"
        elif exc.errno == errno.ENOENT:
            scan.skipped[path] = f"broken symbolic link: '{target}' does not exist"
        else:
            scan.skipped[path] = f"symbolic link to '{target}' cannot be followed: {_reason(exc)}"
        return
    if link and stat.S_ISDIR(st.st_mode):
        scan.skipped[path] = f"symbolic link to a folder ('{_target(path)}') is not followed: link the files"
        return
    if not _is_monograph_name(name):
        return
    if not stat.S_ISREG(st.st_mode):
        via = f"symbolic link to '{_target(path)}', " if link else ""
        scan.skipped[path] = f"{via}{kind_of(st.st_mode)}, not a regular file: not read"
        return
    scan.files.append((path, st.st_size, st.st_mtime_ns))


def _walk(top: str, scan: FolderScan) -> None:
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as exc:
            if folder == top:
                raise CorpusError(f"monograph folder cannot be read: {shown(top)} ({_reason(exc)})") from None
            scan.skipped[folder] = f"folder cannot be read: {_reason(exc)}"
            continue
        for name in names:
            if not name.startswith("."):
                _look(os.path.join(folder, name), name, scan, pending)


def scan_folders(folders: Iterable[Path | str]) -> FolderScan:
    """Every monograph-like entry of the folders and their subfolders. Raises `CorpusError` when a folder is
    missing or cannot be read."""
    scan = FolderScan()
    names: list[str] = []
    for folder in folders:
        top = str(folder)
        if not os.path.isdir(top):
            raise CorpusError(f"monograph folder not found: {shown(top)}")
        names.append(top)
        _walk(top, scan)
    scan.files.sort()
    scan.folders = tuple(names)
    return scan


@contextmanager
def open_regular_file(path: str | Path, max_bytes: int | None = None) -> Iterator[tuple[BinaryIO, int]]:
    """A regular file opened for reading, and its size. Opened non-blocking, so a FIFO put in its place never
    blocks, and checked on the open descriptor, so nothing swapped in after a check is read. Raises
    `FileRefused` for anything else or a size over `max_bytes`, `OSError` when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(f"{kind_of(st.st_mode)}, not a regular file: not read")
        if max_bytes is not None and st.st_size > max_bytes:
            raise FileRefused(f"file is too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle, st.st_size


@dataclass(frozen=True, slots=True)
class FileBytes:
    """A file's bytes and the (size, mtime) of the version they are, taken on the open descriptor before the
    read and compared after it: `steady` is False when the file changed while it was read (a writer mid-way),
    so bytes from two versions are never taken for the one the stat names."""

    data: bytes
    size: int
    mtime_ns: int
    steady: bool


def read_regular_file(path: str | Path, max_bytes: int) -> FileBytes:
    """The bytes of a regular file of at most `max_bytes` (one that grew past it while read is refused too)."""
    with open_regular_file(path, max_bytes) as (handle, _):
        before = os.fstat(handle.fileno())
        data = handle.read(max_bytes + 1)
        after = os.fstat(handle.fileno())
    if len(data) > max_bytes:
        raise FileRefused(f"file is too large (over {max_bytes:,} bytes; it grew while read)")
    steady = after.st_mtime_ns == before.st_mtime_ns and after.st_size == before.st_size == len(data)
    return FileBytes(data, before.st_size, before.st_mtime_ns, steady)
