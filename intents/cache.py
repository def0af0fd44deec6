"""The index cache: parsed monographs and the name index saved on disk, so a restart does not re-parse.

Each file's entry is keyed by its path, size and modification time; an entry whose file changed is re-parsed,
a deleted file's entry is dropped, an added file is parsed. The name index is reused only when every file is
unchanged. The whole cache is also keyed by a fingerprint of the code and data that shape it (parser, name
index, lexicon files): after an upgrade or a lexicon edit it is rebuilt, never served stale. A cache that
cannot be read (truncated, corrupt, another format) is logged and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intents.corpus import Corpus, FileResult, MonographInfo
from intents.lexicon import DATA_DIR
from intents.names import NameIndex

log = logging.getLogger(__name__)

CACHE_FORMAT = 4
_SHAPING_CODE = (
    "parser.py",
    "front_matter.py",
    "names.py",
    "text.py",
    "models.py",
    "corpus.py",
    "lexicon.py",
    "cache.py",
    "answers.py",
    "matcher.py",
)


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """Hash of the code and data files that decide what the cache holds."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    here = Path(__file__).resolve().parent
    for path in [here / name for name in _SHAPING_CODE] + sorted(data_dir.glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
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
        name = hashlib.sha1(where.encode()).hexdigest()[:16]
        return cls(cache_dir / f"index-{name}.pickle")

    def load(self) -> CachedIndex | None:
        """The cached index, or None when there is none, or it is stale or unreadable."""
        try:
            with self.path.open("rb") as handle:
                data: dict[str, Any] = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as exc:  # any damage: truncated, garbage, incompatible pickle
            log.warning("index cache %s is unreadable (%s): rebuilding it", self.path, type(exc).__name__)
            return None
        try:
            if data.get("format") != CACHE_FORMAT or data.get("key") != self.key:
                log.info("index cache %s is from another version or lexicon: rebuilding it", self.path)
                return None
            files = {}
            for path, size, mtime_ns, info, error, units, units_key, warnings in data["files"]:
                files[path] = FileResult(
                    path,
                    size,
                    mtime_ns,
                    info=MonographInfo.model_construct(**info) if info else None,
                    error=error,
                    units=units,
                    units_key=units_key,
                    warnings=warnings,
                )
            names = NameIndex(**data["names"])
            return CachedIndex(files=files, signature=data["signature"], names=names)
        except Exception as exc:
            log.warning("index cache %s is malformed (%s): rebuilding it", self.path, exc)
            return None

    def save(self, corpus: Corpus, names: NameIndex) -> None:
        """Write the cache atomically (a crash mid-write leaves the old file or none, never half a file)."""
        data = {
            "format": CACHE_FORMAT,
            "key": self.key,
            "signature": corpus.signature(),
            "files": [
                (
                    r.path,
                    r.size,
                    r.mtime_ns,
                    r.info.model_dump() if r.info else None,
                    r.error,
                    r.units,
                    r.units_key,
                    r.warnings,
                )
                for r in corpus.files.values()
            ],
            "names": {
                "exact": names.exact,
                "partial": names.partial,
                "deletes": names.deletes,
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".index-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not write the index cache %s: %s", self.path, exc)
