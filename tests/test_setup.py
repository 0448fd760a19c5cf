"""Packaging and set-up: the lock matches the direct pins, pyproject lists every package and data file, the
`newsbot harvest` command reaches the harvest, and the `shared` marker skips (or, when required, runs)."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.plugin_sites import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;\\]+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _lock() -> dict[str, tuple[str, int]]:
    """requirements.lock as {name: (version, number of hashes)}."""
    out: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements.lock").read_text(encoding="utf-8")):
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9_.-]*)==(\S+)", block)
        if m:
            out[_norm(m.group(1))] = (m.group(2), block.count("--hash=sha256:"))
    return out


def test_lock_has_every_direct_pin_at_its_version_with_hashes():
    # After a package is added to requirements*.txt, `bash scripts/lock.sh` must run (setup.sh installs the lock).
    lock = _lock()
    direct = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-dev.txt")}
    assert "lxml-html-clean" in direct  # named explicitly: old pips skip lxml's [html_clean] extra
    stale = {name: (version, lock.get(name, ("missing", 0))[0]) for name, version in direct.items()
             if lock.get(name, ("", 0))[0] != version}
    assert not stale, f"requirements.lock is stale (want, locked): {stale}; run bash scripts/lock.sh"
    unhashed = [name for name, (_, hashes) in lock.items() if hashes == 0]
    assert not unhashed
    assert len(lock) > len(direct)  # the transitive dependencies are there too


def _package_dirs() -> set[str]:
    found = set()
    for top in ("newsbot", "pipelines", "schedules"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    return found


def test_pyproject_lists_every_package():
    assert set(PYPROJECT["tool"]["setuptools"]["packages"]) == _package_dirs()


def test_package_data_covers_every_data_file():
    """Every non-Python file inside a package (the sources, the chrome data, the demo site, the schedule) is
    matched by a package-data glob, so a wheel carries it."""
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]
    packages = PYPROJECT["tool"]["setuptools"]["packages"]
    missing = []
    for top in ("newsbot", "pipelines", "schedules"):
        for path in (ROOT / top).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            # the innermost listed package holding the file, and the file's path relative to it
            owner = max((p for p in packages if rel.parts[:len(p.split("."))] == tuple(p.split("."))),
                        key=lambda p: p.count("."))
            inner = Path(*rel.parts[len(owner.split(".")):]).as_posix()
            patterns = [g.replace("**/", "") for g in globs.get(owner, [])] + globs.get(owner, [])
            if not any(fnmatch.fnmatch(inner, g) for g in patterns):
                missing.append(rel.as_posix())
    assert missing == []
    assert PYPROJECT["project"]["scripts"]["newsbot"] == "newsbot.__main__:main"


def test_newsbot_harvest_reaches_the_harvest():
    # a bad argument is answered by the harvest itself (exit 2, its own message): nothing is crawled
    proc = subprocess.run([sys.executable, "-m", "newsbot", "harvest", "--parallel", "0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "harvest: --parallel must be >= 1 and --timeout > 0"


def _run_shared_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_REQUIRE_SHARED"}
    full_env.update(NEWSBOT_SHARED_DIR=str(tmp_path / "no-shared"), **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-m", "shared",
                           "tests/test_signer.py::test_real_texts_match_reference"],
                          cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300)


def test_shared_tests_skip_with_one_reason_when_shared_is_absent(tmp_path):
    proc = _run_shared_test(tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "1 skipped" in proc.stdout and "passed" not in proc.stdout
    assert f"needs the shared corpora at {tmp_path / 'no-shared'} (absent)" in proc.stdout


def test_shared_tests_run_and_fail_when_shared_is_required_but_absent(tmp_path):
    proc = _run_shared_test(tmp_path, NEWSBOT_REQUIRE_SHARED="1")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 failed" in proc.stdout and "evaldata.json" in proc.stdout
