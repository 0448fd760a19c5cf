"""The offline demo command a new user runs first: serve, crawl, print what landed."""

from __future__ import annotations

import subprocess
import sys

from tests.plugin_sites import ROOT


def test_demo_crawls_the_bundled_site_and_prints_the_clean_articles(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newsbot", "demo", "--data-dir", str(tmp_path / "d")],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "3 articles landed in the embedded store" in out
    assert "# Kuzey Kore lideri Kim, Rusya Dışişleri Bakanı Lavrov’u ağırladı" in out
    assert "published 2025-07-12T17:12:00+03:00  category Siyaset  agency İHA  editor Haber Merkezi" in out
    for chrome in ("ÇOK OKUNAN", "BUNLAR DA", "SİZİN DÜŞÜNCELERİNİZ", "HABER KAYNAĞI", "Paylaş"):
        assert chrome not in out
    assert ": finished, 3 items, 0 errors" in out


def test_unknown_command_is_one_line_and_exit_2():
    proc = subprocess.run([sys.executable, "-m", "newsbot", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown command 'nope'" in proc.stderr
