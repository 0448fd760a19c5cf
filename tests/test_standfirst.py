"""The visible standfirst (newsbot/extract/standfirst.py): a summary shown between the headline and the body,
outside the container main-text extraction keeps, is in `text` — on two templates (an intro box in a
WordPress-like article header, an <h2> deck in an <hgroup>) — while captions, bylines and side boxes there
stay out."""

from __future__ import annotations

from newsbot.extract import extract_article
from newsbot.extract.body import article_text
from newsbot.extract.dom import parse_html
from newsbot.extract.standfirst import standfirst

URL = "https://example.org/news/2020/05/03/floods-close-the-river-road"
BODY = "".join(f"<p>Paragraph {i} of the story tells what happened at the river on Sunday, in words long "
               f"enough to be prose number {i}.</p>" for i in range(1, 7))
INTRO = "The river road stays closed until Friday after two days of heavy rain flooded the valley."
CAPTION = "The flooded road near the old mill, seen from the bridge on Sunday morning (Photo: Ann Smith)"
DESCRIPTION = "Read the latest on the floods and more local news on Example News today."


def _intro_page(description: str) -> bytes:
    return ("<html><head><title>Floods close the river road - Example News</title>"
            f"<meta name='description' content='{description}'></head><body>"
            "<nav><a href=/>Home</a> <a href=/local>Local</a></nav>"
            "<article><header><h1>Floods close the river road</h1><div class='meta'>By Ann Smith, 3 May 2020</div>"
            f"<div class='entry-intro'><p>{INTRO}</p></div>"
            f"<div class='pic'><img src=/a.jpg><span>{CAPTION}</span></div>"
            "</header><div class='entry-content'>" + BODY + "</div></article>"
            "<aside><h3>More news</h3><a href=/x>Another story about something else entirely here</a></aside>"
            "</body></html>").encode()


DECK = "After a night of debate the council passed a budget that cuts road works and raises the library's funds."
DECK_PAGE = ("<html><head><title>Council votes on the budget</title></head><body><main>"
             f"<section class='top'><hgroup><h1>Council votes on the budget</h1><h2>{DECK}</h2></hgroup>"
             "<p class='byline'>Staff reporter</p></section>"
             "<section class='text'>" + BODY + "</section></main></body></html>").encode()


def _text(fields: dict) -> str:
    return article_text(fields["lead"], fields["body"])


def test_an_intro_box_in_the_article_header_is_in_text_before_the_body():
    fields = extract_article(_intro_page(DESCRIPTION), URL)
    text = _text(fields)
    assert text.count(INTRO) == 1
    assert text.index(INTRO) < text.index("Paragraph 1 of the story")
    assert CAPTION not in text and "By Ann Smith" not in text and "Another story" not in text
    assert fields["lead"] == DESCRIPTION  # the description is another text: it stays the lead


def test_a_cut_short_description_of_the_intro_gives_the_whole_intro_as_lead_once():
    fields = extract_article(_intro_page("The river road stays closed until Friday after two days…"), URL)
    assert fields["lead"] == INTRO
    assert INTRO not in fields["body"]
    assert _text(fields).count(INTRO) == 1


def test_a_deck_under_the_headline_is_the_lead_of_a_page_without_description():
    fields = extract_article(DECK_PAGE, URL)
    assert fields["lead"] == DECK
    assert _text(fields).startswith(DECK + "\n\nParagraph 1 of the story")
    assert "Staff reporter" not in _text(fields)


def test_no_standfirst_when_the_body_does_not_start_near_the_headline():
    root = parse_html(DECK_PAGE.decode())
    assert standfirst(root, "Council votes on the budget", ["A paragraph that is nowhere on this page at all."]) == []
    assert standfirst(root, "Council votes on the budget", []) == []
    headless = parse_html(DECK_PAGE.decode().replace("<h1>", "<div>").replace("</h1>", "</div>"))
    assert standfirst(headless, "Council votes on the budget", ["Paragraph 1 of the story"]) == []


def test_a_description_cut_mid_word_is_taken_for_the_first_paragraph_it_starts():
    # No summary shown; the description is the first paragraph cut at a fixed length, in the middle of a word
    # (held-out tvhaber). Before: the cut copy stayed the lead and `text` held the paragraph twice.
    first = ("Paragraph 1 of the story tells what happened at the river on Sunday, in words long enough to be "
             "prose number 1.")
    page = ("<html><head><title>Floods close the river road</title>"
            f"<meta name='description' content='{first[:70]}'></head><body><article>"
            "<h1>Floods close the river road</h1><div class='entry-content'>" + BODY + "</div></article></body></html>")
    fields = extract_article(page.encode(), URL)
    assert fields["lead"] == first and first not in fields["body"]
    assert _text(fields).count("Paragraph 1 of the story") == 1
