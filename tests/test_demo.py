"""The offline demo command a new user runs first: serve, crawl, print what landed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from tests.plugin_sites import ROOT


def run_demo(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """The demo with its temporary directory under tmp_path (TMPDIR), so what it leaves behind can be seen."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "newsbot", "demo", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def test_demo_crawls_the_bundled_site_and_prints_the_clean_articles(tmp_path):
    proc = run_demo(tmp_path, "--keep")
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "3 articles landed in the embedded store" in out
    assert "# Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı" in out
    assert "published 2025-07-12T17:12:00+03:00  category Siyaset  agency İHA  editor Haber Merkezi" in out
    for chrome in ("ÇOK OKUNAN", "BUNLAR DA", "SİZİN DÜŞÜNCELERİNİZ", "HABER KAYNAĞI", "Paylaş"):
        assert chrome not in out
    assert ": finished, 3 items, 0 errors" in out

    # --keep: the store stays, and the command printed for it shows it
    kept = list(tmp_path.glob("newsbot-demo-*"))
    assert len(kept) == 1
    command = out.rsplit("look at it with: ", 1)[1].strip()
    status = subprocess.run(shlex.split(command), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    assert f"reading embedded store {kept[0].resolve()}" in status.stdout
    demo_row = next(line.split() for line in status.stdout.splitlines() if line.startswith("demo "))
    assert demo_row[-1] == "3"  # stored


def test_demo_removes_its_temporary_store(tmp_path):
    proc = run_demo(tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "3 articles landed" in proc.stdout and "was removed; run with --keep" in proc.stdout
    assert list(tmp_path.glob("newsbot-demo-*")) == []


def test_unknown_command_is_one_line_and_exit_2():
    proc = subprocess.run([sys.executable, "-m", "newsbot", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown command 'nope'" in proc.stderr
