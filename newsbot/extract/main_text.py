"""trafilatura's main text of a page newsbot has already parsed, through trafilatura's public API only.

`trafilatura.extract` accepts an lxml tree and works on its own copy of it, so the caller's tree is left
as it was (the date and field readers use it afterwards) and the page is not serialised and parsed again.

Until issue 14 this module re-ran trafilatura 2.3.1's internal cascade through ~15 private names from 9 of
its modules, skipping steps a cheap test showed could not change the result. Its output was identical to
this call on all 1,301 pages measured (990 + 11 corpus pages, 300 bench-site pages) and it cost about a
third of the CPU, but any trafilatura release could break it or silently change what it extracts; the
public call follows trafilatura wherever it goes (see BENCHMARKS.md for the cost)."""

from __future__ import annotations

import lxml.html
import trafilatura


def main_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text as its own evaluation scores it: comments off, tables in ("" when it finds
    none). deduplicate stays off: it drops repeated agency paragraphs and is not deterministic. The options
    are spelled out because `extract`'s default keeps comments."""
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True, deduplicate=False)
    return text or ""
