"""Shared fixtures live in plugin modules, one per kind of thing they start. Here: the `shared` marker."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.plugin_sites", "tests.plugin_mongo", "tests.plugin_redis"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `shared` read the big corpora in ../shared, which a clone does not have: skip them, all
    with the same reason, when it is absent. NEWSBOT_REQUIRE_SHARED=1 (.ci/run's corpus step) runs them anyway,
    so a missing ../shared fails there instead of passing as skips."""
    from tests.plugin_sites import SHARED  # (imported here: the plugin must load first, as a plugin)

    if SHARED.is_dir() or os.environ.get("NEWSBOT_REQUIRE_SHARED") == "1":
        return
    skip = pytest.mark.skip(reason=f"needs the shared corpora at {SHARED} (absent): see README, Set-up")
    for item in items:
        if item.get_closest_marker("shared"):
            item.add_marker(skip)
