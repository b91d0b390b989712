"""An actor's country from its name, demonym or organisation (service/grounding/actors.py)."""

from __future__ import annotations

import pytest

from service.geo import warm
from service.grounding.actors import actor_country
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kenyan police", "KE"),  # a demonym
        ("Russia’s defense ministry", "RU"),  # a country, possessive
        ("United Arab Emirates officials", "AE"),  # three words before one
        ("Sergey Lavrov", "RU"),  # the Phoenix actor dictionary
        ("Lavrov", "RU"),  # by surname, as Phoenix lists it
        ("Boko Haram", "NG"),
        ("the RSF", "SD"),  # formed after 2015: our actors_extra.tsv
        ("gunmen", None),
        ("the army", None),
    ],
)
def test_what_a_name_says_of_its_country(name: str, code: str | None) -> None:
    warm()
    assert actor_country(name) == code


def test_the_words_just_before_a_name_count_within_its_clause() -> None:
    warm()
    text = (
        "After Russian strikes, Ukraine’s foreign ministry spokesman Taras Hlushko said the "
        "plants were at risk. After Russian strikes, spokesman Ivan Petrenko said so."
    )
    article = ArticleText(text, split_sentences(text), "en")
    assert actor_country("Taras Hlushko", before=article.before("Taras Hlushko")) == "UA"
    # "Russian" stands before the comma, in another clause: it says nothing of him
    assert actor_country("Ivan Petrenko", before=article.before("Ivan Petrenko")) is None
