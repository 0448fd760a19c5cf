"""Page furniture kept by main-text extraction leaves the body in the chrome-stripping stage (the furniture
sections and notice patterns of newsbot/data/chrome.toml, pipelines/strip_chrome.py): links to other stories,
more-stories headings and their headline lists, calls to subscribe, advertising notices, metadata labels, picture
credits. Each group is shown on bodies of two languages here, and on real pages of at least two sites of the
general set (marked `shared`), through extraction and the stage as a crawl runs them: the furniture goes, every
snippet the page's annotators call content stays."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from newsbot.extract import extract_article
from newsbot.extract.body import article_text
from newsbot.items import Article
from pipelines.strip_chrome import StripChromePipeline, load_rules, strip_paragraphs

PROSE = ("The council met on Tuesday and agreed, after a long debate about the costs and the timetable, to rebuild "
         "the old bridge over the river before the winter.")
PROSA = ("Der Gemeinderat hat am Dienstag nach langer Debatte über Kosten und Zeitplan beschlossen, die alte Brücke "
         "über den Fluss noch vor dem Winter neu zu bauen.")

# (A third paragraph of prose: the stage also drops a paragraph repeated in the body.)
MORE = ("Work on the new bridge is to start in March, and the ferry will run every half hour while the river "
        "cannot be crossed, the council said.")


def drop_furniture(body: list[str], rules=None) -> list[str]:
    return strip_paragraphs(body, rules=rules).body


@pytest.mark.parametrize(("furniture", "rule"), [
    ("Read more: Council approves budget for next year", "cross_link"),
    ("Lea también: Impiden ingreso a Nicaragua a reportero", "cross_link"),
    ("Czytaj też: Wyścig zbrojeń ruszył z kopyta", "cross_link"),
    ("Subscribe now to our e-edition for the full story.", "pattern"),
    ("Mit unserem Newsletter erhalten Sie monatlich Informationen rund um das Land!", "pattern"),
    ("Anzeige, enthält Affiliate Links", "pattern"),
    ("Crédits photos : Bestimage", "picture_credit"),
    ("Titelbild: Geyres Christophe/ABACA/picture-alliance", "picture_credit"),
    ("© Oli Scarff/Getty Images", "picture_credit"),
    ("Kategorie: News", "meta_label"),
    ("Category : Press Releases", "meta_label"),
    ("Weitere Informationen:", "more_stories"),
    ("Mehr zum Thema auf example.org", "more_stories"),
    ("Follow The Gleaner on Twitter and Instagram @JamaicaGleaner.", "pattern"),
    ("For the latest stories download the Nationnews apps for iOS and Android.", "pattern"),
    ("¡Mira lo que tiene nuestro canal de YouTube!", "pattern"),
    ("© 2022, Example News. This article is the copyrighted property of Example News.", "pattern"),
    ("Materiał chroniony prawem autorskim - zasady przedruków określa regulamin.", "pattern"),
    ("Verraten Sie gerne in den Kommentaren: Was bedeutet der Preis für Sie?", "pattern"),
    ("Cristina Kirchner y Alberto Fernández, en el Congreso (Foto: Natacha Pisarenko/Pool via REUTERS).",
     "picture_credit"),
    ("Hier geht es zur neuen Vorstandsstruktur", "pattern"),
    ("À lire aussi » Ballonnements, lourdeurs... Quel est votre profil digestif ?", "cross_link"),  # » folds to "
    ("Submit your letter to the editor via this form. Read more Letters to the Editor.", "pattern"),
    ("We want to hear what you think about this article. Submit a letter to the editor or write to us.", "pattern"),
    ("Telefon: +49 - (40) - 300 30 - 1141", "meta_label"),
    ("Tel. 0471 80 60 745", "meta_label"),
    ("Ansprechpartnerin zum Thema:", "more_stories"),
    ("24. März 2004, 19:49 | Genesis", "stamp"),
    ("January 13, 2020 at 08:45 AM | categories: Python, Mercurial | View Comments", "stamp"),
    ("2021-10-16 | Botschaft", "stamp"),
    # Calls to follow the site on Google News (held-out tvhaber; 3 sites of the general set in Spanish).
    ("Google News'te abone olun ve son dakika gelişmelerinden ilk siz haberdar olun.", "pattern"),
    ("Síguenos en Google News", "pattern"),
    ("Siga las noticias de EL DIARIO desde Google News", "pattern"),
])
def test_furniture_line_leaves_the_body(furniture, rule):
    result = strip_paragraphs([PROSE, furniture, PROSA])
    assert result.body == [PROSE, PROSA]
    assert result.removed == [(rule, furniture)]  # counted under its rule (stat newsbot/chrome/<rule>)


@pytest.mark.parametrize("heading", ["Empfohlene Beiträge", "Related articles", "Contenido Relacionado"])
def test_a_closing_more_stories_list_goes_with_its_heading(heading):
    body = [PROSE, PROSA, MORE, heading, "Process Mining und Verhaltensvielfalt versöhnen", "Another headline here"]
    assert drop_furniture(body) == [PROSE, PROSA, MORE]


def test_a_heading_before_prose_goes_alone_and_the_prose_stays():
    # Early in the body, or followed by prose: only the heading line is furniture.
    assert drop_furniture(["Weitere Artikel zum Thema", PROSA, PROSE]) == [PROSA, PROSE]
    assert drop_furniture([PROSE, PROSA, "Kontakt:", MORE]) == [PROSE, PROSA, MORE]


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
    "Readers who send a letter to the editor of the local paper rarely get an answer, the study found.",
    'Mira "La casa de papel" y otras series españolas que triunfan en el mundo entero.',  # a quotation, no link
    "Tel Aviv: Explosion im Hafen",  # a place, not a contact label
    "On March 3, 2021 the council met at 10:00 and agreed to rebuild the bridge.",  # a date inside a sentence
    "12.03.2021: Der Bundestag hat heute um 10:00 Uhr über das Gesetz beraten und es mit großer Mehrheit "
    "beschlossen, teilte die Verwaltung am Abend mit.",  # dated prose: longer than a stamp
    "Telefonieren am Steuer: Polizei kontrolliert verstärkt.",
    "Die Zahl der Abonnenten stieg, teilte der Newsletter-Anbieter mit.",
    "Google News'te yayımlanan haberlerin sayısı geçen yıl arttı.",  # names Google News, calls no one to follow
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


def stored_text(html: bytes, url: str) -> str:
    """`text` as a crawl stores it: extraction, then the chrome-stripping stage, then `text` from the stripped
    lead and body (what pipelines/validate.py writes)."""
    got = extract_article(html, url, templates=None)
    item = Article(url=url, title=got["title"], lead=got["lead"], body=list(got["body"]), category=got["category"])
    item = StripChromePipeline().process_item(item)
    return article_text(item.lead, item.body)


@pytest.mark.shared
@pytest.mark.parametrize("group", sorted(PAGES))
def test_furniture_leaves_real_pages_and_their_content_stays(group):
    truth = {e["file"]: (url, e) for url, e in json.loads((TRAF / "evaldata.json").read_text(encoding="utf-8")).items()}
    for name, furniture in PAGES[group].items():
        path = next(p for p in (TRAF / "cache" / f"{name}.gz", TRAF / "eval" / f"{name}.gz") if p.exists())
        url, entry = truth[name]
        text = _norm(stored_text(gzip.decompress(path.read_bytes()), url))
        for snippet in furniture:
            assert _norm(snippet) not in text, (name, snippet)
        for snippet in entry["with"]:
            assert _norm(snippet) in text, (name, snippet)


def test_every_alternative_of_a_notice_pattern_is_tried(tmp_path):
    # The notice regexes run only when the paragraph holds a text the pattern needs: a pattern with a top-level
    # "|" must still match by its second alternative.
    path = tmp_path / "more.toml"
    path.write_text('[drop]\npatterns = ["bülten|abone ol"]\n', encoding="utf-8")
    assert drop_furniture([PROSE, "Hemen abone olun!"], load_rules([path])) == [PROSE]
    assert drop_furniture([PROSE, "Hemen abone olun!"]) == [PROSE, "Hemen abone olun!"]  # not a bundled rule
