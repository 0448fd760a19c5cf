"""The texts a regex's every match holds (pipelines/regex_keys.py), which let chrome stripping skip notice patterns
that cannot match: the keys must be safe (a match always holds one) and the stage must strip exactly what running
every pattern would strip."""

from __future__ import annotations

import re

import pytest

from pipelines.regex_keys import required_keys
from pipelines.strip_chrome import default_rules, flat


@pytest.mark.parametrize(("pattern", "keys"), [
    ("imtiyaz sahibi", ("imtiyaz sahibi",)),
    (r"\bour newsletters?\b", ("our newsletter",)),  # the optional "s" is not required
    (r"^(sign(ing)? up|subscribe)\b", ("sign", "subscribe")),  # one key per alternative
    (r"©\s*\d{4}|\d{4}\s*©|her hakki saklidir", ("©", "her hakki saklidir")),
    (r"^(ana ?sayfa)\s*[>»/]", ("sayfa",)),  # "ana" then an optional space: the longer run is kept
    (r"(haber|metin)[^.]{0,80}(izin al[ii]nmadan|izinsiz)", ("izin al", "izinsiz")),  # the more selective group
    (r"((dolar|euro)\s*[\d.,]+\s*){2,}", ("dolar", "euro")),  # a group needed at least twice still counts
    (r"abs+c", ("abs",)),  # "s+": one "s" is needed, what follows may be more of them
    (r"x{2}yz", ("yz",)),
    (r"inhalt von .{1,60} zu laden", ("inhalt von ",)),
    (r"a\.b", ("a.b",)),  # an escaped character is itself
    (r"(?:foo)?bar", ("bar",)),  # an optional group gives nothing
    (r"(?=foo)bar", ("bar",)),  # a look-ahead consumes nothing: not counted
    (r"(foo|\d+)bar?", ("ba",)),  # a group with a key-less alternative gives nothing; the run "ba" does
])
def test_keys_of_a_pattern(pattern, keys):
    assert required_keys(pattern) == keys


@pytest.mark.parametrize("pattern", [
    r"a|b|",  # an empty alternative matches anywhere
    r"(?i)newsletter",  # inline flags: the case of the text no longer says anything
    r"\d+\s*\w+",  # no literal at all
])
def test_no_promise_when_a_match_can_do_without(pattern):
    assert required_keys(pattern) is None


def test_every_bundled_pattern_has_keys_and_they_hold_in_every_match():
    # Each bundled notice pattern gets keys (so none runs on every paragraph), and on texts it matches —
    # the notices of the tests, plus each pattern's own match on them — one of its keys is present.
    samples = [
        "Tüm hakları saklıdır.", "© 2025 Örnek Gazetesi", "Bu haber 2.059 kez okundu.", "İmtiyaz Sahibi: Ali Veli",
        "Anasayfa » Güncel", "3 dk okuma", "DOLAR 32,5 EURO 35,1", "Sitemizde çerezler kullanılmaktadır",
        "Haberlerin izin alınmadan kullanılması yasaktır.", "KVKK kapsamında aydınlatma metni",
        "Subscribe now to our e-edition for the full story.", "Sign up for our newsletter",
        "Mit unserem Newsletter erhalten Sie monatlich Informationen", "Anzeige, enthält Affiliate Links",
        "Follow The Gleaner on Twitter and Instagram", "For the latest stories download the Nationnews apps",
        "All rights reserved.", "Verraten Sie gerne in den Kommentaren", "Click here to read", "Hier geht es zur Seite",
        "Inhalt von YouTube wird nicht geladen. Klicken Sie hier, um den Inhalt von YouTube zu laden.",
    ]
    rules = default_rules()
    for pattern in rules.patterns:
        keys = required_keys(pattern.pattern)
        assert keys, pattern.pattern
        for text in map(flat, samples):
            if pattern.search(text):
                assert any(key in text for key in keys), (pattern.pattern, text)


def test_the_keyed_search_finds_what_every_pattern_finds():
    rules = default_rules()
    matcher = rules.matcher()
    texts = ["Tüm hakları saklıdır.", "DOLAR 32,5 EURO 35,1 ALTIN 2.400", "Sign up today!", "The council met.",
             "Netflix added 5.9 million subscribers in the third quarter.", "© Getty Images", "Anasayfa / Spor",
             # keys held by shorter keys ("our newsletter", "newsletter ") are tested through those
             "Read our newsletter every Friday", "Zum Newsletter anmelden", "Newsletter abonnieren",
             "The newsletter, which has 40,000 readers, published the memo."]
    for text in texts:
        folded = flat(text)
        brute = any(re.search(p.pattern, folded) for p in rules.patterns)
        assert (matcher.notice(text) == "pattern") == brute, text
