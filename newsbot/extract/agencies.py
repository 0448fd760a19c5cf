"""Agency credits: map a credited name ("Anadolu Ajansı", "DHA", …) to its code. The mapping is data:
newsbot/data/agencies.toml."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from newsbot.text import words

AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "agencies.toml"


# Names are compared without Turkish letters' marks: Turkish case folding reads a capital I as ı ("IHLAS",
# "SPUTNIK" → "ıhlas", "sputnık"), and credits are often typed in ASCII ("DOGAN HABER AJANSI").
_PLAIN = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def _key(name: str) -> tuple[str, ...]:
    # A page lower-cased with str.lower() writes "İHA" as "i̇ha" (i + U+0307 COMBINING DOT ABOVE), which
    # would split the word: the dot carries no meaning here.
    return tuple(word.translate(_PLAIN) for word in words(name.replace("\u0307", "")))


@lru_cache(maxsize=4)
def load_agencies(path: Path = AGENCIES_FILE) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """(code, plain folded word tuples of its names) per agency, in file order."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (entry["code"], tuple(_key(name) for name in entry.get("names", []) + [entry["code"]]))
        for entry in raw.get("agency", [])
    )


def agency_code(name: str | None) -> str | None:
    """The agency code when the whole credited name is an agency name (not when it merely mentions one)."""
    if not name:
        return None
    key = _key(name)
    for code, names in load_agencies():
        if key in names:
            return code
    return None
