"""The tests say which versions of the dependencies they ran against, and those are the versions pyproject allows."""

from __future__ import annotations

import subprocess
import sys

from packaging.requirements import Requirement

from tests.conftest import ROOT, declared_dependencies, installed_versions, pytest_report_header

NAMED = ("python-telegram-bot", "pydantic", "PyYAML", "python-frontmatter", "rapidfuzz", "lz4", "mypy", "ruff")


def test_the_report_header_names_each_dependency_with_its_installed_version():
    (header,) = pytest_report_header(None)  # type: ignore[arg-type]
    versions = installed_versions()
    for name in NAMED:
        assert f"{name} {versions[name]}" in header
    assert set(versions) == {Requirement(r).name for r in declared_dependencies()}


def test_every_installed_version_is_one_pyproject_allows():
    versions = installed_versions()
    for requirement in map(Requirement, declared_dependencies()):
        installed = versions[requirement.name]
        assert installed is not None, f"{requirement.name} is not installed: pip install -e '.[test]'"
        assert requirement.specifier.contains(installed, prereleases=True), f"{requirement} but {installed} installed"


def pytest_run(*options: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", *options, "-p", "no:cacheprovider", "tests/test_dependencies.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def test_a_pytest_run_prints_the_versions_once_quiet_or_not():
    for options in ((), ("-q",)):
        assert pytest_run(*options).count("drugbot dependencies: python-telegram-bot ") == 1, options
