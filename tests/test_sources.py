"""Source configs are re-read when a file changes; per-page look-ups may reuse a recent check."""

from __future__ import annotations

import os

from newsbot.sources import BUILTIN_DIR, load_sources

CONFIG = 'name = "yerel"\nsite = "{site}"\ndomains = ["yerel.example"]\n'


def test_changed_config_is_read_again_and_recheck_after_reuses_a_recent_check(tmp_path):
    dirs = [BUILTIN_DIR, tmp_path]
    path = tmp_path / "yerel.toml"
    path.write_text(CONFIG.format(site="eski.example"), encoding="utf-8")
    assert load_sources(dirs)["yerel"].site == "eski.example"
    path.write_text(CONFIG.format(site="yeni-site.example"), encoding="utf-8")  # other size: a change
    os.utime(path, ns=(1, 1))
    # Checked a moment ago: within recheck_after the directories are not listed again.
    assert load_sources(dirs, recheck_after=3600)["yerel"].site == "eski.example"
    assert load_sources(dirs)["yerel"].site == "yeni-site.example"
    assert load_sources(dirs, recheck_after=3600)["yerel"].site == "yeni-site.example"
