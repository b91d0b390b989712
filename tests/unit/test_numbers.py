"""Exact-value tests for number parsing and the number-grounding checks."""

import pytest

from service.grounding.numbers import mentions_number, number_near, numbers_in, parse_number

KILLED = ["kill", "dead", "death", "die"]
HOUSEHOLDS = "Some 20,000 households were affected, he said."
FAR = "5 people were hurt and, much later in a long sentence, one more man was killed"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20,000", 20000.0),
        ("20 000", 20000.0),
        ("20\u00a0000", 20000.0),
        ("44", 44.0),
        ("1.5", 1.5),
        ("1.5 million", 1_500_000.0),
        ("1.2 billion", 1_200_000_000.0),
        ("340,000", 340000.0),
        ("1,000,000.5", 1_000_000.5),
        (" 2021 ", 2021.0),
        ("3.5%", 3.5),
        ("$5 billion", 5e9),
        ("two", 2.0),
        ("Two", 2.0),
        ("twelve", 12.0),
        ("twenty", 20.0),
        ("ninety", 90.0),
        ("twenty-five", 25.0),
        ("hundred", 100.0),
        ("a hundred", 100.0),
        ("two hundred thousand", 200_000.0),
        ("one million", 1e6),
        ("a dozen", 12.0),
        ("two dozen", 24.0),
        ("fourth", 4.0),
        ("21st", 21.0),
        ("dozens", None),
        ("hundreds", None),
        ("thousands", None),
        ("a", None),
        ("first", None),
        ("", None),
        ("about 5", None),
        ("5 drones", None),
        ("1,2", None),
    ],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 20,000 households", [(20000.0, 5, 11)]),
        ("44 Ukrainian drones", [(44.0, 0, 2)]),
        ("two major Russian cities", [(2.0, 0, 3)]),
        ("just over 1 million people", [(1e6, 10, 19)]),
        ("a population of 1.2 billion", [(1.2e9, 16, 27)]),
        ("inflation hit 3.5% in 2021", [(3.5, 14, 18), (2021.0, 22, 26)]),
        ("a dozen drones and dozens of missiles", [(12.0, 0, 7)]),
        ("the nearly four-year war", [(4.0, 11, 15)]),
        ("a fourth consecutive winter", [(4.0, 2, 8)]),
        ("someone said none", []),
        ("Kyivstar4 and 5km", []),
        ("Su-34 jets", [(34.0, 3, 5)]),
        ("ten, eleven and thirteen", [(10.0, 0, 3), (11.0, 5, 11), (13.0, 16, 24)]),
    ],
)
def test_numbers_in(text: str, expected: list[tuple[float, int, int]]) -> None:
    assert numbers_in(text) == expected


def test_numbers_in_seed(article: str) -> None:
    found = numbers_in(article)
    assert [v for v, _, _ in found] == [
        2.0, 4.0, 2.0, 2.0, 1e6, 20000.0, 340000.0, 2021.0, 44.0, 2.0, 4.0, 2.0, 2014.0, 2022.0,
    ]  # fmt: skip
    assert [article[s:e] for _, s, e in found][:8] == [
        "two", "four", "two", "two", "1 million", "20,000", "340,000", "2021",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        (20000, HOUSEHOLDS, True),
        (20000.0, "Some 20 000 households", True),
        (44, "destroyed or intercepted 44 Ukrainian drones", True),
        (2, "two major Russian cities", True),
        (1_000_000, "home to just over 1 million people", True),
        (340000, "some 340,000 people", True),
        (2021, "at the last census in 2021", True),
        (12, "a dozen drones", True),
        (3.5, "up 3.5% on the year", True),
        (0.1 + 0.2, "0.3 percent", True),
        (2000, HOUSEHOLDS, False),
        (20, HOUSEHOLDS, False),
        (45, "44 Ukrainian drones", False),
        (12, "dozens of drones", False),
    ],
)
def test_mentions_number(value: float, text: str, expected: bool) -> None:
    assert mentions_number(value, text) is expected


@pytest.mark.parametrize(
    ("value", "text", "stems", "expected"),
    [
        (20000, HOUSEHOLDS, KILLED, False),
        (20000, HOUSEHOLDS, ["household"], True),
        (20000, HOUSEHOLDS, ["Household"], True),
        (20000, HOUSEHOLDS, ["affect"], True),
        (20000, HOUSEHOLDS, [], False),
        (20000, HOUSEHOLDS, [""], False),
        (44, "Officials said 44 people were killed.", KILLED, True),
        (3, "Three people died in the attack.", KILLED, True),
        (3, "At least 3 were wounded and 2 dead.", ["injur", "wound"], True),
        (5, "Five drones hit. Later two people died.", KILLED, False),
        (5, FAR, KILLED, False),
        (5, FAR, [*KILLED, "hurt"], True),
        (7, "No number here died.", KILLED, False),
    ],
)  # fmt: skip
def test_number_near(value: float, text: str, stems: list[str], expected: bool) -> None:
    assert number_near(value, text, stems) is expected


def test_number_near_window() -> None:
    text = "12 of the dozens of drones launched overnight by the army were downed"
    assert number_near(12, text, ["down"], window=20) is True
    assert number_near(12, text, ["down"], window=6) is False
    assert number_near(12, text, ["drone"], window=6) is True
    assert number_near(12, text, ["drone"], window=0) is False


def test_number_near_seed(article: str) -> None:
    assert number_near(20000, article, KILLED) is False
    assert number_near(20000, article, ["household"]) is True
    assert number_near(44, article, ["drone"]) is True
    assert number_near(2, article, ["cit"]) is True
    assert number_near(1_000_000, article, ["people"]) is True
    assert number_near(340000, article, ["people"]) is True
    assert number_near(340000, article, ["household"]) is False


def test_dotted_thousands_are_read_both_ways() -> None:
    # "150.000" is 150,000 in Spanish copy and 150.0 in English copy: both are stated
    assert mentions_number(150_000, "cifraron la asistencia en 150.000 personas")
    assert mentions_number(150.0, "cifraron la asistencia en 150.000 personas")
    assert not mentions_number(15_000, "cifraron la asistencia en 150.000 personas")
    assert mentions_number(1_234_567, "1.234.567 votos")
    assert not mentions_number(1.234, "1.234.567 votos")
    assert mentions_number(5.6, "inflation of 5.6 percent")
    assert not mentions_number(5600, "inflation of 5.6 percent")


def test_spanish_number_words() -> None:
    assert mentions_number(4, "la Policía Nacional detuvo a cuatro personas")
    assert mentions_number(2, "Dos agentes resultaron heridos leves")
    assert mentions_number(2000, "unas dos mil personas")
    assert not mentions_number(11, "he had once been a minister")
