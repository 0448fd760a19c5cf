"""Page furniture kept by main-text extraction leaves the body (newsbot/data/body.toml, body.drop_furniture):
links to other stories, more-stories headings and their headline lists, calls to subscribe, advertising notices,
metadata labels, picture credits. Each group is shown on bodies of two languages here, and on real pages of at
least two sites of the general set (marked `shared`): the furniture goes, every snippet the page's annotators
call content stays."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from newsbot.extract import extract_article
from newsbot.extract.body import article_text, drop_furniture

PROSE = ("The council met on Tuesday and agreed, after a long debate about the costs and the timetable, to rebuild "
         "the old bridge over the river before the winter.")
PROSA = ("Der Gemeinderat hat am Dienstag nach langer Debatte über Kosten und Zeitplan beschlossen, die alte Brücke "
         "über den Fluss noch vor dem Winter neu zu bauen.")


@pytest.mark.parametrize("furniture", [
    "Read more: Council approves budget for next year",
    "Lea también: Impiden ingreso a Nicaragua a reportero",
    "Czytaj też: Wyścig zbrojeń ruszył z kopyta",
    "Subscribe now to our e-edition for the full story.",
    "Mit unserem Newsletter erhalten Sie monatlich Informationen rund um das Land!",
    "Anzeige, enthält Affiliate Links",
    "Crédits photos : Bestimage",
    "Titelbild: Geyres Christophe/ABACA/picture-alliance",
    "© Oli Scarff/Getty Images",
    "Kategorie: News",
    "Category : Press Releases",
    "Weitere Informationen:",
    "Mehr zum Thema auf example.org",
    "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner.",
    "For the latest stories download the Nationnews apps for iOS and Android.",
    "¡Mira lo que tiene nuestro canal de YouTube!",
    "© 2022, Example News. This article is the copyrighted property of Example News.",
    "Materiał chroniony prawem autorskim - zasady przedruków określa regulamin.",
    "Verraten Sie gerne in den Kommentaren: Was bedeutet der Preis für Sie?",
    "Cristina Kirchner y Alberto Fernández, en el Congreso (Foto: Natacha Pisarenko/Pool via REUTERS).",
    "Hier geht es zur neuen Vorstandsstruktur",
])
def test_furniture_line_leaves_the_body(furniture):
    assert drop_furniture([PROSE, furniture, PROSA]) == [PROSE, PROSA]


@pytest.mark.parametrize("heading", ["Empfohlene Beiträge", "Related articles", "Contenido Relacionado"])
def test_a_closing_more_stories_list_goes_with_its_heading(heading):
    body = [PROSE, PROSA, PROSE, heading, "Process Mining und Verhaltensvielfalt versöhnen", "Another headline here"]
    assert drop_furniture(body) == [PROSE, PROSA, PROSE]


def test_a_heading_before_prose_goes_alone_and_the_prose_stays():
    # Early in the body, or followed by prose: only the heading line is furniture.
    assert drop_furniture(["Weitere Artikel zum Thema", PROSA, PROSE]) == [PROSA, PROSE]
    assert drop_furniture([PROSE, PROSA, "Kontakt:", PROSE]) == [PROSE, PROSA, PROSE]


@pytest.mark.parametrize("prose", [
    "Sources said the deal is off.",  # a label word without its colon is a sentence
    "Read more books, the minister said on Monday.",
    "Die Zeitung startet im Mai einen Newsletter für Pendler, kündigte der Verlag an, und will damit neue Leser "
    "gewinnen, die morgens in Bus und Bahn unterwegs sind und kurze Nachrichten lesen wollen, bevor sie im Büro "
    "ankommen und dort den ganzen Tag keine Zeit mehr dafür haben.",  # long: prose that mentions a newsletter
    "İlgili bakanlık açıklama yaptı.",
    # short news sentences that name what a notice names: kept, a notice is the call itself
    "Netflix added 5.9 million subscribers in the third quarter, the company said on Tuesday.",
    "The group is an affiliate of al-Qaeda, officials said.",
    "Advertisers fled the platform after the takeover.",
    "Customers who subscribe before March will pay the old price.",
    "The newsletter, which has 40,000 readers, published the leaked memo on Monday.",
    "All rights reserved by the treaty remain with the states, the court ruled.",
    "In a letter to the editor, the mayor defended the plan.",
    "Die Zahl der Abonnenten stieg, teilte der Newsletter-Anbieter mit.",
])
def test_prose_that_looks_like_furniture_stays(prose):
    assert drop_furniture([PROSE, prose]) == [PROSE, prose]


def test_the_lead_is_held_once_wherever_the_body_repeats_it():
    lead = "Die Stadt baut die alte Brücke neu."
    body = [PROSA, "Bildunterschrift", "Zweiter Absatz.", "Dritter Absatz.", "Vierter Absatz.", lead, PROSE]
    assert article_text(lead, body).count(lead) == 1
    assert article_text(lead, [PROSA]).startswith(lead)


# -- real pages of the general set --------------------------------------------------------------------
TRAF = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "trafilatura"
# page file → furniture its annotators list as not content, gone now; per group, pages of different sites.
PAGES = {
    "cross-links": {"100noticias.com-millones.html": ["Lea también: Impiden ingreso", "Lea más: Juan Carlos"],
                    "dw.com.colonial.html": ["Read more: Looted colonial art"]},
    "more-stories": {"digitale-exzellenz.de.gesundheitswesen.html": ["Empfohlene Beiträge"],
                     "aerobuzz.de-bremen.html": ["Schon gelesen?"],
                     "proplanta.de.erloesobergrenze.html": ["Weitere Artikel zum Thema", "Kommentierte Artikel"]},
    "notices": {"nationnews.com-schools.html": ["Subscribe now to our eNATION edition"],
                "austria.info.radfahren.html": ["Mit unserem Newsletter erhalten Sie"]},
    "labels-credits": {"taucher.net-tauchmesse.html": ["Kategorie: News"],
                       "gala.fr.surnom.html": ["Crédits photos : Bestimage"],
                       "fluter.de.vorbild.html": ["Titelbild:"],
                       "amnesty.de-waffensysteme.html": ["Getty Images"]},
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.shared
@pytest.mark.parametrize("group", sorted(PAGES))
def test_furniture_leaves_real_pages_and_their_content_stays(group):
    truth = {e["file"]: (url, e) for url, e in json.loads((TRAF / "evaldata.json").read_text(encoding="utf-8")).items()}
    for name, furniture in PAGES[group].items():
        path = next(p for p in (TRAF / "cache" / f"{name}.gz", TRAF / "eval" / f"{name}.gz") if p.exists())
        url, entry = truth[name]
        got = extract_article(gzip.decompress(path.read_bytes()), url, templates=None)
        text = _norm(article_text(got["lead"], got["body"]))
        for snippet in furniture:
            assert _norm(snippet) not in text, (name, snippet)
        for snippet in entry["with"]:
            assert _norm(snippet) in text, (name, snippet)


def test_every_alternative_of_a_notice_pattern_is_tried(tmp_path):
    # The notice regexes run only when a pattern's leading text is present: a pattern with a top-level "|"
    # must still match by its second alternative.
    from newsbot.extract.body import FURNITURE_FILE, furniture

    first = '    "\\\\bour newsletters?\\\\b",\n'
    data = FURNITURE_FILE.read_text(encoding="utf-8").replace(first, '    "bülten|abone ol",\n', 1)
    path = tmp_path / "body.toml"
    path.write_text(data, encoding="utf-8")
    assert drop_furniture([PROSE, "Hemen abone olun!"], furniture(path)) == [PROSE]
