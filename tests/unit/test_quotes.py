"""Quotes found by code and verified: texts, speakers and evidence on real sentences."""

from __future__ import annotations

from datetime import date

from schemas import BriefingOptions
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText
from service.grounding.quotes import DraftQuote, find_quotes
from service.grounding.text import split_sentences
from service.grounding.verify import Verified, verify
from tests.support.drafts import SEED_TEXT, good_draft


def article(text: str, language: str | None = None) -> ArticleText:
    return ArticleText(text, split_sentences(text), language)


def run(text: str, quotes: list[DraftQuote] | None = None) -> Verified:
    return verify(
        Draft.model_validate(good_draft()) if text == SEED_TEXT else Draft(headline="", summary=""),
        article(text),
        published=date(2025, 11, 9),
        options=BriefingOptions(),
        quotes=quotes,
    )


def test_the_seed_quotes_with_their_speakers_and_evidence() -> None:
    result = run(SEED_TEXT)
    assert [(q.id, q.text, q.speaker) for q in result.quotes] == [
        ("q1", "serious damage", "Vyacheslav Gladkov"),
        (
            "q2",
            "Russia once again targeted substations that power the Khmelnytskyi and Rivne "
            "nuclear power plants",
            "Andrii Sybiha",
        ),
        (
            "q3",
            "These were not accidental but well-planned strikes. Russia is deliberately "
            "endangering nuclear safety in Europe.",
            "Andrii Sybiha",
        ),
        (
            "q4",
            "We also urge all states that value nuclear safety, particularly China and India, "
            "to demand Russia stop reckless attacks on nuclear energy that risk a catastrophic "
            "incident",
            "Andrii Sybiha",
        ),
        (
            "q5",
            "Secretary of State Marco Rubio and I understand the need for regular communication",
            "Sergey Lavrov",
        ),
        ("q6", "taking Russian interests into account", "Sergey Lavrov"),
    ]
    for quote in result.quotes:
        own = quote.evidence[0]
        assert own.quote == quote.text == SEED_TEXT[own.start : own.end]
        assert all(SEED_TEXT[s.start : s.end] == s.quote for s in quote.evidence)
    # "Sybiha said" stands in q2's own sentence: the quote's span is its evidence
    assert len(result.quotes[1].evidence) == 1
    # q3 continues q2 after the attribution: the sentence naming Sybiha is evidence too
    named = result.quotes[2].evidence[1].quote
    assert named.endswith("Sybiha said in a statement on X late Saturday.")
    # "…,” he said.": the last person named before it, in the sentence before
    assert result.quotes[3].evidence[1].quote.startswith("Sybiha called for an urgent meeting")
    assert (result.quotes[2].speaker_sentence, result.quotes[3].speaker_sentence) == (18, 21)
    assert result.dropped == []  # every quote code finds verifies


def test_a_one_word_term_in_quotation_marks_is_not_a_quote() -> None:
    assert "weaponizing" not in [q.text for q in find_quotes(article(SEED_TEXT))]


def test_french_guillemets_and_a_declare() -> None:
    text = (
        "LYON — Le maire de Lyon a visité le chantier mardi.\n\n"
        "« Nous ne laisserons pas tomber les habitants », a déclaré le maire Grégoire Doucet "
        "devant la presse. Selon la préfète Fabienne Buccio, « la situation reste très grave »."
    )
    found = find_quotes(article(text, "fr"))
    assert [(q.text, q.speaker) for q in found] == [
        ("Nous ne laisserons pas tomber les habitants", "Grégoire Doucet"),
        ("la situation reste très grave", "Fabienne Buccio"),
    ]
    assert text[found[0].start or 0 :].startswith("Nous ne laisserons")  # inside « and its space


def test_speaker_named_in_the_next_sentence() -> None:
    text = (
        "TUMACO, Colombia — The river rose overnight.\n\n"
        "“We have lost everything.” Maria Lopez said the water came at night."
    )
    (quote,) = run(text).quotes
    assert (quote.text, quote.speaker, quote.speaker_sentence) == (
        "We have lost everything.",
        "Maria Lopez",
        3,
    )
    assert [s.quote for s in quote.evidence] == [
        "We have lost everything.",
        "Maria Lopez said the water came at night.",
    ]


def test_spanish_falls_back_to_the_word_rules() -> None:
    text = "LIMA — Miles marcharon el jueves.\n\n“No vamos a parar”, dijo Ana Quispe, dirigente."
    assert [(q.text, q.speaker) for q in find_quotes(article(text, "es"))] == [
        ("No vamos a parar", "Ana Quispe")
    ]


def test_a_quote_not_in_the_article_and_an_unnamed_speaker_are_dropped() -> None:
    drafts = [
        DraftQuote("Russia will pay for this", "Andrii Sybiha"),  # invented words
        DraftQuote("serious damage", "Ivan Petrenko"),  # a speaker the article never names
        DraftQuote("serious damage", "he"),  # a pronoun is not a speaker
        DraftQuote("serious damage", "Vyacheslav Gladkov", start=0),  # wrong offset: located
    ]
    result = run(SEED_TEXT, drafts)
    assert [(d.what, d.reason) for d in result.dropped] == [
        ("quotes[0]", "quote not verbatim in the article"),
        ("quotes[1].speaker", "speaker not found in the article"),
        ("quotes[2].speaker", "speaker not named"),
    ]
    (kept,) = result.quotes
    assert (kept.id, kept.speaker) == ("q1", "Vyacheslav Gladkov")
    assert SEED_TEXT[kept.evidence[0].start : kept.evidence[0].end] == "serious damage"
    assert "Russia will pay" not in str(result.dropped)  # the model's words never leak


def test_a_quote_running_over_paragraphs_is_one_quote_per_paragraph() -> None:
    text = (
        "LIMA, Peru — Teachers marched on Thursday.\n\n"
        "“We marched for our children,” said Rosa Huamán, a teacher. “We will come back every "
        "week until the ministry answers.\n\n"
        "“Nobody in Lima listens to us.”\n\n"
        "“Our schools have no roofs.” The ministry did not comment."
    )
    assert [(q.text, q.speaker) for q in find_quotes(article(text, "en"))] == [
        ("We marched for our children", "Rosa Huamán"),
        ("We will come back every week until the ministry answers.", "Rosa Huamán"),
        ("Nobody in Lima listens to us.", "Rosa Huamán"),  # the quote left open continues
    ]  # the last one closed its paragraph's quote: nobody is named for the next


def test_an_article_without_quotation_marks_is_not_parsed_for_quotes() -> None:
    plain = article("Officials said a storm cut power to 20,000 homes on Sunday.")
    assert find_quotes(plain) == []
    assert "parsed" not in plain.__dict__  # the cached parse was never made
