"""A headline or summary may name only what the article names (service/grounding/names.py)."""

from __future__ import annotations

from datetime import date

import pytest

from schemas import BriefingOptions
from service.geo import warm
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText
from service.grounding.names import unstated_names
from service.grounding.text import split_sentences
from service.grounding.verify import verify
from tests.support.drafts import SEED_TEXT

NIGER = (
    "NIAMEY, Niger — Gunmen on motorcycles attacked the village of Tamou in southwestern "
    "Niger on Saturday, killing 17 civilians, the interior ministry said. Kenya's central "
    "bank was not involved."
)


def _article(text: str) -> ArticleText:
    warm()
    return ArticleText(text, split_sentences(text), "en")


@pytest.mark.parametrize(
    ("text", "unstated"),
    [
        ("Nigerian Gunmen Kill 17 Civilians", ["Nigerian"]),  # the attack was in Niger
        ("Gunmen kill 17 in Niger village", []),
        ("Nigerien gunmen attack Tamou", []),  # Niger's demonym names Niger
        ("Central Bank of Kenya not involved", []),  # word for word, in another order
        ("Boko Haram attacks Tamou", ["Boko Haram"]),
        ("Mahamadou Issoufou visits Tamou", ["Issoufou"]),
    ],
)
def test_names_and_demonyms_must_be_the_article_s(text: str, unstated: list[str]) -> None:
    found = unstated_names(text, _article(NIGER))
    assert bool(found) == bool(unstated)
    assert all(any(word in name for name in found) for word in unstated), found


@pytest.mark.parametrize(
    "headline",
    [
        "Ukrainian Strikes Target Russian Cities, Power and Heating Cut",  # title case
        "Ukrainian drones hit Belgorod; Russia's defence ministry says 44 downed",  # "defense"
        "Lavrov ready to meet Rubio",
    ],
)
def test_the_seed_s_own_names_pass_in_any_casing_or_spelling(headline: str) -> None:
    assert unstated_names(headline, _article(SEED_TEXT)) == []


def test_a_headline_naming_the_wrong_country_is_replaced_and_said() -> None:
    article = _article(NIGER)
    draft = Draft(headline="Nigerian gunmen kill 17 civilians", summary="Gunmen attacked Tamou.")
    result = verify(
        draft, article, published=date(2025, 11, 9), options=BriefingOptions(), title="Tamou"
    )
    assert result.briefing.headline == "Tamou"  # the article's title, verified material
    assert result.briefing.summary == "Gunmen attacked Tamou."
    (dropped,) = result.dropped
    assert dropped.what == "headline"
    assert dropped.reason == (
        "the headline names what the article does not; replaced from verified material"
    )
