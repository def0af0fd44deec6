"""The compose file, Dockerfile and .dockerignore: they agree with the settings the bot reads, and the image holds
the package only (no Docker engine runs here: the build context, the stages and a plain install are checked)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

from bot.__main__ import _parser
from bot.settings import ENV_NAMES
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICE = COMPOSE["services"]["drugbot"]


def test_service_runs_the_telegram_bot_with_a_restart_policy():
    assert SERVICE["command"] == ["python", "-m", "bot", "telegram"]
    assert "telegram" in _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert SERVICE["restart"] in ("unless-stopped", "always")
    assert SERVICE["build"] == "."


def test_token_comes_from_dot_env_and_every_variable_is_a_real_setting():
    assert ".env" in SERVICE["env_file"]
    known = set(ENV_NAMES.values())
    assert set(SERVICE["environment"]) <= known
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert "TELEGRAM_BOT_TOKEN" in names and names <= known


def test_seeds_are_mounted_read_only_where_the_bot_reads_them():
    env = SERVICE["environment"]
    mounts = {v.split(":")[1]: v for v in SERVICE["volumes"]}
    seeds = mounts[env["DRUGBOT_SEEDS_DIR"]]
    assert seeds.startswith("./seeds:") and seeds.endswith(":ro")


def test_state_and_heartbeat_live_on_a_named_volume():
    env = SERVICE["environment"]
    data_mount = next(v for v in SERVICE["volumes"] if v.startswith("drugbot-data:"))
    target = data_mount.split(":")[1]
    assert env["DRUGBOT_STATE_PATH"].startswith(target + "/")
    assert env["DRUGBOT_HEALTH_FILE"].startswith(target + "/")
    assert env["DRUGBOT_CACHE_DIR"].startswith(target + "/")
    assert "drugbot-data" in COMPOSE["volumes"]


def test_healthcheck_runs_the_health_command():
    test = SERVICE["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python", "-m", "bot"] and test[4] == "health"
    assert "health" in _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]


# --- the image (Dockerfile, .dockerignore), checked without a Docker engine ---------------------------------------

TEST_TOOLS = ("pytest", "pytest-asyncio", "aiohttp", "ruff", "hypothesis")


def dockerfile_stages() -> list[tuple[str, list[tuple[str, str]]]]:
    """(stage name, [(INSTRUCTION, arguments)]) of each stage, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    stages: list[tuple[str, list[tuple[str, str]]]] = []
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            named = re.split(r"\s+as\s+", rest, flags=re.IGNORECASE)
            stages.append((named[1].strip().lower() if len(named) > 1 else str(len(stages)), []))
        if stages:
            stages[-1][1].append((keyword, " ".join(rest.split())))
    return stages


def _pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go's filepath.Match with `**`) as a regular expression."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:  # a character class, `[!...]` or `[^...]` negated
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            out, i = out + "[" + ("^" + body[1:] if body[:1] in "!^" and body else body) + "]", end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def in_build_context(path: str) -> bool:
    """Whether Docker sends `path` (relative to the project) to the builder: the last .dockerignore pattern
    matching it or a folder above it decides, `!` patterns taking back in."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            negated = line.startswith("!")
            rules.append((negated, _pattern(os.path.normpath(line.lstrip("!")).lstrip("/"))))
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for negated, regex in rules:
        if any(regex.match(c) for c in candidates):
            included = negated
    return included


def test_the_build_context_holds_the_package_and_its_seeds_and_nothing_else():
    assert (ROOT / ".dockerignore").is_file()
    for path in [
        "pyproject.toml",
        "README.md",
        "bot/__main__.py",
        "bot/telegram/app.py",
        "intents/engine.py",
        "intents/data/replies.yaml",
        "intents/data/questions/w1-03.jsonl",
        "seeds/trastuzumab-emtansine.md",
    ]:
        assert in_build_context(path), path
    for path in [
        ".env",
        ".env.example",
        ".git/config",
        "tests/conftest.py",
        "tests/fixtures/monographs/velorimab.md",
        "bench/run.py",
        "bench/out/fuzz.json",
        "tools/x.py",
        ".ci/run",
        "drugbot-state.sqlite3",
        "bot/__pycache__/cli.cpython-311.pyc",
        "intents/__pycache__/engine.cpython-311.pyc",
        "drugbot.egg-info/PKG-INFO",
        "build/lib/bot/cli.py",
        ".venv/bin/python",
        "docker-compose.yml",
    ]:
        assert not in_build_context(path), path
    copied = [
        source
        for _, steps in dockerfile_stages()
        for kw, args in steps
        if kw == "COPY" and "--from=" not in args
        for source in args.split()[:-1]
    ]
    assert copied and all(in_build_context(source.rstrip("/")) for source in copied), copied


def test_dependencies_are_installed_in_a_layer_of_their_own_before_any_code():
    """A code change reuses the cached dependency layer: the stage installing them sees pyproject's dependency
    list only (so even a change elsewhere in pyproject.toml keeps the layer), never bot/ or intents/."""
    stages = dockerfile_stages()
    installs = [
        (name, steps)
        for name, steps in stages
        if any(re.search(r"pip install -r \S*requirements\.txt", a) for k, a in steps)
    ]
    assert len(installs) == 1, [name for name, _ in stages]
    _, steps = installs[0]
    copies = [a for k, a in steps if k == "COPY"]
    assert copies and all("requirements.txt" in a for a in copies), copies
    assert not any(
        k == "COPY" and re.search(r"\b(bot|intents)\b", a) for _, s in stages[: stages.index(installs[0])] for k, a in s
    )


def test_the_dependency_list_the_image_installs_is_the_packages_runtime_one(tmp_path):
    """Runs the command the image lists the dependencies with, on this pyproject.toml."""
    import tomllib

    run = next(a for _, steps in dockerfile_stages() for k, a in steps if k == "RUN" and "tomllib" in a)
    code = re.search(r'python -c "(.+?)" >', run).group(1)  # type: ignore[union-attr]
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    listed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert listed.stdout.split("\n")[:-1] == project["dependencies"]
    assert not any(tool in listed.stdout.lower() for tool in TEST_TOOLS)


def test_the_runtime_stage_installs_the_package_only_and_runs_as_a_user_with_a_health_check():
    _, steps = dockerfile_stages()[-1]
    text = "\n".join(f"{k} {a}" for k, a in steps)
    assert "[test]" not in text and " -e " not in text and "--editable" not in text
    assert not any(tool in text for tool in TEST_TOOLS)
    assert not re.search(r"^COPY (?!--from)(?!seeds)", text, re.MULTILINE), text  # from the context: seeds only
    assert re.search(r"pip install --no-deps [^\n]*\.whl", text), text  # the package's wheel, not the source tree
    user = [a for k, a in steps if k == "USER"]
    assert user and user[-1] not in ("root", "0")
    health = [a for k, a in steps if k == "HEALTHCHECK"]
    assert health and health[-1].endswith('CMD ["python", "-m", "bot", "health"]')
    assert [a for k, a in steps if k == "CMD"] == ['["python", "-m", "bot", "telegram"]']
    env = " ".join(a for k, a in steps if k == "ENV")
    for setting in ("DRUGBOT_SEEDS_DIR=/app/seeds", "DRUGBOT_STATE_PATH=/data/", "DRUGBOT_HEALTH_FILE=/data/"):
        assert setting in env


def _wheel_tools() -> bool:
    """Whether a wheel can be built here without build isolation: the build backend (setuptools, which virtual
    environments of Python 3.12+ lack) and `wheel`, unless setuptools builds wheels itself (70.1 on)."""
    try:
        import setuptools
    except ImportError:
        return False
    try:
        import wheel  # noqa: F401
    except ImportError:
        return tuple(int(p) for p in setuptools.__version__.split(".")[:2]) >= (70, 1)
    return True


def test_a_plain_install_of_the_package_runs_without_the_source_tree(tmp_path):
    """As the runtime stage: a wheel built from the build context, installed (not editable, no dependencies:
    those of this environment stand for the image's), run from a folder holding no source."""
    if not _wheel_tools():
        pytest.skip("building a wheel offline needs setuptools and wheel (pip install -e '.[test]')")
    context = tmp_path / "context"
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and not relative.startswith(".git/") and in_build_context(relative):
            (context / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, context / relative)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "--quiet", "--no-cache-dir"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(tmp_path / "wheels"), str(context)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = (tmp_path / "wheels").glob("drugbot-*.whl")
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        meta = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert {n.split("/")[0] for n in names} == {"bot", "intents", built.name.split("-py")[0] + ".dist-info"}
    for data in (
        "intents/language/vocabulary/replies.yaml",
        "intents/language/vocabulary/messages.yaml",
        "intents/language/model/topic_model.json",
        "bot/telegram/texts.yaml",
    ):
        assert data in names, data
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    assert all('extra == "test"' in r or 'extra == "train"' in r for r in requires if any(t in r for t in TEST_TOOLS))
    assert "drugbot = bot.__main__:main" in entry_points

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(built)], check=True, timeout=120)
    run_dir = tmp_path / "app"
    run_dir.mkdir()
    heartbeat = tmp_path / "heartbeat"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_", "PYTHON"))}
    env.update(PYTHONPATH=str(site), DRUGBOT_HEALTH_FILE=str(heartbeat), DRUGBOT_SEEDS_DIR=str(ROOT / "seeds"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=run_dir, env=env, capture_output=True, text=True, timeout=60)

    where = run(sys.executable, "-c", "import bot, intents; print(bot.__file__); print(intents.__file__)")
    assert where.stdout.split() == [str(site / "bot" / "__init__.py"), str(site / "intents" / "__init__.py")], where
    assert run(sys.executable, "-m", "bot", "health").returncode == 1  # no heartbeat yet
    heartbeat.write_text("0", encoding="utf-8")
    healthy = run(sys.executable, "-m", "bot", "health")
    assert healthy.returncode == 0 and healthy.stdout.startswith("healthy"), healthy
    script = run(str(site / "bin" / "drugbot"), "health")
    assert script.returncode == 0 and script.stdout.startswith("healthy"), script
    answer = run(sys.executable, "-m", "bot", "ask", "dose of kadcyla?")
    assert answer.returncode == 0 and "3.6 mg/kg" in answer.stdout, answer
