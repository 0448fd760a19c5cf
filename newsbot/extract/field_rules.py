"""The rules of newsbot/data/fields.toml (page area, credits, category, page kind, discovery), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsbot.text import fold

FIELDS_FILE = Path(__file__).resolve().parent.parent / "data" / "fields.toml"


@dataclass(frozen=True)
class FieldRules:
    """Every phrase is stored Turkish-folded (newsbot.text.fold)."""

    skip_tags: frozenset[str]
    page_chrome_tags: frozenset[str]
    skip_class_words: frozenset[str]
    agency_labels: tuple[str, ...]
    editor_labels: tuple[str, ...]
    picture_words: tuple[str, ...]
    byline_class_words: frozenset[str]
    max_editor_words: int
    home_words: frozenset[str]
    breadcrumb_separators: tuple[str, ...]
    breadcrumb_class_words: frozenset[str]
    category_max_words: int
    active_class_words: frozenset[str]
    not_found_phrases: tuple[str, ...]
    not_found_max_words: int
    gallery_types: frozenset[str]
    video_types: frozenset[str]
    listing_types: frozenset[str]
    gallery_max_prose_words: int
    listing_min_teaser_links: int
    listing_teaser_share: float


def _folded(values: list[str]) -> tuple[str, ...]:
    # Longest first: "haber kaynağı" must be tried before "haber".
    return tuple(sorted(dict.fromkeys(fold(v) for v in values), key=len, reverse=True))


@lru_cache(maxsize=4)
def field_rules(path: Path = FIELDS_FILE) -> FieldRules:
    """Load (once) and check the rules file; a missing section or key stops with one line naming it."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        area, credit, category = raw["area"], raw["credit"], raw["category"]
        kind = raw["page_kind"]
        return FieldRules(
            skip_tags=frozenset(area["skip_tags"]),
            page_chrome_tags=frozenset(area["page_chrome_tags"]),
            skip_class_words=frozenset(_folded(area["skip_class_words"])),
            agency_labels=_folded(credit["agency_labels"]),
            editor_labels=_folded(credit["editor_labels"]),
            picture_words=_folded(credit["picture_words"]),
            byline_class_words=frozenset(_folded(credit["byline_class_words"])),
            max_editor_words=int(credit["max_editor_words"]),
            home_words=frozenset(_folded(category["home_words"])),
            breadcrumb_separators=tuple(category["breadcrumb_separators"]),
            breadcrumb_class_words=frozenset(_folded(category["breadcrumb_class_words"])),
            category_max_words=int(category["max_words"]),
            active_class_words=frozenset(_folded(category["active_class_words"])),
            not_found_phrases=_folded(kind["not_found_phrases"]),
            not_found_max_words=int(kind["not_found_max_words"]),
            gallery_types=frozenset(_folded(kind["gallery_types"])),
            video_types=frozenset(_folded(kind["video_types"])),
            listing_types=frozenset(_folded(kind["listing_types"])),
            gallery_max_prose_words=int(kind["gallery_max_prose_words"]),
            listing_min_teaser_links=int(kind["listing_min_teaser_links"]),
            listing_teaser_share=float(kind["listing_teaser_share"]),
        )
    except KeyError as exc:
        raise ValueError(f"{path}: missing key {exc}") from None
