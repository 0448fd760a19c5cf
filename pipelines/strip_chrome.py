"""Chrome stripping (placeholder: passes items through; the phrase-list version replaces it)."""

from __future__ import annotations


class StripChromePipeline:
    def process_item(self, item, spider=None):
        return item
