"""Shared fixtures live in plugin modules, one per kind of thing they start."""

pytest_plugins = ["tests.plugin_sites", "tests.plugin_mongo", "tests.plugin_redis"]
