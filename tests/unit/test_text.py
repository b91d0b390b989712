"""Exact-offset tests for sentence splitting, normalisation and quote location."""

import itertools

import pytest

from service.grounding.text import Sentence, contains_phrase, locate, normalise, split_sentences


@pytest.fixture(scope="module")
def sentences(article: str) -> list[Sentence]:
    return split_sentences(article)


# --- split_sentences on the seed article --------------------------------------------------------


def test_seed_sentence_count_and_ids(sentences: list[Sentence]) -> None:
    assert len(sentences) == 31
    assert [s.id for s in sentences] == list(range(1, 32))


def test_seed_offsets_round_trip(article: str, sentences: list[Sentence]) -> None:
    for s in sentences:
        assert article[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert s.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


@pytest.mark.parametrize(
    "expected",
    [
        "A drone strike temporarily caused blackouts and cut heating to parts of Voronezh, "
        "regional Gov. Alexander Gusev said.",
        "The report comes as Russia and Ukraine have traded almost daily assaults on each other’s "
        "energy infrastructure and U.S.-led diplomatic efforts to stop the nearly four-year war "
        "have not advanced.",
        "Elsewhere, Russia’s top diplomat said Sunday that he was ready to meet U.S. Secretary of "
        "State, Marco Rubio, to discuss the war in Ukraine and mending bilateral ties.",
        "Some 20,000 households were affected, he said.",
        "Power knocked out in two Russian cities",
        "Strikes endanger power supply to nuclear plants",
        "Russia’s Lavrov says he’s ready to meet Rubio",
        "“These were not accidental but well-planned strikes.",
        "Russia is deliberately endangering nuclear safety in Europe.”",
        "KYIV, Ukraine (AP) — Ukrainian strikes disrupted power and heating to two major Russian "
        "cities near the Ukrainian border, local Russian officials reported Sunday.",
    ],
)
def test_seed_contains_sentence(sentences: list[Sentence], expected: str) -> None:
    assert expected in [s.text for s in sentences]


def test_seed_exact_spans(sentences: list[Sentence]) -> None:
    assert sentences[0] == Sentence(1, 0, 162, sentences[0].text)
    assert (sentences[4].id, sentences[4].start, sentences[4].end) == (5, 740, 779)
    assert sentences[9] == Sentence(
        10, 1385, 1431, "Some 20,000 households were affected, he said."
    )


# --- split_sentences rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n  \t ", []),
        ("One. Two.", ["One.", "Two."]),
        ("Stop! Go? Yes.", ["Stop!", "Go?", "Yes."]),
        ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("It ended (mostly.) Then more.", ["It ended (mostly.)", "Then more."]),
        ("It ended. “Next,” he said.", ["It ended.", "“Next,” he said."]),
        ("Figures rose. 44 drones fell.", ["Figures rose.", "44 drones fell."]),
        ("“Stop!” he said. Fine.", ["“Stop!” he said.", "Fine."]),
        ("He paused... then went on.", ["He paused... then went on."]),
        ("Heading\nBody text.", ["Heading", "Body text."]),
        ("Heading\n\nBody. More.\r\nLast", ["Heading", "Body.", "More.", "Last"]),
        ("Title\n***\nBody.", ["Title", "Body."]),
        ("Prices fell 1.5 percent. Then rose.", ["Prices fell 1.5 percent.", "Then rose."]),
    ],
)
def test_split_rules(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "regional Gov. Alexander Gusev said.",
        "Sen. Jane Doe and Rep. John Roe met Lt. Col. Ann Lee.",
        "Gen. Smith, Sgt. Brown, Capt. Green, Maj. White and Prof. Black came.",
        "Mr. and Mrs. Smith met Ms. Jones and Dr. Who at St. Paul's.",
        "Martin Luther King Jr. and Sr. Rev. Mary spoke.",
        "It was No. 5 on the list.",
        "Kyiv vs. Moscow, etc. No change.",
        "Cities, i.e. Kyiv, e.g. Lviv, were hit.",
        "The U.S. State Department and U.N. Security Council and U.K. and E.U. officials spoke.",
        "It began at 9 a.m. Sunday and ended at 5 p.m. Monday.",
        "On Jan. 5, Feb. 6, Aug. 7, Sept. 8, Sep. 9, Oct. 10, Nov. 11 and Dec. 12 it rained.",
        "J. Smith and A. B. Jones wrote it.",
        "The U.S.-led effort stalled.",
    ],
)
def test_abbreviations_do_not_split(sentence: str) -> None:
    assert [s.text for s in split_sentences(sentence)] == [sentence]


def test_offsets_with_leading_whitespace() -> None:
    text = "  First one.   Second one.  \n\n   Third"
    got = split_sentences(text)
    assert [(s.id, s.start, s.end, s.text) for s in got] == [
        (1, 2, 12, "First one."),
        (2, 15, 26, "Second one."),
        (3, 33, 38, "Third"),
    ]


def test_split_handles_a_10000_word_article(article: str) -> None:
    big = "\n\n".join([article] * 14)
    assert len(big.split()) >= 10_000
    sentences = split_sentences(big)
    assert len(sentences) == 14 * len(split_sentences(article))
    assert all(big[s.start : s.end] == s.text for s in sentences)


# --- normalise ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ukraine’s “Top”  Diplomat", 'ukraine\'s "top" diplomat'),
        ("‘a’ ‚b‛ „c‟ «d»", "'a' 'b' \"c\" \"d\""),
        ("a – b — c ‒ d − e", "a - b - c - d - e"),
        ("wait…", "wait..."),
        ("  x\u00a0\u2009y\t\n z  ", "x y z"),
        ("Straße", "strasse"),
        ("ﬁnal", "final"),
        ("Cafe\u0301", "café"),
        ("soft\u00adhyphen", "softhyphen"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# --- locate -------------------------------------------------------------------------------------


def test_locate_every_seed_sentence(article: str, sentences: list[Sentence]) -> None:
    checked = 0
    for s in sentences:
        if article.find(s.text) != s.start:
            continue  # an identical sentence text occurs earlier; the first one wins
        assert locate(s.text, article) == (s.start, s.end)
        checked += 1
    assert checked == len(sentences)


def test_locate_straight_quotes_and_whitespace(article: str) -> None:
    quote = '"Russia once again targeted   substations that power the Khmelnytskyi\nand Rivne'
    found = locate(quote, article)
    assert found == (2502, 2579)
    assert article[2502:2579] == (
        "“Russia once again targeted substations that power the Khmelnytskyi and Rivne"
    )


def test_locate_straight_apostrophe_and_case(article: str) -> None:
    found = locate("RUSSIA'S DEFENSE MINISTRY said sunday", article)
    assert found is not None
    assert article[found[0] : found[1]] == "Russia’s defense ministry said Sunday"


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Some 20,000 households were affected", "Some 20,000 households were affected"),
        ("Some 20,000 households were affected.", "Some 20,000 households were affected"),
        ("…Some 20,000 households were affected...", "Some 20,000 households were affected"),
        ("  'Some 20,000 households were affected'  ", "Some 20,000 households were affected"),
        ("caused “serious damage” to power", "caused “serious damage” to power"),
        ('"serious damage"', "“serious damage”"),
        ("in Europe.", "in Europe."),
        ('nuclear safety in Europe."', "nuclear safety in Europe.”"),
        ("well-planned strikes", "well-planned strikes"),
        ("KYIV, Ukraine (AP) - Ukrainian strikes", "KYIV, Ukraine (AP) — Ukrainian strikes"),
        ("U.S.-led diplomatic efforts", "U.S.-led diplomatic efforts"),
    ],
)
def test_locate_returns_original_substring(article: str, quote: str, expected: str) -> None:
    found = locate(quote, article)
    assert found is not None
    assert article[found[0] : found[1]] == expected


@pytest.mark.parametrize(
    "quote",
    [
        "Some 20,000 homes were affected",  # one word changed
        "Some 30,000 households were affected",  # number changed
        "A drone strike temporarily caused blackouts and cut power to parts of Voronezh",
        "0,000 households",  # starts inside a number
        "ome 20,000 households",  # starts inside a word
        "Kyivs",
        "ab",
        "...",
        "“”",
        "",
    ],
)
def test_locate_rejects(article: str, quote: str) -> None:
    assert locate(quote, article) is None


@pytest.mark.parametrize(
    ("quote", "text", "expected"),
    [
        ("STRASSE ist", "Die Straße ist lang", (4, 14)),
        ("final answer", "The ﬁnal answer.", (4, 15)),
        ("cafe\u0301 open", "The café open", (4, 13)),
        ("a - b", "x a\u00a0—\u00a0b y", (2, 7)),
        ("said … then", "he said… then", None),
        ("20,000 households", "Some 120,000 households", None),
        ("rose to 5", "rose to 5.6 percent", None),
        ("the cat", "The cat and the cat.", (0, 7)),
        ("the cat.", "x The cat. The cat.", (2, 10)),
        ("soft hyphen", "soft hy\u00adphen", (0, 12)),
    ],
)
def test_locate_mapping_edge_cases(quote: str, text: str, expected: tuple[int, int] | None) -> None:
    assert locate(quote, text) == expected


# --- contains_phrase ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Rivne", True),
        ("rivne nuclear", True),
        ("Kyiv", True),
        ("Alexander Gusev", True),
        ("late Saturday", True),
        ("late on Saturday", True),
        ("February 2022", True),
        ("U.S.", True),
        ("Russia’s defense ministry", True),
        ("Russia's defense ministry", True),
        ("Russia", True),
        ("Russ", False),
        ("Kharkiv", False),
        ("late Sunday", False),
        ("", False),
    ],
)
def test_contains_phrase_in_seed(article: str, phrase: str, expected: bool) -> None:
    assert contains_phrase(article, phrase) is expected


@pytest.mark.parametrize(
    ("haystack", "phrase", "expected"),
    [
        ("the Rivne nuclear plant", "Rivne", True),
        ("Kyivstar was hacked", "Kyiv", False),
        ("in Kyiv.", "Kyiv", True),
        ("Kyiv’s mayor", "kyiv", True),
        ("on 9  November", "9 November", True),
        ("on 19 November", "9 November", False),
    ],
)
def test_contains_phrase_word_boundaries(haystack: str, phrase: str, expected: bool) -> None:
    assert contains_phrase(haystack, phrase) is expected
