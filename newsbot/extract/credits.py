"""Agency and editor credits read from the whole article area (newsbot/data/fields.toml, [credit]), not
only from what main-text extraction kept: "HABER KAYNAĞI : AA" trailers, `Kaynak: İHA` in the byline line
above the body, `<b>Kaynak:</b> DHA` inside it, a byline box "AA | Ankara", and the dateline that opens
the article ("KAYSERİ (DHA) –").

Precision: only a value that is a whole agency name (newsbot/data/agencies.toml) is an agency, so
"Kaynak: TÜİK" or "Kaynak: Hürriyet" (another outlet) credit nothing; a label after a picture word
("Fotoğraf kaynağı: AA", "Görsel: DHA") credits a picture and is not read; captions, figures and boxes of
other stories give no lines at all (see page_area). A credit naming the site itself ("Haber Kaynağı: Anka
Postası" on ankapostasi.com, its og:site_name, its <title> suffix or its host) is the site's own report, not
an agency, even when its first word is an agency's name: see `SiteNames`."""

from __future__ import annotations

import ipaddress
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from newsbot.extract.agencies import agency_code
from newsbot.extract.field_rules import FieldRules, field_rules
from newsbot.extract.page_area import Line, PageArea
from newsbot.text import fold_chars, normalize_space, same_text, words

# Where a credit's value ends: a list separator, a bracket, a spaced dash, or a date.
_VALUE_END = re.compile(r"\s*(?:[|•·,;()\[\]]|\s[-–—]\s|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}:\d{2})")
# A dateline opens a story: a place (one to four words, no digits), the agency in brackets or after a slash,
# then a dash or colon, in any case and with any dash: "KAYSERİ (DHA) –", "DÜZCE, (DHA) -", "Kocaeli / İHA -",
# "KOCAELİ/GEBZE (İHA) -". Only there: a bracket elsewhere ("Anadolu Ajansı (AA) muhabirine") credits nothing.
_DATELINE = re.compile(
    r"^\s*[^\W\d_]+(?:[ ,./]+[^\W\d_]+){0,3}\s*,?\s*"
    r"(?:\((?P<bracket>[^()]{2,40})\)|/\s*(?P<slash>[^\W\d_][^()/\-–—:]{0,38}?))\s*[-–—:]")
# The dateline is looked for in the first line of prose after the headline (at least this many words):
# only there, since the next prose line may already be a side column's teaser of another agency's story
# (a spot before the body is covered by the extracted body's first paragraph, see article._agency).
_PROSE_WORDS = 8
_DATELINE_LINES = 1
_BYLINE_SPLIT = re.compile(r"\s*(?:[|/,•·]|\s[-–—]\s)\s*")
# A <title> suffix that names the site: "Headline - Site", "Headline | Site".
_TITLE_SUFFIX = re.compile(r"\s+[-|–—]\s+([^-|–—]{3,60})$")
_ASCII = str.maketrans("çğıöşüâîû", "cgiosuaiu")
# Host labels that are no brand: "www.x.com.tr" names the site by "x".
_HOST_NOISE = frozenset({"www", "m", "mobile", "amp", "com", "net", "org", "gov", "edu", "info", "biz", "tv",
                         "tr", "gen", "web", "bel", "k12"})
# A brand shorter than this (letters) is matched whole only: "aa" must not prefix-match "aanews".
_MIN_PREFIX = 5


def _compact(text: str) -> str:
    """Letters and digits only, Turkish-folded to ASCII: "Yeşilırmak Haber" and "yesilirmakhaber.com" meet."""
    return re.sub(r"[^a-z0-9]", "", fold_chars(text).translate(_ASCII))


@dataclass(frozen=True)
class SiteNames:
    """The names a page gives its own site (og:site_name, JSON-LD publisher, the <title> suffix) and its
    host's brand label, compacted (see `_compact`)."""

    keys: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: list[str] = (), title: str = "", url: str = "") -> SiteNames:
        found = [*names]
        suffix = _TITLE_SUFFIX.search(normalize_space(title))
        if suffix:
            found.append(suffix.group(1))
        found += host_brands(url)
        return cls(frozenset(k for k in (_compact(n) for n in found) if len(k) >= 3))

    def named_by(self, value: str) -> bool:
        """The credited value names this site: the same compacted name, or one starting with it
        ("Yeşilırmak Haber" on yesilirmak.example, "anadoluyerelhaber.com")."""
        got = _compact(value)
        if len(got) < 3:
            return False
        return any(got == key or (len(key) >= _MIN_PREFIX and got.startswith(key)) for key in self.keys)


def host_brands(url: str) -> list[str]:
    """The brand label(s) of a URL's host: "https://www.anadoluyerelhaber.com.tr/x" → ["anadoluyerelhaber"];
    none for an IP address (a test server on 127.0.0.1 has no brand)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return []
    try:
        ipaddress.ip_address(host)
        return []
    except ValueError:
        pass
    labels = [label for label in host.split(".") if label and label not in _HOST_NOISE]
    return labels[:-1] if len(labels) > 1 else labels  # the last is a TLD this list does not know (.example)


@dataclass
class Credits:
    agency: str | None = None
    editor: str | None = None
    own_credit: str | None = None  # a label credit naming the site itself ("Haber Kaynağı: <site>")


@lru_cache(maxsize=4)
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    """A label (folded, longest first) as a whole word, then a colon; or at the start of a line, any
    separator or none ("HABER KAYNAĞI AA")."""
    alt = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in labels)
    return re.compile(rf"(?:(?<![\w])(?P<mid>{alt})\s*[:：]\s*|^\s*(?P<start>{alt})\s*[:：\-–—|]?\s*)")


def _picture_credit(folded_line: str, label_start: int, rules: FieldRules) -> bool:
    """The label follows a picture word ("Fotoğraf kaynağı: AA", "Görsel kaynak: DHA")."""
    return folded_line[:label_start].rstrip(" :-(").endswith(rules.picture_words)


def _labelled(line: Line, labels: tuple[str, ...], rules: FieldRules) -> list[str]:
    """Values after a label in a line, in order; a line may hold several ("Kaynak: İHA Editör: X")."""
    folded = fold_chars(line.text)
    pattern = _label_pattern(labels)
    every = _label_pattern(rules.agency_labels + rules.editor_labels + rules.picture_words)
    values = []
    for match in pattern.finditer(folded):
        if match.group("start") is not None and len(words(line.text)) > 6:
            continue  # "Haber ajansı muhabirleri …": a sentence, not a credit without a colon
        if _picture_credit(folded, match.start(), rules):
            continue
        rest = line.text[match.end():]
        nxt = every.search(fold_chars(rest), 1)
        if nxt:
            rest = rest[: nxt.start()]
        end = _VALUE_END.search(rest)
        value = normalize_space(rest[: end.start()] if end else rest).strip(" .:-–—")
        if value:
            values.append(value)
    return values


def _agency_of(value: str, site: SiteNames = SiteNames()) -> str | None:
    """An agency code when the value is an agency name, or starts with one ("DHA Kayseri", "AA Ankara")
    and does not name the site itself ("Anka Postası" on ankapostasi.com is no ANKA credit)."""
    code = agency_code(value)
    if code or site.named_by(value):
        return code
    first = value.split()[0] if value.split() else ""
    return agency_code(first) if first and first != value else None


def _editor_of(value: str, rules: FieldRules) -> str | None:
    count = len(words(value))
    return value if 0 < count <= rules.max_editor_words and re.search(r"[^\W\d_]", value) else None


def find_credits(area: PageArea, rules: FieldRules | None = None, site: SiteNames = SiteNames(),
                 title: str = "", lead: str = "") -> Credits:
    """The first agency credit by label, else by byline box, else by dateline (see `dateline_agency`: the
    headline and lead say where the story's text starts); the first editor credit. A label credit naming
    the site itself is recorded (`own_credit`) and credits no agency."""
    rules = rules or field_rules()
    found = Credits()
    byline: str | None = None
    every = _label_pattern(rules.agency_labels + rules.editor_labels + rules.picture_words)
    for line in area.lines:
        if line.linked:
            continue
        # Most lines hold no label of any kind: one search of the folded line rules out both kinds of credit.
        labelled = every.search(fold_chars(line.text)) is not None
        if found.agency is None and labelled:
            for value in _labelled(line, rules.agency_labels, rules):
                code = _agency_of(value, site)
                if code:
                    found.agency = code
                    break
                if found.own_credit is None and site.named_by(value):
                    found.own_credit = value
        if found.editor is None and labelled:
            for value in _labelled(line, rules.editor_labels, rules):
                found.editor = _editor_of(value, rules)
                if found.editor:
                    break
        if byline is None and line.classes & rules.byline_class_words and len(line.text) <= 80:
            byline = _agency_of(_BYLINE_SPLIT.split(line.text)[0], site)
    if found.own_credit is not None:
        return found  # the page names itself as the source: a byline or dateline of it is no agency's
    if found.agency is None and byline:
        found.agency = byline
    if found.agency is None:
        code = dateline_agency(area, title, lead)
        if code:
            found.agency = code
    return found


def dateline_agency(area: PageArea, title: str = "", lead: str = "") -> str | None:
    """The agency of a dateline opening the first prose line after the headline, the lead (a spot shown
    above the text) not counted. A page without <h1> (a table layout) shows its headline as a line of its
    own: the lines after the one that reads as the title."""
    lines = area.lines
    if not area.title_found and title:
        at = next((i for i, ln in enumerate(lines) if same_text(ln.text, title)), None)
        lines = lines[at + 1:] if at is not None else lines
    prose = (ln for ln in lines if (ln.after_title or not area.title_found) and not ln.linked
             and _letter_words(ln.text) >= _PROSE_WORDS and not same_text(ln.text, lead))  # lazily: only the first
    for line in itertools.islice(prose, _DATELINE_LINES):
        code = dateline_code(line.text)
        if code:
            return code
    return None


def _letter_words(text: str) -> int:
    # Numbers are no prose: a date line "02.12.2026 - 16:10 | Okunma: 2.871 | Yorum: 2" has ten words.
    return sum(1 for word in words(text) if not word.isdigit())


def dateline_code(text: str) -> str | None:
    """The agency of the dateline that opens `text` ("SAKARYA (İHA) – Kent…" → "İHA"), if any."""
    match = _DATELINE.match(text)
    return agency_code(match.group("bracket") or match.group("slash")) if match else None
