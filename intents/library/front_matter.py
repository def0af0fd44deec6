"""The YAML front matter of a monograph file: split from the body, read strictly, validated.

The ban is the one field a mistake in must never serve a drug, so the schema is strict about it: a key that
looks like `is_banned` but is not it (`isBanned`, `banned`, `is_baned`, `"is_banned "`), an `is_banned`
nested under another key, a value that is not a YAML boolean, and any key given twice (YAML would silently keep
the last) make the file bad. Other unknown keys are only warned about. Names longer than `MAX_NAME_CHARS` are
refused: every name is indexed with its typo variants, which cost memory quadratic in its length.

The file is split by python-frontmatter's YAML handler, subclassed so that it loads with the strict loader here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError, field_validator
from rapidfuzz.distance import OSA

from intents.common.text import strip_markup

MAX_NAME_CHARS = 200  # a title or alias longer than this is no name (a pasted paragraph)
MAX_NESTING = 64  # deeper YAML is refused before it reaches the C composer, which recurses once per level
# ... and crashes the process past about 20,000 levels. Each level needs one of `[{:?-`: with fewer of them than
# this the nesting cannot get near, and only bigger front matters have their nesting measured.
_MEASURED_FROM = 5_000
BAN_KEY = "is_banned"

_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)  # python-frontmatter's own, pinned: see StrictYAMLHandler
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NESTING_MARKS = re.compile(r"[\[{:?-]")
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# PyYAML >= 6.0.4 has a nesting limit of its own (about 1,000 levels, in its scanner): "exceeded maximum nesting
# depth". Loose about the words after "maximum nesting", but anchored: a constructor's problem can quote the file
# ("... for the tag '!nesting'"), a scanner's or parser's cannot start with it.
_PYYAML_NESTING = re.compile(r"^(?:exceeded )?maximum nesting\b", re.IGNORECASE)


class FrontMatterError(ValueError):
    """The front matter cannot be served; the message says why, for the person editing the file."""


class _FaqIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    q: str
    a: str = ""


class FrontMatter(BaseModel):
    """The front-matter keys the bot reads; unknown ones are reported as warnings by `read_front_matter`."""

    model_config = ConfigDict(extra="ignore")

    title: str
    description: str = ""
    is_banned: StrictBool = False  # a YAML boolean only: "true" in quotes, 1 or null are refused
    lastModified: str | None = None
    faqs: list[_FaqIn] = []
    aliases: list[str] = []

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not strip_markup(value):
            raise ValueError("title is empty")
        return strip_markup(value)

    @field_validator("lastModified", mode="before")
    @classmethod
    def _date_to_text(cls, value: Any) -> Any:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        return value

    @field_validator("description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("faqs", "aliases", mode="before")
    @classmethod
    def _none_is_empty_list(cls, value: Any) -> Any:
        return [] if value is None else value


KNOWN_KEYS = frozenset(FrontMatter.model_fields)


class NotADate(str):
    """An unquoted scalar YAML reads as a timestamp but that is no real date (`2025-02-30`), kept as its text.

    PyYAML's resolver raises `ValueError` on it, which would make the whole file bad; a wrong date is an editor's
    slip like any other unreadable date, so the file is served and `_check_keys` warns, naming the key.
    """

    __slots__ = ()


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML that refuses a key given twice in one mapping instead of keeping the last, and reads an impossible
    date as `NotADate` text."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):  # month 13, 30 February, hour 25, a UTC offset of a day or more
            return NotADate(self.construct_scalar(node))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):  # merge keys are flattened into node.value first
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in first:
                    raise FrontMatterError(
                        f"front matter key '{key}' is given twice (lines {first[key]} and {line}); "
                        "YAML would silently keep the last"
                    )
                first[key] = line
        return mapping


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


class StrictYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, refusing what the ban cannot allow and loading with `_StrictLoader`.

    Its `split` and `load` are called directly, not through `frontmatter.parse`/`loads`, which are lenient where a
    monograph must be refused (no or unclosed front matter comes back as all body, a front matter that is not a
    mapping is dropped) and rewrite CRLF to LF (which moves the line numbers YAML errors give, and so the messages).
    Both raise `FrontMatterError`, which `frontmatter.parse` would swallow as a `ValueError`.
    """

    # The library's pattern, pinned: a release that changed it would change where every monograph splits.
    FM_BOUNDARY = _BOUNDARY

    def split(self, text: str) -> tuple[str, str]:
        """(front matter, body) of a file that starts with a `---` line, past BOMs and surrounding blank space."""
        text = text.lstrip("\ufeff").strip()
        if not text.startswith("---"):
            raise FrontMatterError("no YAML front matter (the file must start with a '---' line)")
        try:
            front, body = super().split(text)
        except ValueError:  # fewer than two boundary lines
            raise FrontMatterError("front matter is not closed with a '---' line") from None
        return front, body.strip()

    def load(self, fm: str, **kwargs: object) -> Any:
        """The front matter's YAML, read by `_load_yaml`; another Loader would drop the duplicate-key refusal."""
        if kwargs:
            raise TypeError(f"StrictYAMLHandler loads with its own strict loader only, not {sorted(kwargs)}")
        return _load_yaml(fm)


_HANDLER = StrictYAMLHandler()


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body) of a file that starts with a `---` line."""
    return _HANDLER.split(text)


def _nesting(front: str) -> int:
    """How deep the YAML nests, read from parser events (the composer recurses, the parser does not)."""
    depth = deepest = 0
    for event in yaml.parse(front, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _too_deep() -> FrontMatterError:
    return FrontMatterError(f"front matter nests more than {MAX_NESTING} levels deep")


def _load_yaml(front: str) -> Any:
    """YAML through `_StrictLoader`, every refusal (PyYAML's own nesting limit included) as our `FrontMatterError`."""
    try:
        if len(_NESTING_MARKS.findall(front)) > _MEASURED_FROM and _nesting(front) > MAX_NESTING:
            raise _too_deep()
        return yaml.load(front, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        if _PYYAML_NESTING.match(str(getattr(exc, "problem", None) or "")):  # may trigger before ours is measured
            raise _too_deep() from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FrontMatterError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:
        raise _too_deep() from None


def _squashed(key: object) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", str(key)).casefold())


def looks_like_ban_key(key: object) -> bool:
    """A key that means the ban but is not spelt `is_banned` exactly (case, separators, a typo or two)."""
    squashed = _squashed(key)
    return "ban" in squashed or OSA.distance(squashed, "isbanned") <= 2


_Path = tuple[Any, str] | None  # (parent path, key or "[i]"): shared, so a wide or deep front matter costs no strings
MAX_DATE_WARNINGS = 5  # impossible dates named one by one; more are counted in one line


def _path_text(path: _Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, part = path
        parts.append(part)
    return "".join(reversed(parts)).lstrip(".")


def _check_keys(meta: dict[Any, Any], warnings: list[str]) -> None:
    """Refuse ban-like keys that are not the top-level `is_banned`; warn about other unknown keys and impossible dates.

    A `lastModified` that is no date gets its own warning where dates are read (`corpus.parse_file`), so not here.
    """
    for key in meta:
        if key == BAN_KEY:
            continue
        if looks_like_ban_key(key):
            raise FrontMatterError(f"front matter key '{key}' looks like a misspelt '{BAN_KEY}': spell it {BAN_KEY}")
        if key not in KNOWN_KEYS:
            warnings.append(f"unknown front matter key '{key}' is ignored")
    # nested values, walked in order without recursion and each container once (YAML aliases can share and loop)
    seen: set[int] = set()
    dates = 0
    stack: list[tuple[_Path, Any]] = [((None, f".{key}"[:41]), value) for key, value in reversed(meta.items())]
    while stack:
        path, value = stack.pop()
        if isinstance(value, NotADate):
            if path != (None, ".lastModified"):
                dates += 1
                if dates <= MAX_DATE_WARNINGS:
                    where = _path_text(path)
                    warnings.append(f"front matter key '{where}': '{value[:40]}' is not a real date (read as text)")
            continue
        if not isinstance(value, dict | list) or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            for key in value:
                if key == BAN_KEY or looks_like_ban_key(key):
                    raise FrontMatterError(f"'{key}' under '{_path_text(path)}': {BAN_KEY} must be a top-level key")
            stack.extend(((path, f".{key}"[:41]), v) for key, v in reversed(value.items()))
        else:
            stack.extend(((path, f"[{i}]"), v) for i, v in reversed(list(enumerate(value))))
    if dates > MAX_DATE_WARNINGS:
        warnings.append(f"{dates - MAX_DATE_WARNINGS:,} more impossible date(s) in the front matter (read as text)")


def _check_names(meta: FrontMatter, warnings: list[str]) -> FrontMatter:
    if len(meta.title) > MAX_NAME_CHARS:
        raise FrontMatterError(f"title is {len(meta.title):,} characters long; names are limited to {MAX_NAME_CHARS}")
    kept = []
    for alias in meta.aliases:
        if len(alias) > MAX_NAME_CHARS:
            warnings.append(
                f"alias '{alias[:40]}…' ({len(alias):,} characters) dropped: names are limited to {MAX_NAME_CHARS}"
            )
        else:
            kept.append(alias)
    return meta if len(kept) == len(meta.aliases) else meta.model_copy(update={"aliases": kept})


def read_front_matter(text: str, warnings: list[str] | None = None) -> tuple[FrontMatter, str]:
    """The validated front matter and the body of a monograph file; raises `FrontMatterError` with a reason.

    What is wrong but not fatal (an unknown key, an alias too long) is appended to `warnings`.
    """
    warnings = warnings if warnings is not None else []
    front, body = _HANDLER.split(text)
    meta = _HANDLER.load(front)
    if not meta:
        raise FrontMatterError("front matter is empty")
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter is not a mapping of keys ('title: ...')")
    _check_keys(meta, warnings)
    try:
        validated = FrontMatter.model_validate(meta)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "front matter"
        raise FrontMatterError(f"front matter field '{where}': {first['msg']}") from None
    return _check_names(validated, warnings), body
