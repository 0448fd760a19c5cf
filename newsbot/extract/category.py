"""The article's section when structured data does not name one (newsbot/data/fields.toml, [category]):
a breadcrumb (BreadcrumbList JSON-LD or microdata, a breadcrumb element, a text line "Anasayfa » Güncel"),
then a section label just above the headline that is one of the site's own menu links, then the URL's
path segment matched against the site's own menu links ("/asayis/…" and a menu link "/asayis/" named
"ASAYİŞ"). Names come back as the site writes them in its menu, title-cased when all upper case."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from newsbot.article_urls import list_segments, same_site_path
from newsbot.extract.dom import string_of, text_of
from newsbot.extract.field_rules import FieldRules, field_rules
from newsbot.extract.page_area import PageArea, class_words
from newsbot.extract.structured import ld_objects
from newsbot.text import fold, normalize_space, same_text, words

# How many elements before the headline may hold its section label.
_LABEL_REACH = 3


def find_category(root: lxml.html.HtmlElement, area: PageArea, url: str, title: str,
                  rules: FieldRules | None = None) -> str | None:
    rules = rules or field_rules()
    for crumbs in (_ld_breadcrumb(root), _microdata_breadcrumb(root), _element_breadcrumb(root, rules),
                   _text_breadcrumb(area, rules)):
        name = _section_of(crumbs, title, rules)
        if name:
            return _display(name, _menu(root, url, rules) if name.isupper() else {})
    menu = _menu(root, url, rules)  # only now: reading every link of the page costs more than the rest
    return _label(root, menu, rules) or _from_path(url, menu) or _highlighted(root, menu, rules)


def _section_of(crumbs: list[str], title: str, rules: FieldRules) -> str | None:
    """The last crumb that is neither home nor the headline."""
    kept = [c for c in crumbs if c and fold(c) not in rules.home_words and not same_text(c, title)
            and not (title and fold(title).startswith(fold(c)) and len(words(c)) > rules.category_max_words)]
    kept = [c for c in kept if 0 < len(words(c)) <= rules.category_max_words]
    return kept[-1] if kept else None


def _ld_breadcrumb(root: lxml.html.HtmlElement) -> list[str]:
    for obj in ld_objects(root, {"breadcrumblist"}):
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        ordered = sorted((i for i in items if isinstance(i, dict)), key=lambda i: _position(i.get("position")))
        names = []
        for item in ordered:
            name = item.get("name")
            inner = item.get("item")
            if not isinstance(name, str) and isinstance(inner, dict):
                name = inner.get("name")
            if isinstance(name, str):
                names.append(" ".join(name.split()))
        if names:
            return names
    return []


def _position(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


_MICRODATA = lxml.etree.XPath("//*[contains(translate(@itemtype,'BREADCUMLIST','breadcumlist'),'breadcrumblist')]")
_NAMED = lxml.etree.XPath("//*[@class or @id or @aria-label]")  # the only elements a breadcrumb test can match


def _microdata_breadcrumb(root: lxml.html.HtmlElement) -> list[str]:
    for el in _MICRODATA(root):
        return [text_of(n) for n in el.iter() if isinstance(n.tag, str) and n.get("itemprop") == "name"]
    return []


def _split(text: str, rules: FieldRules) -> list[str]:
    pattern = "|".join(re.escape(s) for s in rules.breadcrumb_separators)
    return [" ".join(part.split()) for part in re.split(rf"\s*(?:{pattern})\s*", text)]


def _element_breadcrumb(root: lxml.html.HtmlElement, rules: FieldRules) -> list[str]:
    for el in _NAMED(root):
        label = fold(el.get("aria-label") or "")
        if class_words(el) & rules.breadcrumb_class_words or "breadcrumb" in label:
            return _crumb_items(el, rules)
    return []


def _crumb_items(el: lxml.html.HtmlElement, rules: FieldRules) -> list[str]:
    """A breadcrumb's items in order, read from its markup: each link or list item is one item, and text
    outside them is split at the separators (the current page is often plain text, not a link). The text of
    the whole element is not split: items shown side by side by CSS ("<li>Ana Sayfa</li><li>Ekonomi</li>")
    join in it without a separator ("Ana Sayfa Ekonomi")."""
    items: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if node.tag in ("a", "li") and next(node.iterdescendants("a", "li"), None) is None:  # an innermost item
            items.append(text_of(node))
        else:
            if node.text:
                items.extend(_split(node.text, rules))
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                if child.tail:
                    items.extend(_split(child.tail, rules))

    walk(el)
    return [item for item in items if item]


def _text_breadcrumb(area: PageArea, rules: FieldRules) -> list[str]:
    """A line like "Anasayfa > Yerel" or "Anasayfa » Ekonomi » <headline>": home first, at most three
    sections after it (a menu row is longer)."""
    for line in area.lines:
        parts = _split(line.text, rules)
        if 2 <= len(parts) <= 4 and fold(parts[0]) in rules.home_words:
            return parts
    return []


def _menu(root: lxml.html.HtmlElement, url: str, rules: FieldRules) -> dict[str, tuple[str, str]]:
    """The site's section links: folded name → (the name as shown, the link's path). A section link is a
    same-site link of one path segment, or two with a list word first ("/kategori/ekonomi/")."""
    menu: dict[str, tuple[str, str]] = {}
    for a in root.iter("a"):
        href = a.get("href")
        name = normalize_space(string_of(a))  # a link's text: no line structure needed
        if not href or not name or len(words(name)) > rules.category_max_words:
            continue
        path = same_site_path(url, href)
        if path is None:
            continue
        segs = [s for s in path.split("/") if s]
        if len(segs) == 2 and fold(segs[0]) in list_segments():
            segs = segs[1:]
        if len(segs) != 1 or fold(name) in rules.home_words:
            continue
        key = fold(name)
        shown = menu.get(key, (name, ""))[0]
        if shown.isupper() and not name.isupper():
            shown = name  # the mixed-case spelling of the same section
        menu[key] = (shown, segs[0].rsplit(".", 1)[0])
    return menu


def _display(name: str, menu: dict[str, tuple[str, str]]) -> str:
    shown = menu.get(fold(name), (name, ""))[0]
    if shown.isupper():
        # "ASAYİŞ" → "Asayiş", Turkish-aware: only the first letter of each word stays upper case.
        shown = " ".join(w[:1] + fold(w[1:]) for w in shown.split())
    return shown


def _label(root: lxml.html.HtmlElement, menu: dict[str, tuple[str, str]], rules: FieldRules) -> str | None:
    """A short element just before the headline whose text is one of the site's menu sections."""
    h1 = next(root.iter("h1"), None)
    if h1 is None or not menu:
        return None
    candidates = list(h1.itersiblings(preceding=True))[:_LABEL_REACH]
    parent = h1.getparent()
    if parent is not None:
        candidates += list(parent.itersiblings(preceding=True))[:_LABEL_REACH]
    for el in candidates:
        if not isinstance(el.tag, str):
            continue
        text = text_of(el)
        if text and len(words(text)) <= rules.category_max_words and fold(text) in menu:
            return _display(text, menu)
    return None


_MARKED = lxml.etree.XPath("//*[@class or @id or @aria-current]")
_CAMEL = re.compile(r"(?<=[a-zçğıöşü])(?=[A-ZÇĞİÖŞÜ])")  # "menuAktif" → "menu Aktif"
_CLASS_SPLIT = re.compile(r"[\s_\-]+")


def _highlighted(root: lxml.html.HtmlElement, menu: dict[str, tuple[str, str]], rules: FieldRules) -> str | None:
    """The menu section the page highlights as its own ("<li class="aktif"><a>Asayiş</a>", "<td
    class="menuAktif">", aria-current): an element so marked holding one link, named like one of the site's
    section links. Home items are no section (the menu has none), so a menu that highlights "Anasayfa" on
    every page gives nothing."""
    if not menu:
        return None
    for el in _MARKED(root):
        raw = _CAMEL.sub(" ", f"{el.get('class') or ''} {el.get('id') or ''}")
        marked = {fold(w) for w in _CLASS_SPLIT.split(raw) if w} & rules.active_class_words
        if not marked and el.get("aria-current") not in ("page", "true"):
            continue
        links = [el] if el.tag == "a" else list(el.iter("a"))
        if len(links) == 1:
            name = normalize_space(string_of(links[0]))
            if fold(name) in menu:
                return _display(name, menu)
    return None


def _from_path(url: str, menu: dict[str, tuple[str, str]]) -> str | None:
    """The article's first path segment when a menu link names exactly that section."""
    segs = [s for s in urlsplit(url).path.split("/") if s]
    if len(segs) < 2:
        return None
    for name, seg in menu.values():
        if seg and fold(seg) == fold(segs[0]):
            return _display(name, menu)
    return None
