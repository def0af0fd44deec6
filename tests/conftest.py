"""Shared fixtures: the real seed, the shared evaluation stubs and the fictional test monographs."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import AsyncIterator
from importlib import metadata
from pathlib import Path

import pytest

from intents.engine import Engine
from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.corpus import load_corpus
from testkit.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
STUBS = SHARED / "eval" / "stubs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FICTIONAL = FIXTURES / "monographs"
DICTIONARY_FIXTURES = FIXTURES / "dictionary"  # real drug names with invented text, listing few or no brands
SEED_FILE = SEEDS / "trastuzumab-emtansine.md"

# No test writes into the user's cache folder (~/.cache/drugbot, or DRUGBOT_CACHE_DIR): the index caches and the
# chat history of this process and of every command it starts go to a temporary folder, removed at the end.
# Set here, when pytest loads this file, so it holds before any test module is imported.
_CACHE_HOME = tempfile.mkdtemp(prefix="drugbot-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
os.environ.pop("DRUGBOT_CACHE_DIR", None)
atexit.register(shutil.rmtree, _CACHE_HOME, ignore_errors=True)


def declared_dependencies() -> list[str]:
    """The requirements `pip install -e ".[test]"` installs: pyproject.toml's dependencies and its test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def requirement_name(requirement: str) -> str:
    """`python-telegram-bot[rate-limiter,webhooks]>=22,<23` -> `python-telegram-bot`."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return match.group(0)


def installed_versions() -> dict[str, str | None]:
    """Each declared dependency and the version installed here (None: missing), as a fresh install resolves them."""
    found: dict[str, str | None] = {}
    for requirement in declared_dependencies():
        name = requirement_name(requirement)
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def pytest_report_header(config: pytest.Config) -> list[str]:
    """The versions the tests run against, in every run's header (CI logs show what a fresh install resolved)."""
    shown = [f"{name} {version or 'MISSING'}" for name, version in installed_versions().items()]
    return ["drugbot dependencies: " + ", ".join(shown)]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """`pytest -q` prints no header: the versions then close the run instead."""
    if config.get_verbosity() < 0:
        for line in pytest_report_header(config):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def seed_engine(lexicon: Lexicon) -> Engine:
    return Engine(load_corpus([SEEDS]), lexicon)


@pytest.fixture(scope="session")
def fiction_engine(lexicon: Lexicon) -> Engine:
    """The real seed plus the fictional test drugs (Velorimab, Velorimab Vedotin, banned Plumbazole)."""
    return Engine(load_corpus([SEEDS, FICTIONAL]), lexicon)


@pytest.fixture(scope="session")
def dictionary_engine(lexicon: Lexicon) -> Engine:
    """The real seed plus monographs of real drugs that list few names (`tests/fixtures/dictionary/`): what
    people call them comes from the field dictionary and `drug_synonyms.yaml`."""
    return Engine(load_corpus([SEEDS, DICTIONARY_FIXTURES]), lexicon)


@pytest.fixture(scope="session")
def stubs_engine(lexicon: Lexicon) -> Engine:
    if not STUBS.is_dir():
        pytest.skip("../shared/eval/stubs is not beside the project")
    return Engine(load_corpus([SEEDS, STUBS]), lexicon)


def ask(engine: Engine, text: str):
    reply, _ = engine.respond(text)
    return reply


@pytest.fixture()
def kadcyla_folder(tmp_path: Path) -> Path:
    """A writable monograph folder holding a copy of the real seed."""
    import shutil

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds / "kadcyla.md")
    return seeds


@pytest.fixture()
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API server on a local port, for the real PTB application to talk to."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()
