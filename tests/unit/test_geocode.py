"""service.geo.resolve_places: the seed's done-when cases, rules, and every gold place."""

from __future__ import annotations

import pytest

from service.evaluation.gold import GoldPlace, find_cases
from service.evaluation.places import judge, km, place_counts, place_results
from service.geo.folding import fold
from service.geo.geocode import Resolved, resolve_places
from tests.support.articles import SEEDS

TEXT = (SEEDS / "ap-ukraine-energy-strikes.txt").read_text(encoding="utf-8")


def one(place: str, text: str = TEXT) -> Resolved:
    return resolve_places([place], text)[0]


@pytest.mark.parametrize(
    ("place", "admin1", "lat", "lon"),
    [
        ("Voronezh", "Voronezh Oblast", 51.672, 39.184),
        ("Belgorod", "Belgorod Oblast", 50.595, 36.587),
    ],
)
def test_seed_cities_are_cities_in_their_oblast(
    place: str, admin1: str, lat: float, lon: float
) -> None:
    r = one(place)
    assert (r.name, r.admin1, r.country, r.precision, r.facility) == (
        place,
        admin1,
        "RU",
        "city",
        False,
    )
    assert r.latitude is not None and r.longitude is not None
    assert km(r.latitude, r.longitude, lat, lon) < 25


@pytest.mark.parametrize(
    ("place", "admin1"), [("Bryansk", "Bryansk Oblast"), ("Rostov", "Rostov Oblast")]
)
def test_two_southwestern_regions_are_regions(place: str, admin1: str) -> None:
    # "... in two southwestern regions, Bryansk and Rostov"
    r = one(place)
    assert (r.name, r.admin1, r.country, r.precision) == (admin1, admin1, "RU", "region")
    assert r.rule == "region-cue" and r.latitude is not None


# The coordinates are the oblast's centroid, never the city's. Rivne lies ~40 km from its
# oblast's centroid; Khmelnytskyi city is near the middle of its oblast (its places span
# 48.5-50.5N, 26.2-27.7E), so any honest centroid is ~10 km from it: there we require only
# that the point is the oblast's and not the city's.
@pytest.mark.parametrize(
    ("place", "oblast", "city", "city_at", "apart_km"),
    [
        (
            "Khmelnytskyi nuclear power plant",
            "Khmelnytskyi Oblast",
            "Khmelnytskyi",
            (49.42, 26.98),
            5,
        ),
        ("the Rivne nuclear power plant", "Rivne Oblast", "Rivne", (50.62, 26.24), 30),
        ("Khmelnytskyi", "Khmelnytskyi Oblast", "Khmelnytskyi", (49.42, 26.98), 5),  # text cue
        ("Rivne", "Rivne Oblast", "Rivne", (50.62, 26.24), 30),
    ],
)
def test_nuclear_plants_resolve_to_their_oblast_not_the_city(
    place: str, oblast: str, city: str, city_at: tuple[float, float], apart_km: float
) -> None:
    r = one(place)
    assert (r.name, r.admin1, r.country) == (oblast, oblast, "UA")
    assert (r.precision, r.facility, r.rule) == ("region", True, "facility:namesake-region")
    region = one(oblast, f"Shelling was reported in {oblast}, Ukraine.")
    assert (region.precision, region.facility) == ("region", False)
    assert (r.latitude, r.longitude) == (region.latitude, region.longitude)
    assert r.latitude is not None and r.longitude is not None
    assert km(r.latitude, r.longitude, *city_at) > apart_km
    c = one(city, f"The city of {city} in western Ukraine.")
    assert c.precision == "city" and c.latitude is not None and c.longitude is not None
    assert km(c.latitude, c.longitude, *city_at) < 5
    assert (r.latitude, r.longitude) != (c.latitude, c.longitude)


def test_context_disambiguates_a_shared_name() -> None:
    plain = one("Paris", "Protesters marched in Paris on Saturday.")
    assert (plain.country, plain.rule) == ("FR", "city:population")
    texas = one("Paris", "A tornado hit Paris, Texas, on Sunday, officials said.")
    assert (texas.country, texas.admin1, texas.rule) == ("US", "Texas", "city:context")
    # American, but which of the Parises of Texas, Tennessee, Kentucky…? Not said: no pin
    us = one("Paris", "A tornado hit Paris on Sunday, the U.S. weather service said.")
    assert (us.precision, us.rule) == ("unknown", "ambiguous")


def test_the_anchor_picks_the_mention() -> None:
    text = (
        "Residents of La Ligua marched on Sunday. Later the minister declared the entire "
        "province of Petorca a water scarcity zone."
    )
    r = resolve_places(["Petorca"], text, ["declared the entire province of Petorca"])[0]
    assert (r.name, r.precision, r.country, r.admin1) == (
        "Petorca Province",
        "region",
        "CL",
        "Valparaíso",
    )


def test_an_unresolvable_place_is_all_null() -> None:
    r = one("Xqzzyville", "Fighting was reported in Xqzzyville.")
    assert r == Resolved("Xqzzyville", None, None, None, None, None, "unknown", False, r.rule)
    fac = one("Piedra Blanca reservoir", "Water from the Piedra Blanca reservoir in Chile.")
    assert (fac.precision, fac.facility, fac.latitude, fac.country) == ("unknown", True, None, None)


def test_a_country_mention() -> None:
    r = one("Ukraine")
    assert (r.name, r.country, r.admin1, r.precision) == ("Ukraine", "UA", None, "country")
    assert (r.latitude, r.longitude) == (49.0, 32.0)  # countryinfo's rough centre


def test_accents_fold_without_unidecode() -> None:
    names = ["Gdańsk", "Rabat-Salé-Kénitra", "Tillabéri", "Valparaíso", "Straße", "Łódź"]
    assert [fold(n) for n in names] == [
        "gdansk",
        "rabat-sale-kenitra",
        "tillaberi",
        "valparaiso",
        "strasse",
        "lodz",
    ]
    assert [fold(n) for n in ("Đakovo", "Tromsø", "Ærøskøbing", "Khmelnytskyi’s")] == [
        "dakovo",
        "tromso",
        "aeroskobing",
        "khmelnytskyi's",
    ]
    for place in ("Gdansk", "GDAŃSK", "gdańsk"):
        r = one(place, f"Dockers in {place}, Poland, walked out.")
        assert (r.name, r.country, r.precision) == ("Gdańsk", "PL", "city")
    assert one("Lodz", "A fire in Lodz, Poland.").name == "Łódź"


def test_batch_keeps_order_and_nulls() -> None:
    res = resolve_places(["Voronezh", None, "Bryansk"], TEXT)
    assert [r.precision for r in res] == ["city", "unknown", "region"]


# Judged by hand: every other gold place is right. Fataki and Tamou (villages) and the
# Piedra Blanca reservoir are not in the gazetteer: each is stood in for by the one district
# its article names (coarse: the right admin1, a region's centroid); Jajarkot's district has
# no GeoNames places (of 500+ people), so no centroid. None is guessed elsewhere.
# The merge gold's 34 places (seeds/merge/, issue 15) are all right: cities, and the
# provinces, oblasts and regions that contain them; so are the 32 of its held-out test
# (seeds/merge-test/: Peruvian regions and provinces, Brazilian, Chilean and Mozambican cities).
MISSED = {("quake-aid", "Jajarkot")}
COARSE = {
    ("contested-claims", "Fataki"),
    ("feature-long-drought", "Piedra Blanca reservoir"),
    ("sahel-village-attack", "Tamou"),
}


def test_every_gold_place_is_right_or_missed_never_wrong() -> None:
    cases = find_cases(
        [SEEDS, SEEDS / "unseen", SEEDS / "test", SEEDS / "merge", SEEDS / "merge-test"]
    )
    results = place_results(cases)
    assert place_counts(results) == {
        "right": 103,
        "missed": 2,
        "wrong": 0,
        "coarse": 3,
        "total": 108,
        "far": 0,
        "located": 108,
        "located_missed": 2,
        "pinned": 108,
        "admin1_code_right": 108,
    }
    assert {(r.case, r.query) for r in results if r.judgement == "missed"} == MISSED
    assert {(r.case, r.query) for r in results if r.judgement == "coarse"} == COARSE


def test_judge_tells_wrong_from_missed() -> None:
    gold = GoldPlace(
        name="Voronezh",
        admin1="Voronezh Oblast",
        country_code="RU",
        precision="city",
        latitude=51.668,
        longitude=39.192,
    )
    right = one("Voronezh")
    assert judge(gold, right)[0] == "right"
    assert judge(gold, one("Xqzzyville", "Fighting in Xqzzyville."))[0] == "missed"
    far = Resolved(
        "Voronezh", "Voronezh", "Voronezh Oblast", "RU", 50.0, 39.192, "city", False, "test"
    )
    verdict, distance = judge(gold, far)
    assert verdict == "wrong" and distance is not None and 180 < distance < 190
    elsewhere = one("Paris", "Protesters marched in Paris.")
    assert judge(gold, elsewhere)[0] == "wrong"


@pytest.mark.parametrize(
    ("folder", "right", "missed", "pinned"),
    [
        # (issue 24) written without reading service/; read since their first score;
        # blind-7 and blind-8 are checked below (seeds/EVAL.md, "Issue 24")
        ("blind-dev", 28, 7, 27),
        ("blind-3", 27, 7, 28),
        ("blind-4", 30, 9, 34),
        ("blind-5", 31, 5, 32),
        # read since its second score, through a helper's diagnosis of its far pins
        ("blind-test", 30, 4, 33),
        # written for places; read since its first score, the same way
        ("blind-6", 61, 6, 60),
    ],
)
def test_the_blind_sets_places_no_pin_far_off(
    folder: str, right: int, missed: int, pinned: int
) -> None:
    counts = place_counts(place_results(find_cases([SEEDS / folder])))
    assert counts["far"] == 0  # no pin more than 100 km from where the gold puts it
    assert counts["admin1_code_right"] == counts["pinned"]  # every pin's ISO admin1
    # the floors: what was measured (seeds/EVAL.md, "Issue 24"); raise them as they rise
    assert counts["right"] >= right and counts["pinned"] >= pinned
    assert counts["located_missed"] <= missed


@pytest.mark.parametrize(
    ("folder", "right", "missed", "far", "admin1_right"),
    [
        # nobody read their articles or gold for places: what they measure is what a user's
        # own articles get. blind-7 was used once, counts only, to reject one rule.
        ("blind-7", 37, 9, 2, 41),
        ("blind-8", 37, 8, 1, 49),
    ],
)
def test_the_unread_sets_places_do_not_get_worse(
    folder: str, right: int, missed: int, far: int, admin1_right: int
) -> None:
    counts = place_counts(place_results(find_cases([SEEDS / folder])))
    assert counts["far"] <= far  # the target is 0: these are what is left
    assert counts["right"] >= right and counts["admin1_code_right"] >= admin1_right
    assert counts["located_missed"] <= missed
