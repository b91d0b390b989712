"""A page's article and metadata (service/ingest/page.py), on the pages of tests/pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from service.errors import PageUnreadable, problem
from service.ingest.page import MIN_TEXT_CHARS, extract_page

PAGES = Path(__file__).parent.parent / "pages"


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _paragraphs_exactly(text: str, paragraphs: list[str]) -> None:
    """Each of the story's paragraphs is one block of the text, in order, and nothing else."""
    assert text.split("\n\n") == paragraphs


WIRE = [
    "Dock workers at the port of Rotterdam voted on Monday to end a nine-day strike that had "
    "left hundreds of containers stranded on the quays.",
    "The union said members accepted a two-year agreement that raises wages by 6.5 percent "
    "this year and by a further 4 percent in 2027.",
    "Port authority spokesperson Jan de Vries said ships waiting at anchor would be unloaded "
    "in order of arrival, starting on Tuesday morning.",
    "Shipping companies had warned that the stoppage was costing them several million euros a "
    "day in delays and rerouted cargo.",
    "The agreement still has to be signed by the employers' federation, which is expected to "
    "do so later this week.",
]
WIRE_BOILERPLATE = [
    "World Desk",
    "Markets Today",
    "Sign up for newsletters",  # menu
    "We use cookies",
    "Accept all cookies",
    "Manage preferences",  # cookie banner
    "Advertisement",
    "noise-cancelling headphones",
    "Refinance your mortgage",  # ads
    "Read more",
    "Rotterdam dockers walk out",
    "Related stories",  # read more, related
    "Antwerp braces",
    "Freight rates climb",
    "winter of walkouts",
    "dockfan77",
    "About time they got a fair deal",
    "garden furniture",
    "First!",  # comments
    "Share on Facebook",
    "Privacy policy",
    "All rights reserved",
    "By Maria Keller",
]


def test_a_wire_story_is_its_paragraphs_and_its_json_ld() -> None:
    page = extract_page(_page("wire_story.html"), url="https://news.example.com/x?utm=1")
    _paragraphs_exactly(page.text, WIRE)
    for boilerplate in WIRE_BOILERPLATE:
        assert boilerplate not in page.text, boilerplate
    assert page.title == "Port workers end nine-day strike after pay deal"  # JSON-LD, not og
    assert page.published_at == datetime(2026, 11, 3, 8, 15, tzinfo=timezone(timedelta(hours=1)))
    assert isinstance(page.published_at, datetime)
    assert page.published_at.utcoffset() == timedelta(hours=1)
    assert page.author == "Maria Keller"
    assert page.site_name == "Harbour Wire"
    assert page.language == "en"
    assert page.canonical_url == "https://news.example.com/world/2026/11/port-workers-end-strike"


def test_a_page_with_only_opengraph_metadata() -> None:
    page = extract_page(_page("opengraph_only.html"))
    for sentence in [
        "The Millbrook public library opened its doors on Tuesday for the first time since the "
        "river flooded its ground floor two summers ago.",
        "Repairs cost 2.3 million dollars, most of it covered by a state disaster grant and the "
        "rest by a local fundraising drive.",
        "Head librarian Teresa Olmos said the children's section has moved upstairs so that it "
        "will stay dry if the river rises again.",
        "The library will be open from nine in the morning until eight in the evening on "
        "weekdays, and until noon on Saturdays.",
    ]:
        assert sentence in page.text.split("\n\n")
    for boilerplate in [
        "Subscribe to the Courier",
        "Local News",
        "Obituaries",
        "Most read",
        "football team",
        "New bakery",
        "hearing aids",
        "Sponsored",
        "12 Main Street",
    ]:
        assert boilerplate not in page.text, boilerplate
    assert page.title == "Town library reopens after two years of flood repairs"
    assert page.site_name == "Valley Courier"
    assert page.author == "Dana Whitfield"
    assert page.published_at == datetime(2026, 10, 21, 22, 40, tzinfo=UTC)
    assert page.canonical_url == "https://valleycourier.example.org/local/library-reopens"


FRENCH = [
    "Les organisateurs ont annoncé lundi que le grand départ du Tour de France 2028 sera donné "
    "à Lille, une première depuis plus de cinquante ans.",
    "La métropole lilloise accueillera trois étapes, dont un contre-la-montre individuel dans "
    "les rues du centre historique.",
    "Le maire a salué une décision qui devrait attirer des centaines de milliers de visiteurs "
    "et des retombées économiques importantes pour la région.",
    "Le parcours complet de l'épreuve sera présenté au mois d'octobre de l'année précédente, "
    "comme le veut la tradition.",
]


def test_a_french_page_with_lang_and_json_ld_in_a_graph() -> None:
    page = extract_page(_page("french_story.html"))
    _paragraphs_exactly(page.text, FRENCH)
    for boilerplate in [
        "Rubrique Sports",
        "Accueil",
        "cookies",
        "Tout accepter",
        "À lire aussi",
        "les pavés du Nord",
        "Mentions légales",
        "Par Camille Durand",
    ]:
        assert boilerplate not in page.text, boilerplate
    assert page.language == "fr"  # lang="fr-FR"
    assert page.title == "Le Tour de France partira de Lille en 2028"
    assert page.published_at == datetime(2026, 9, 14, 9, 30, tzinfo=UTC)
    assert page.author == "Camille Durand"
    assert page.site_name == "Le Quotidien du Nord"


SPANISH = [
    "El ayuntamiento de Sevilla puso en marcha el sábado una nueva línea de tranvía que "
    "conecta la estación de Santa Justa con el barrio de Triana.",
    "La obra ha costado ochenta millones de euros y ha durado casi tres años, con varios "
    "retrasos por el hallazgo de restos arqueológicos.",
    "Según el alcalde, el tranvía transportará a unos veinte mil viajeros al día y reducirá el "
    "tráfico de coches en el centro de la ciudad.",
    "Los vecinos de Triana celebraron la llegada del primer convoy con música y una pequeña "
    "fiesta en la plaza del Altozano.",
]


def test_a_spanish_page_without_lang_in_latin_1_is_detected_and_decoded() -> None:
    raw = _page("spanish_nolang.html")
    assert "línea".encode("latin-1") in raw  # the file really is ISO-8859-1
    page = extract_page(raw)
    _paragraphs_exactly(page.text, SPANISH)
    for boilerplate in ["Portada", "Sección Deportes", "Publicidad", "Canarias"]:
        assert boilerplate not in page.text, boilerplate
    assert page.language == "es"  # no lang, no meta: py3langid
    assert page.title == "Sevilla inaugura una nueva línea de tranvía"
    assert page.published_at == date(2026, 8, 2)  # a day only: a date, not a midnight
    assert not isinstance(page.published_at, datetime)
    assert page.author is None


def test_a_paywall_stub_is_refused_with_what_was_found() -> None:
    with pytest.raises(PageUnreadable) as caught:
        extract_page(_page("paywall_stub.html"), url="https://ledger.example/rates")
    error = caught.value
    assert error.status_code == 422
    assert error.problem_type == "/problems/page-unreadable"
    assert 0 < error.chars < MIN_TEXT_CHARS
    assert error.extra == {
        "field": "article.html",
        "reason": "too-little-text",
        "chars": error.chars,
    }
    body = problem(error)
    assert body["status"] == 422 and body["field"] == "article.html"
    assert "https://ledger.example/rates" in body["detail"]


def test_bad_bytes_never_raise() -> None:
    raw = _page("wire_story.html").replace(b"Dock workers", b"Dock \xff\xfe\xc3 workers")
    page = extract_page(raw)
    assert "Dock \ufffd" in page.text
    assert page.text.split("\n\n")[1:] == WIRE[1:]
    unknown = raw.replace(b'<meta charset="utf-8">', b'<meta charset="no-such-charset">')
    assert extract_page(unknown).title == "Port workers end nine-day strike after pay deal"


def test_a_bom_wins_over_a_wrong_meta_charset() -> None:
    text = _page("french_story.html").decode("utf-8")
    wrong = text.replace('charset="utf-8"', 'charset="latin-1"')
    raw = ("\ufeff" + wrong).encode("utf-16-le")
    assert extract_page(raw).text.split("\n\n") == FRENCH


def test_garbage_is_unreadable_not_a_crash() -> None:
    junks: list[str | bytes] = [b"", b"\x00\x01", "<html><p>Hi.</p></html>", b"\xff" * 5000]
    for junk in junks:
        with pytest.raises(PageUnreadable):
            extract_page(junk)


def test_json_ld_in_a_list_and_a_time_without_offset_is_a_date() -> None:
    body = "".join(f"<p>{sentence}</p>" for sentence in WIRE)
    html = (
        '<html><head><script type="application/ld+json">[{"@type": "Organization", '
        '"name": "X"}, {"@type": "Article", "headline": "The listed headline", '
        '"datePublished": "2026-05-01T10:00:00"}]</script>'
        '<script type="application/ld+json">{not json</script>'
        f"<title>Other | Site</title></head><body><article>{body}</article></body></html>"
    )
    page = extract_page(html)
    assert page.title == "The listed headline"
    assert page.published_at == date(2026, 5, 1)


def test_no_date_anywhere_is_none() -> None:
    body = "".join(f"<p>{sentence}</p>" for sentence in WIRE)
    page = extract_page(f"<html><body><article>{body}</article></body></html>")
    assert page.published_at is None
