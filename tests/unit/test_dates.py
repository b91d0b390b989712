"""Exact-value tests for resolving article date phrases against the publication date."""

from datetime import date

import pytest

from service.grounding.dates import ResolvedDate, find_date_phrases, resolve_date

SUNDAY = date(2025, 11, 9)  # the main anchor: a Sunday, so weekday rules are easy to read
UNKNOWN = ResolvedDate(None, None, "unknown")


def day(year: int, month: int, dom: int) -> ResolvedDate:
    return ResolvedDate(date(year, month, dom), None, "day")


def span(start: date, end: date, precision: str) -> ResolvedDate:
    return ResolvedDate(start, end, precision)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # weekdays: the latest such day on or before publication
        ("Sunday", day(2025, 11, 9)),
        ("late on Saturday", day(2025, 11, 8)),
        ("Saturday night", day(2025, 11, 8)),
        ("early Sunday", day(2025, 11, 9)),
        ("Sunday morning", day(2025, 11, 9)),
        ("Friday", day(2025, 11, 7)),
        ("on Friday", day(2025, 11, 7)),
        ("FRIDAY.", day(2025, 11, 7)),
        ("Friday’s strikes", day(2025, 11, 7)),
        ("strikes on Friday", day(2025, 11, 7)),
        ("“on Monday”", day(2025, 11, 3)),
        ("last Friday", day(2025, 11, 7)),
        ("last Sunday", day(2025, 11, 2)),
        ("this past Sunday", day(2025, 11, 2)),
        ("next Tuesday", day(2025, 11, 11)),
        ("next Sunday", day(2025, 11, 16)),
        ("next Monday", day(2025, 11, 10)),
        ("Friday last week", day(2025, 10, 31)),
        # days relative to publication
        ("today", day(2025, 11, 9)),
        ("earlier today", day(2025, 11, 9)),
        ("this morning", day(2025, 11, 9)),
        ("this afternoon", day(2025, 11, 9)),
        ("this evening", day(2025, 11, 9)),
        ("tonight", day(2025, 11, 9)),
        ("yesterday", day(2025, 11, 8)),
        ("late yesterday", day(2025, 11, 8)),
        ("last night", day(2025, 11, 8)),
        ("tomorrow", day(2025, 11, 10)),
        ("the day before yesterday", day(2025, 11, 7)),
        ("three days ago", day(2025, 11, 6)),
        ("3 days ago", day(2025, 11, 6)),
        ("ten days ago", day(2025, 10, 30)),
        ("a day ago", day(2025, 11, 8)),
        # nights straddle two dates
        ("during the night", span(date(2025, 11, 8), date(2025, 11, 9), "day")),
        ("overnight", span(date(2025, 11, 8), date(2025, 11, 9), "day")),
        ("in the night", span(date(2025, 11, 8), date(2025, 11, 9), "day")),
        # absolute days
        ("2025-11-09", day(2025, 11, 9)),
        ("2025-11-09T03:00:00Z", day(2025, 11, 9)),
        ("November 9, 2025", day(2025, 11, 9)),
        ("Nov. 9, 2025", day(2025, 11, 9)),
        ("9 November 2025", day(2025, 11, 9)),
        ("on Nov. 3", day(2025, 11, 3)),
        ("Nov. 3", day(2025, 11, 3)),
        ("Nov 3", day(2025, 11, 3)),
        ("November 3rd", day(2025, 11, 3)),
        ("3 November", day(2025, 11, 3)),
        ("the 3rd of November", day(2025, 11, 3)),
        ("Sept. 14", day(2025, 9, 14)),
        ("Sep 14", day(2025, 9, 14)),
        ("on Dec. 25", day(2025, 12, 25)),  # upcoming, within two months of publication
        ("Jan. 5", day(2026, 1, 5)),
        ("Feb. 3", day(2025, 2, 3)),  # three months ahead is too far: last February
        ("Nov. 3 last year", day(2024, 11, 3)),
        ("March 3, 2014", day(2014, 3, 3)),
        # weeks
        ("this week", span(date(2025, 11, 3), date(2025, 11, 9), "week")),
        ("earlier this week", span(date(2025, 11, 3), date(2025, 11, 9), "week")),
        ("last week", span(date(2025, 10, 27), date(2025, 11, 2), "week")),
        ("next week", span(date(2025, 11, 10), date(2025, 11, 16), "week")),
        ("two weeks ago", span(date(2025, 10, 20), date(2025, 10, 26), "week")),
        ("a week ago", span(date(2025, 10, 27), date(2025, 11, 2), "week")),
        # months
        ("in February 2022", span(date(2022, 2, 1), date(2022, 2, 28), "month")),
        ("February 2022", span(date(2022, 2, 1), date(2022, 2, 28), "month")),
        ("Feb. 2022", span(date(2022, 2, 1), date(2022, 2, 28), "month")),
        ("in February 2024", span(date(2024, 2, 1), date(2024, 2, 29), "month")),
        ("in August", span(date(2025, 8, 1), date(2025, 8, 31), "month")),
        ("in November", span(date(2025, 11, 1), date(2025, 11, 30), "month")),
        ("in December", span(date(2024, 12, 1), date(2024, 12, 31), "month")),
        ("last February", span(date(2025, 2, 1), date(2025, 2, 28), "month")),
        ("last November", span(date(2024, 11, 1), date(2024, 11, 30), "month")),
        ("in May", span(date(2025, 5, 1), date(2025, 5, 31), "month")),
        ("mid-March", span(date(2025, 3, 1), date(2025, 3, 31), "month")),
        ("in March last year", span(date(2024, 3, 1), date(2024, 3, 31), "month")),
        ("this month", span(date(2025, 11, 1), date(2025, 11, 30), "month")),
        ("earlier this month", span(date(2025, 11, 1), date(2025, 11, 30), "month")),
        ("last month", span(date(2025, 10, 1), date(2025, 10, 31), "month")),
        ("two months ago", span(date(2025, 9, 1), date(2025, 9, 30), "month")),
        # years
        ("in 2014", span(date(2014, 1, 1), date(2014, 12, 31), "year")),
        ("2014", span(date(2014, 1, 1), date(2014, 12, 31), "year")),
        ("since 2014", span(date(2014, 1, 1), date(2014, 12, 31), "year")),
        ("this year", span(date(2025, 1, 1), date(2025, 12, 31), "year")),
        ("earlier this year", span(date(2025, 1, 1), date(2025, 12, 31), "year")),
        ("last year", span(date(2024, 1, 1), date(2024, 12, 31), "year")),
        # the most specific expression in a phrase wins
        ("Friday, Nov. 7, 2025", day(2025, 11, 7)),
        ("last week, on Friday", day(2025, 10, 31)),
        ("yesterday, in 2014 terms", day(2025, 11, 8)),
        (
            "in February 2022 and again last week",
            span(date(2025, 10, 27), date(2025, 11, 2), "week"),
        ),
        # no anchor, too vague, or not a date at all
        ("", UNKNOWN),
        ("   ", UNKNOWN),
        ("the day before", UNKNOWN),
        ("the following morning", UNKNOWN),
        ("recently", UNKNOWN),
        ("a few days ago", UNKNOWN),
        ("over the weekend", UNKNOWN),
        ("in the 1990s", UNKNOWN),
        ("protesters may march again", UNKNOWN),
        ("Fridays", UNKNOWN),
        ("Jan", span(date(2025, 1, 1), date(2025, 1, 31), "month")),
        ("Jan Smith said", UNKNOWN),
        ("Feb. 30", UNKNOWN),
        ("2025-13-45T00:00:00Z", span(date(2025, 1, 1), date(2025, 12, 31), "year")),
    ],
)
def test_resolves_against_a_sunday(phrase: str, expected: ResolvedDate) -> None:
    assert resolve_date(phrase, SUNDAY) == expected


def test_none_phrase_is_unknown() -> None:
    assert resolve_date(None, SUNDAY) == UNKNOWN


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2025-11-09", day(2025, 11, 9)),
        ("Nov. 9, 2025", day(2025, 11, 9)),
        ("9 November 2025", day(2025, 11, 9)),
        ("in February 2022", span(date(2022, 2, 1), date(2022, 2, 28), "month")),
        ("in 2014", span(date(2014, 1, 1), date(2014, 12, 31), "year")),
        ("in March 2014", span(date(2014, 3, 1), date(2014, 3, 31), "month")),
        ("Nov. 3 in 2014", day(2014, 11, 3)),
        ("Friday", UNKNOWN),
        ("last Friday", UNKNOWN),
        ("yesterday", UNKNOWN),
        ("today", UNKNOWN),
        ("during the night", UNKNOWN),
        ("last week", UNKNOWN),
        ("this month", UNKNOWN),
        ("last year", UNKNOWN),
        ("three days ago", UNKNOWN),
        ("Nov. 3", UNKNOWN),
        ("in August", UNKNOWN),
        ("Friday last week", UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_without_publication_date_only_absolute_phrases_resolve(
    phrase: str | None, expected: ResolvedDate
) -> None:
    assert resolve_date(phrase, None) == expected


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        # year boundary: a late-December date read in early January is last year's
        ("Dec. 30", date(2026, 1, 2), day(2025, 12, 30)),
        ("yesterday", date(2026, 1, 1), day(2025, 12, 31)),
        ("Wednesday", date(2026, 1, 2), day(2025, 12, 31)),
        ("last week", date(2026, 1, 2), span(date(2025, 12, 22), date(2025, 12, 28), "week")),
        ("last month", date(2026, 1, 15), span(date(2025, 12, 1), date(2025, 12, 31), "month")),
        ("in December", date(2026, 1, 15), span(date(2025, 12, 1), date(2025, 12, 31), "month")),
        ("last year", date(2026, 1, 2), span(date(2025, 1, 1), date(2025, 12, 31), "year")),
        ("during the night", date(2026, 1, 1), span(date(2025, 12, 31), date(2026, 1, 1), "day")),
        # month ends and leap years
        ("tomorrow", date(2025, 1, 31), day(2025, 2, 1)),
        ("tomorrow", date(2024, 2, 28), day(2024, 2, 29)),
        ("yesterday", date(2024, 3, 1), day(2024, 2, 29)),
        ("yesterday", date(2025, 3, 1), day(2025, 2, 28)),
        ("last month", date(2024, 3, 31), span(date(2024, 2, 1), date(2024, 2, 29), "month")),
        ("in February", date(2024, 3, 10), span(date(2024, 2, 1), date(2024, 2, 29), "month")),
        ("this month", date(2025, 4, 30), span(date(2025, 4, 1), date(2025, 4, 30), "month")),
        ("Feb. 29", date(2024, 3, 10), day(2024, 2, 29)),
        ("Feb. 29", date(2025, 3, 10), day(2024, 2, 29)),
        # same weekday as publication: bare means that day, "last" means a week earlier
        ("Friday", date(2025, 11, 7), day(2025, 11, 7)),
        ("last Friday", date(2025, 11, 7), day(2025, 10, 31)),
        ("next Friday", date(2025, 11, 7), day(2025, 11, 14)),
    ],
)
def test_edge_cases(phrase: str, published: date, expected: ResolvedDate) -> None:
    assert resolve_date(phrase, published) == expected


def test_result_is_immutable() -> None:
    result = resolve_date("Friday", SUNDAY)
    with pytest.raises(AttributeError):
        result.precision = "year"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("phrase", "start", "end", "precision"),
    [
        ("el sábado", date(2025, 11, 8), None, "day"),
        ("el domingo", date(2025, 11, 9), None, "day"),
        ("anoche", date(2025, 11, 8), None, "day"),
        ("ayer por la tarde", date(2025, 11, 8), None, "day"),
        ("la semana pasada", date(2025, 10, 27), date(2025, 11, 2), "week"),
        ("durante la noche", date(2025, 11, 8), date(2025, 11, 9), "day"),
        ("mañana", None, None, "unknown"),
    ],
)
def test_spanish_relative_dates(
    phrase: str, start: date | None, end: date | None, precision: str
) -> None:
    assert resolve_date(phrase, date(2025, 11, 9)) == ResolvedDate(start, end, precision)


@pytest.mark.parametrize(
    ("text", "phrase", "day"),
    [
        ("une attaque lancée dans la nuit de mercredi à jeudi contre la ville",
         "dans la nuit de mercredi à jeudi", date(2026, 5, 20)),
        ("Gunmen struck overnight Wednesday into Thursday.", "overnight Wednesday into Thursday",
         date(2026, 5, 20)),
    ],
)  # fmt: skip
def test_a_night_between_two_days_is_the_first_day_s(text: str, phrase: str, day: date) -> None:
    [(start, end)] = find_date_phrases(text)
    assert text[start:end] == phrase
    assert resolve_date(phrase, date(2026, 5, 22)).start == day
