"""Entry point of extraction: page bytes + URL (+ source config) → article fields.

Per field, the first layer that gives a value wins: the source config's CSS selectors (site knowledge
kept as data in newsbot/sources/*.toml), JSON-LD NewsArticle, meta tags (OpenGraph, article:*, name=…),
trafilatura for the body, and the page's visible date line when structured data lacks the time; a page with
no date in any of these gets htmldate's day (URL, other markup), as trafilatura does."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from newsbot.extract.agencies import agency_code
from newsbot.extract.body import (
    drop_other_columns,
    restore_subheads,
    selector_body,
    split_lead,
    text_paragraphs,
    trafilatura_body,
    word_count,
)
from newsbot.extract.category import find_category
from newsbot.extract.charset import decode_html, repair_text
from newsbot.extract.credits import SiteNames, dateline_code, find_credits
from newsbot.extract.dates import When, best_published, page_date, parse_date_line, parse_structured
from newsbot.extract.dom import drop, lines_of, markup_lines, parse_html, select_first, string_of, text_of
from newsbot.extract.page_area import read_area
from newsbot.extract.page_kind import page_kind
from newsbot.extract.site_template import SITE_TEMPLATES, SiteTemplates
from newsbot.extract.standfirst import standfirst
from newsbot.extract.structure import repair as repair_structure
from newsbot.extract.structured import Structured, keywords, names, read_structured
from newsbot.sources import SourceConfig, source_for_url
from newsbot.text import normalize_space, words

# A configured body with fewer words than this is taken as a selector miss (layout changed).
MIN_SELECTOR_WORDS = 15
_SUFFIX_SEP = r"\s+[-|–—:]\s+"
# Elements that usually hold the visible date line when no selector is configured: <time>, itemprop
# dates, and class/id names containing these words (Turkish: tarih = date, zaman = time).
_CLASS_ID = "translate(concat(@class,' ',@id),'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
_DATE_XPATH = (
    "//time | //*[@itemprop='datePublished' or @itemprop='dateModified'] | //*["
    + " or ".join(f"contains({_CLASS_ID},'{word}')" for word in ("date", "tarih", "zaman", "time"))
    + "]"
)
_DATE_ELEMENTS = lxml.etree.XPath(_DATE_XPATH)  # compiled once
# The summary box ("spot" in Turkish newsrooms, "özet" = summary) when no description meta exists.
# Lower-case class/id only: translate() over every element cost ~16 ms a page.
_SPOT_ELEMENTS = lxml.etree.XPath("//body//*[" + " or ".join(
    f"contains(@class,'{word}') or contains(@id,'{word}')"
    for word in ("spot", "ozet", "summary", "standfirst", "excerpt")) + "]")
MIN_SPOT_WORDS, MAX_SPOT_WORDS = 8, 80
# A date line standing alone (no date-named class, e.g. in a table layout): short text lines are read.
DATE_LINE_MAX_WORDS, DATE_LINE_SCAN = 8, 300
_TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}\b")  # only a line with a time can give one (dateparser is slow)


def extract_article(
    body: bytes, url: str, config: SourceConfig | None = None, content_type: str | None = None,
    templates: SiteTemplates | None = SITE_TEMPLATES,
) -> dict:
    """Return article fields: title, lead, body (list of paragraphs), published_at, updated_at,
    category, tags, authors, editor, agency, language, canonical_url, and page_kind (None for an article;
    "soft_404", "listing", "gallery" or "video" otherwise). Missing values are None / empty. `template` says
    how the site's learned template served the body (site_template.py: "hit", "check", "mismatch", "learned", or None);
    `templates=None` always runs the general extractor."""
    if config is None or not config.selectors:
        # No config, or an ad-hoc one without selectors (`scrapy crawl news -a url=…`): a config whose
        # domains cover the URL's host supplies the site's selectors.
        by_host = source_for_url(url)
        selectors: dict = dict(by_host.selectors) if by_host else {}
        config = config or by_host
    else:
        selectors = dict(config.selectors)
    root = parse_html(decode_html(body, content_type))
    drop(root, selectors.get("drop"))  # before anything else: dropped chrome must not feed any field
    # lxml makes a Python proxy for each element a walk visits and frees it after; the walks below (page
    # area, structure repairs, template, page kind) would each make ~1,000 again. Made once, kept to the end.
    _proxies = list(root.iter())
    st = read_structured(root)
    area = read_area(root)  # the whole page's text, read before main-text extraction touches the tree
    site_names = _site_names(st)
    title_element = root.find(".//title")
    own_site = SiteNames.of(site_names, string_of(title_element) if title_element is not None else "", url)
    repair_structure(root)  # layout tables, polls, related boxes, glued inline text (extract/structure.py)

    title = repair_text(_title(root, st, selectors, site_names))
    lead = repair_text(_lead(root, st, selectors, site_names))
    # From the area read above (the tree as served); a credit naming the site itself is no agency.
    credits = find_credits(area, site=own_site, title=title, lead=lead)
    page_words = sum(len(line.text.split()) for line in area.lines)
    raw_body, template_event = _body(root, st, selectors, url, templates, page_words)
    paragraphs = [p for p in (repair_text(p) for p in raw_body) if p]
    if not selectors.get("body") and not selectors.get("lead"):
        # The summary shown under the headline, outside the text container (extract/standfirst.py): first in
        # the body, so split_lead makes it the lead when the description is (a cut-short copy of) it, or
        # when the page has no description at all.
        shown = [repair_text(p) for p in standfirst(root, title, paragraphs)]
        lead = lead or (shown[0] if shown else "")
        paragraphs = shown + paragraphs
    paragraphs, lead = split_lead(paragraphs, lead, title)
    if words(lead) == words(title):
        lead = ""  # a description that only repeats the headline (Hürriyet 2016) is no lead
    published, updated = _dates(root, st, selectors)
    authors = _authors(root, st, selectors)
    fields = {
        "title": title,
        "lead": lead,
        "body": paragraphs,
        "published_at": published.iso() if published else None,
        "updated_at": updated.iso() if updated else None,
        "category": _category(root, st, selectors) or find_category(root, area, url, title),
        "tags": _tags(root, st, selectors),
        "authors": authors,
        "agency": _agency(st, authors, [lead, *paragraphs[:2]], config, credits.agency),
        "editor": credits.editor,
        "language": _language(st, config),
        "canonical_url": urljoin(url, st.canonical) if st.canonical else (st.first("og:url") or url),
        "template": template_event,
    }
    # Not an article (soft 404, listing, text-less gallery): the spider skips it, counted by this reason.
    fields["page_kind"] = page_kind(root, st, url, title, paragraphs, area=area)
    if not fields["published_at"]:
        # Last: htmldate may clean the tree, and every other field has been read from it by now.
        fields["published_at"] = page_date(root, url)
    return fields


def _selected_text(root: lxml.html.HtmlElement, selectors: dict, key: str) -> str:
    found = select_first(root, selectors.get(key))
    return text_of(found[0]) if found else ""


def _ld_str(st: Structured, key: str) -> str:
    value = st.ld(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return normalize_space(value) if isinstance(value, str) else ""


def _site_names(st: Structured) -> list[str]:
    found = [st.first("og:site_name") or "", *names(st.ld("publisher"))]
    return [n for n in dict.fromkeys(found) if n]


def _strip_suffix(text: str, site_names: list[str], headings: list[str] = ()) -> str:
    """Cut a " - Site" / " | Section Haberleri" suffix or a "Site - " prefix: a site name, or whatever
    follows or precedes one of the page's own headings (Habertürk's og:title is its h1 plus " - Güncel
    haberler"; an old CMS writes "KÖRFEZ SES - <h1>")."""
    text = normalize_space(text.replace("\ufeff", ""))
    for heading in headings:
        if heading and text != heading and text.startswith(heading):
            if re.match(_SUFFIX_SEP + r"\S", text[len(heading):]):
                return heading
        if heading and text != heading and text.endswith(heading):
            cut = text[: -len(heading)]
            # Longer than what it cuts: an <h1> that is the site's logo ("… | EnBW") is no headline.
            if re.search(r"\S" + _SUFFIX_SEP + "$", cut) and len(words(heading)) > len(words(cut)):
                return heading
    for name in site_names:
        text = re.sub(_SUFFIX_SEP + re.escape(name) + r"\s*$", "", text)
        prefix = re.match(r"\s*" + re.escape(name) + _SUFFIX_SEP, text)
        if prefix and len(words(text[prefix.end():])) > len(words(name)):  # og:site_name may be a headline
            text = text[prefix.end():]
    return text


def _title(root: lxml.html.HtmlElement, st: Structured, selectors: dict, site_names: list[str]) -> str:
    chosen = _selected_text(root, selectors, "title")
    if chosen:
        return chosen
    h1s = [text_of(h) for h in root.iter("h1")]
    candidates = [_ld_str(st, "headline"), st.first("og:title", "twitter:title"), *h1s[:1]]
    for cand in candidates:
        if cand:
            return _strip_suffix(cand, site_names, h1s)
    return _title_element(root, site_names)


def _title_element(root: lxml.html.HtmlElement, site_names: list[str]) -> str:
    """The <title> (its text: text_of skips <title> as chrome) without a " - Site" suffix: a page with no
    headline markup (a legacy table layout) still shows the headline as a bold line, which names the part
    of the <title> to keep."""
    element = root.find(".//title")
    full = normalize_space(string_of(element)) if element is not None else ""
    if not full or not re.search(_SUFFIX_SEP, full):
        return full
    body = root.find("body")
    shown = {normalize_space(string_of(el)) for el in body.iter("b", "strong", "font", "h2", "h3", "h4", "span",
                                                                "div", "td", "p")
             } if body is not None else set()
    # The headline is the longest part of the <title> the page shows: its start ("Headline - Site") or, on
    # sites that put their name first ("KÖRFEZ SES - Headline"), its end. An end counts only when it is longer
    # than what it cuts: a site's name or section ("… | EnBW", "… - News") is shown in its logo or menu too.
    seps = list(re.finditer(_SUFFIX_SEP, full))
    parts = [full[: sep.start()] for sep in seps]
    parts += [full[sep.end():] for sep in seps if len(words(full[sep.end():])) > len(words(full[: sep.start()]))]
    shown_parts = [part for part in parts if part in shown]
    return max(shown_parts, key=len) if shown_parts else _strip_suffix(full, site_names)


def _lead(root: lxml.html.HtmlElement, st: Structured, selectors: dict, site_names: list[str]) -> str:
    chosen = _selected_text(root, selectors, "lead")
    if chosen:
        return chosen
    cand = _ld_str(st, "description") or st.first("og:description", "description", "twitter:description") or ""
    cand = " ".join(markup_lines(cand))  # a description written as HTML ("<p><strong>…"): its text
    return _strip_suffix(cand, site_names) or _spot(root)


def _spot(root: lxml.html.HtmlElement) -> str:
    """Without a description in the markup: the page's summary box (class/id "spot", "özet", "summary"…),
    when it holds a sentence or more."""
    for el in _SPOT_ELEMENTS(root):
        text = text_of(el)
        if MIN_SPOT_WORDS <= len(text.split()) <= MAX_SPOT_WORDS:
            return text
    return ""


def _body(root: lxml.html.HtmlElement, st: Structured, selectors: dict, url: str, templates: SiteTemplates | None,
          page_words: int) -> tuple[list[str], str | None]:
    """The body paragraphs, and what the site's learned template did (None: not used)."""
    paragraphs: list[str] = []
    event = None
    if selectors.get("body"):
        paragraphs = selector_body(root, selectors["body"])
    if word_count(paragraphs) < MIN_SELECTOR_WORDS:
        def general() -> list[str]:
            return drop_other_columns(root, restore_subheads(root, trafilatura_body(root, url)))
        paragraphs, event = templates.body(root, url, page_words, general) if templates else (general(), None)
    # JSON-LD articleBody is a last resort: it is often a summary (AA 2026) or loses quotes (Hürriyet).
    # Read before spaces are normalised: its line breaks (or its HTML blocks) are the paragraph boundaries.
    raw = st.ld("articleBody")
    raw = next((v for v in raw if isinstance(v, str) and v.strip()), None) if isinstance(raw, list) else raw
    ld_body = text_paragraphs(raw) if isinstance(raw, str) else []
    if word_count(paragraphs) < word_count(ld_body) / 2:
        paragraphs = ld_body
    return paragraphs, event


def _visible_date(root: lxml.html.HtmlElement, selectors: dict) -> tuple[When | None, When | None]:
    """(published, updated) from the configured date selectors, else from the first date-like element
    that parses (a timed one preferred)."""
    configured = select_first(root, selectors.get("date"))
    if configured:
        return parse_date_line(text_of(configured[0]))
    fallback: tuple[When | None, When | None] = (None, None)
    for el in _DATE_ELEMENTS(root):
        text = text_of(el)
        found = parse_structured(el.get("datetime")) if el.get("datetime") else None
        pair = (found, None) if found else (parse_date_line(text) if len(text) <= 120 else (None, None))
        if pair[0] and pair[0].has_time:
            return pair
        if pair[0] and not fallback[0]:
            fallback = pair
    if fallback[0] is None:
        body = root.find("body")
        for line in lines_of(body)[:DATE_LINE_SCAN] if body is not None else ():
            if len(line.split()) <= DATE_LINE_MAX_WORDS and _TIME_OF_DAY.search(line):
                pair = parse_date_line(line)
                if pair[0] and pair[0].has_time:
                    return pair
    return fallback


def _dates(root: lxml.html.HtmlElement, st: Structured, selectors: dict) -> tuple[When | None, When | None]:
    structured = [parse_structured(v) for v in (
        st.ld("datePublished"), st.first("article:published_time"), st.first("datepublished"),
        st.ld("dateCreated"), st.first("og:published_time", "pubdate", "publish-date"),
    )]
    modified = [parse_structured(v) for v in (
        st.ld("dateModified"), st.first("article:modified_time"), st.first("datemodified"),
        st.first("og:updated_time"),
    )]
    need_visible = not any(w and w.has_time for w in structured) or selectors.get("updated")
    visible_pub, visible_upd = _visible_date(root, selectors) if need_visible else (None, None)
    if selectors.get("updated"):
        upd = select_first(root, selectors["updated"])
        if upd:
            visible_upd = parse_date_line(text_of(upd[0]))[0] or visible_upd
    updated = best_published(modified, visible_upd)
    return best_published(structured, visible_pub), updated


def _category(root: lxml.html.HtmlElement, st: Structured, selectors: dict) -> str | None:
    return (_selected_text(root, selectors, "category") or _ld_str(st, "articleSection")
            or st.first("article:section") or None)


def _tags(root: lxml.html.HtmlElement, st: Structured, selectors: dict) -> list[str]:
    chosen = [text_of(el) for el in select_first(root, selectors.get("tags"))]
    if chosen:
        return list(dict.fromkeys(chosen))
    return (keywords(st.all("article:tag")) or keywords(st.ld("keywords")) or keywords(st.first("news_keywords"))
            or keywords(st.first("keywords")))


def _authors(root: lxml.html.HtmlElement, st: Structured, selectors: dict) -> list[str]:
    chosen = [text_of(el).strip(" |,") for el in select_first(root, selectors.get("authors"))]
    if any(chosen):
        return [a for a in dict.fromkeys(chosen) if a]
    ld_authors = st.ld("author")
    people = names([a for a in (ld_authors if isinstance(ld_authors, list) else [ld_authors])
                    if not isinstance(a, dict) or "organization" not in str(a.get("@type", "")).lower()])
    return (people or names(st.first("articleauthor")) or names(st.first("author"))
            or names(ld_authors))


def _agency(st: Structured, authors: list[str], paragraphs: list[str], config: SourceConfig | None,
            page_credit: str | None = None) -> str | None:
    """The agency a page credits (author / publisher / articleAuthor), else a credit anywhere in the
    article area (trailer, label, byline, dateline: newsbot/extract/credits.py), else a "CITY, (DHA)-"
    dateline at the start of the body, else the source's own agency (AA for aa.com.tr)."""
    credited = [st.first("articleauthor"), *names(st.ld("author")), *names(st.ld("publisher")),
                st.first("author"), *authors]
    for name in credited:
        code = agency_code(name)
        if code:
            return code
    if page_credit:
        return page_credit
    for opening in paragraphs:  # the lead and the first two body paragraphs (a label may come first)
        code = dateline_code(opening)
        if code:
            return code
    return config.agency if config and config.agency else None


def _language(st: Structured, config: SourceConfig | None) -> str | None:
    raw = _ld_str(st, "inLanguage") or st.html_lang or st.first("content-language", "og:locale")
    if raw:
        return re.split(r"[-_]", raw.strip())[0].lower() or None
    return config.language if config else None
