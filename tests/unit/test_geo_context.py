"""Issue 24: a pin only where the article's context puts it, small places, and ISO admin1.

Each pair is one name in two (or three) short articles whose context decides it. With the
context rule off (`context=False`: population alone decides), each case below pins the
wrong country or pins where it should not: the rule is what gets them right.
"""

from __future__ import annotations

import pytest

from service.evaluation.places import km
from service.geo.geocode import Resolved, resolve_places

PAIRS = [
    (
        "Blackheath",
        "KATOOMBA, Australia — A bushfire forced residents of Blackheath to leave on Sunday, "
        "the New South Wales Rural Fire Service said.",
        ("AU", "AU-NSW", -33.636, 150.283),
    ),
    (
        "Paris",
        "DALLAS — A tornado damaged homes in Paris, Texas, on Sunday, the National Weather "
        "Service said.",
        ("US", "US-TX", 33.661, -95.556),
    ),
    (
        "Tripoli",
        "BEIRUT — Clashes broke out in Tripoli, Lebanon's second city, on Sunday, the army said.",
        ("LB", "LB-AS", 34.437, 35.85),
    ),
    (
        "Victoria",
        "VANCOUVER — Protesters gathered outside the legislature in Victoria, British "
        "Columbia, on Monday.",
        ("CA", "CA-BC", 48.433, -123.369),
    ),
    (
        "Victoria",
        "Police in the Seychelles said a fire broke out in Victoria on Monday.",
        ("SC", "SC-16", -4.62, 55.455),
    ),
    (
        "Hyderabad",
        "KARACHI, Pakistan — Floods hit Hyderabad in Sindh province on Monday.",
        ("PK", "PK-SD", 25.392, 68.374),
    ),
    (
        "Santiago",
        "SANTO DOMINGO — Protesters blocked roads in Santiago on Monday, Dominican police said.",
        ("DO", "DO-25", 19.451, -70.697),
    ),
    (
        "Santiago",
        "MADRID — Pilgrims crowded Santiago on Monday as Galicia's regional government "
        "declared a holiday, Spanish officials said.",
        ("ES", "ES-GA", 42.88, -8.545),
    ),
]


def one(place: str, text: str, *, context: bool = True) -> Resolved:
    return resolve_places([place], text, context=context)[0]


@pytest.mark.parametrize(("place", "text", "want"), PAIRS)
def test_the_article_decides_which_namesake(
    place: str, text: str, want: tuple[str, str, float, float]
) -> None:
    country, admin1_code, lat, lon = want
    got = one(place, text)
    assert (got.country, got.admin1_code, got.precision) == (country, admin1_code, "city")
    assert got.latitude is not None and got.longitude is not None
    assert km(got.latitude, got.longitude, lat, lon) < 10
    # without the context, population alone picks a namesake elsewhere
    assert one(place, text, context=False).country != country


@pytest.mark.parametrize(
    ("place", "text", "country"),
    [
        (
            "Paris",
            "Thousands marched in Paris on Sunday against pension reform, unions said.",
            "FR",
        ),
        (
            "Victoria",
            "MELBOURNE — Floods hit northern Victoria on Monday, Australian officials said.",
            "AU",
        ),
        (
            "Hyderabad",
            "Protesters blocked roads in Hyderabad, Telangana, on Monday, Indian police said.",
            "IN",
        ),
        ("Santiago", "Thousands marched in Santiago on Monday, Chilean police said.", "CL"),
    ],
)
def test_the_other_namesake_when_the_article_says_so(place: str, text: str, country: str) -> None:
    assert one(place, text).country == country


def test_a_namesake_in_a_country_the_article_does_not_support_is_no_pin() -> None:
    text = "LAGOS, Nigeria — Police said a protest took place in Blackheath on Sunday."
    got = one("Blackheath", text)
    assert (got.precision, got.country, got.latitude, got.rule) == (
        "unknown",
        None,
        None,
        "no-supported-country",
    )
    assert one("Blackheath", text, context=False).country == "GB"  # the rule is what stops it


def test_a_city_known_by_name_needs_no_country_named() -> None:
    assert (
        one("Geneva", "Negotiators met in Geneva on Monday, a spokesperson said.").country == "CH"
    )
    # a million people: known by name even where the article supports other countries
    text = "Kenyan and Ethiopian negotiators met in Istanbul on Monday, Kenya's ministry said."
    assert one("Istanbul", text).country == "TR"


def test_a_big_namesake_in_an_unsupported_country_is_no_pin() -> None:
    text = "Myanmar's military bombed a village in Kani township, Sagaing, on Monday."
    assert one("Kani", text).country != "JP"
    assert one("Kani", text, context=False).country == "JP"


@pytest.mark.parametrize(
    ("place", "text", "country", "admin1_code"),
    [
        (
            "Medlow Bath",
            "Fire crews defended homes in Medlow Bath, New South Wales, on Sunday.",
            "AU",
            "AU-NSW",
        ),
        (
            "Mount Victoria",
            "The fire reached Mount Victoria in the Blue Mountains of New South Wales.",
            "AU",
            "AU-NSW",
        ),
        ("Er Rahad", "The RSF seized Er Rahad in North Kordofan, Sudan, on Monday.", "SD", "SD-KN"),
    ],
)
def test_towns_of_a_few_thousand_people_get_a_pin(
    place: str, text: str, country: str, admin1_code: str
) -> None:
    got = one(place, text)
    assert (got.country, got.admin1_code, got.precision) == (country, admin1_code, "city")


@pytest.mark.parametrize(
    ("place", "text", "admin1", "code", "local"),
    [
        (
            "Manado",
            "Floods hit Manado, Indonesia, on Monday.",
            "North Sulawesi",
            "ID-SA",
            "Sulawesi Utara",
        ),
        (
            "Beijing",
            "Officials in Beijing, China, said on Monday.",
            "Beijing",
            "CN-BJ",
            "Beijing Shi",
        ),
        (
            "Voronezh",
            "A drone hit Voronezh, Russia, on Monday.",
            "Voronezh Oblast",
            "RU-VOR",
            "Voronezhskaya oblast'",
        ),
    ],
)
def test_admin1_comes_with_its_iso_code_and_english_name(
    place: str, text: str, admin1: str, code: str, local: str
) -> None:
    got = one(place, text)
    assert (got.admin1, got.admin1_code, got.admin1_local) == (admin1, code, local)


def test_a_place_the_gazetteer_lacks_takes_the_town_the_article_puts_it_in() -> None:
    got = one("Xoloville", "Workers clashed with police in Xoloville, Gazipur, on Monday.")
    assert (got.name, got.country, got.precision, got.rule) == (
        "Gazipur",
        "BD",
        "city",
        "in:city:population",
    )
    got = one("Xolo Square", "Crowds filled Xolo Square in Lima, Peru, on Monday.")
    assert (got.name, got.country, got.facility) == ("Lima", "PE", True)
    # with nothing to put it in, still no pin
    assert one("Xoloville", "Workers clashed with police in Xoloville on Monday.").precision == (
        "unknown"
    )


def test_the_namesake_inside_the_unit_the_article_names() -> None:
    text = (
        "ODESA, Ukraine — Drones hit the port overnight. Officials in the neighbouring "
        "Mykolaiv region said debris had damaged a power line near the village of Shevchenkove."
    )
    got = one("Shevchenkove", text)
    assert (got.country, got.admin1_code) == ("UA", "UA-48")
    # none known there: the unit stands in ("San Luis, in Napo province": not Chimborazo's)
    text = "A landslide buried the pipeline in the parish of San Luis, in Napo province, Ecuador."
    got = one("San Luis", text)
    assert (got.name, got.precision, got.admin1_code) == ("Napo", "region", "EC-N")


def test_a_township_is_its_seat_town_when_no_unit_bears_the_name() -> None:
    text = "Jets bombed a monastery in the village of Kan Taw, in Sagaing's Ye-U township, Myanmar."
    got = one("Kan Taw", text)
    assert (got.name, got.precision, got.country) == ("Ye-u", "city", "MM")


def test_other_spellings_of_a_name() -> None:
    text = "A drone hit an ambulance on the road between Taiz and Al-Turbah, Yemen, on Monday."
    assert (one("Al-Turbah", text).name, one("Al-Turbah", text).country) == ("At Turbah", "YE")


def test_a_province_named_in_spanish_is_the_province() -> None:
    text = (
        "LIMA — Un sismo sacudió la provincia de Caylloma, en la región Arequipa, y dejó "
        "cuatro muertos. En Caylloma, las escuelas cerraron."
    )
    got = one("Caylloma", text)
    assert (got.precision, got.admin1_code) == ("region", "PE-ARE")


def test_a_landmark_takes_the_filing_city_unless_its_paragraph_names_another() -> None:
    text = (
        "FAISALABAD: A boiler exploded at a textile unit on Sargodha Road, rescue officials said."
    )
    got = one("Sargodha Road", text)
    assert (got.name, got.facility, got.rule) == ("Faisalabad", True, "in:dateline")
    text = (
        "NOUAKCHOTT - The president arrived on Wednesday.\n"
        "In Saint-Louis, hundreds of fishermen marched on the Faidherbe bridge on Tuesday."
    )
    assert one("Faidherbe bridge", text).precision == "unknown"
    # a village is not a landmark: the filing city does not stand in for it
    text = "BAMAKO - A drone strike hit the village of Xolo-Koumbé on Tuesday, residents said."
    assert one("Xolo-Koumbé", text).precision == "unknown"


def test_a_region_of_several_words_is_context() -> None:
    text = "A jury found him guilty in the High Court at Tauranga, in the Bay of Plenty."
    got = one("Tauranga", text)
    assert (got.country, got.admin1_code) == ("NZ", "NZ-BOP")


def test_a_village_takes_the_one_district_its_article_names() -> None:
    text = (
        "PESHAWAR, Pakistan — Gunmen attacked a convoy in Kurram district on Tuesday.\n"
        "The convoy came under fire near the village of Xolobagan, an official said."
    )
    got = one("Xolobagan", text)
    assert (got.precision, got.country, got.admin1_code, got.rule) == (
        "region",
        "PK",
        "PK-KP",
        "in:article",
    )
    assert got.name is not None and "Kurram" in got.name
    # two districts: which one is not said, so no pin
    text = text.replace("in Kurram district", "in Kurram district and Orakzai district")
    assert one("Xolobagan", text).precision == "unknown"


def test_a_named_part_of_the_filing_town_takes_the_town() -> None:
    text = (
        "BAUKO, Philippines — Rescuers dug through mud in Sitio Xolamut, where a "
        "landslide buried a dozen houses."
    )
    got = one("Sitio Xolamut", text)
    assert (got.name, got.country, got.facility, got.rule) == ("Bauko", "PH", False, "in:dateline")
    text = "ACCRA, Sept 24 - Bank shares fell on the Xolo Stock Exchange on Thursday."
    got = one("Xolo Stock Exchange", text)
    assert (got.name, got.facility) == ("Accra", True)


def test_a_village_whose_only_namesakes_are_abroad_takes_its_district() -> None:
    # Bagan is a town in Myanmar; in a story about Kurram district it is a Pakistani village
    text = (
        "PESHAWAR, Pakistan — Gunmen attacked a convoy in Kurram district on Tuesday.\n"
        "The convoy came under fire near the village of Bagan, an official said."
    )
    got = one("Bagan", text)
    assert (got.country, got.admin1_code, got.precision) == ("PK", "PK-KP", "region")


def test_a_factory_named_for_its_town_is_in_the_town() -> None:
    # "its Xolo plant" is a factory in Zwickau, not a facility named after Saxony
    text = "BERLIN — The supplier will close its Zwickau plant next year, cutting 1,400 jobs."
    got = one("Zwickau", text)
    assert (got.name, got.precision, got.facility) == ("Zwickau", "city", False)
    # a power plant is still named for its region ("the Rivne nuclear power plant")
    text = "KYIV, Ukraine — Strikes hit substations of the Rivne nuclear power plant."
    assert (one("Rivne", text).precision, one("Rivne", text).facility) == ("region", True)


def test_common_words_and_shared_region_names_are_no_context() -> None:
    # "North" and "Coast" are admin1s somewhere; here they are words, and say nothing
    text = "Fire crews on the North Coast moved north on Monday, the coast guard said."
    from service.geo._context import context, mentions
    from service.geo._gazetteer import gazetteer

    ctx = context(mentions(gazetteer(), text), "")
    assert not ctx.votes and not ctx.admin1


def test_the_issues_landmarks() -> None:
    got = one("Zamzam camp", "Paramilitary forces shelled Zamzam camp near El Fasher, Sudan.")
    assert (got.name, got.country, got.facility, got.precision) == ("El Fasher", "SD", True, "city")
    got = one("plaza San Martín", "LIMA, Peru — Thousands gathered in plaza San Martín in Lima.")
    assert (got.name, got.admin1_code, got.facility) == ("Lima", "PE-LMA", True)
    got = one(
        "Zaporizhzhia nuclear plant",
        "KYIV, Ukraine — Drones hit near the Zaporizhzhia nuclear plant.",
    )
    assert (got.precision, got.admin1_code, got.facility) == ("region", "UA-23", True)
    # a list is not a container: Cali does not hold Bogotá
    text = "Protests spread to Bogotá, Cali and Medellín, Colombia, on Monday."
    assert one("Bogotá", text).name == "Bogotá"


def test_where_the_article_puts_a_town_overrules_a_far_namesake() -> None:
    # "X, a village in the municipality of Y": Y says which X (or stands in for it)
    text = "Floods cut off Blackheath, a village in the municipality of Lagos, Nigeria, on Monday."
    got = one("Blackheath", text)
    assert (got.country, got.name) == ("NG", "Lagos")
    # "In Y, …" opens the sentence: a namesake far from Y is another place (here a building
    # of Lima, not the city in Piura, 900 km north)
    text = "Peruvian police said so on Monday.\nIn Lima, ministers met at Sullana on Monday."
    got = one("Sullana", text)
    assert (got.country, got.name, got.facility) == ("PE", "Lima", True)


def test_the_filing_town_votes_for_its_country_whatever_its_size() -> None:
    text = "BATHURST: Fire crews defended homes in Blackheath on Sunday, the fire service said."
    assert one("Blackheath", text).country == "AU"  # Bathurst, 37,000 people, votes for it


def test_a_county_named_by_its_prefect_is_the_county() -> None:
    text = "The prefect of Harghita said roads near Harghita were closed on Monday, Romania."
    got = one("Harghita", text)
    assert (got.precision, got.country) == ("region", "RO")


def test_a_numbered_route_is_a_landmark() -> None:
    text = "Protesters blocked Ruta 5 near Osorno, Chile, on Monday."
    got = one("Ruta 5", text)
    assert (got.name, got.facility) == ("Osorno", True)


def test_namesakes_far_apart_in_one_country_are_no_pin_unless_the_admin1_is_named() -> None:
    text = "KYIV, Ukraine — Debris damaged a power line near the village of Shevchenkove."
    got = one("Shevchenkove", text)
    assert (got.precision, got.rule) == ("unknown", "ambiguous")
    assert one("Shevchenkove", text, context=False).precision == "city"  # a guess, without it
    text = text.replace("Shevchenkove.", "Shevchenkove, officials in the Mykolaiv region said.")
    assert one("Shevchenkove", text).admin1_code == "UA-48"


@pytest.mark.parametrize(
    ("text", "country", "admin1_code"),
    [
        ("KEMPSEY, NSW — Fire crews defended homes in Blackheath on Sunday.", "AU", "AU-NSW"),
        ("PARIS, Tenn. (AP) — A tornado tore through the town on Sunday.", "US", "US-TN"),
        ("Crews in Paris, Ky., cleared debris on Sunday, officials said.", "US", "US-KY"),
    ],
)
def test_wire_abbreviations_of_states_are_their_admin1(
    text: str, country: str, admin1_code: str
) -> None:
    place = "Blackheath" if "Blackheath" in text else "Paris"
    got = one(place, text)
    assert (got.country, got.admin1_code) == (country, admin1_code)


def test_the_outlets_country_domain_supports_its_country() -> None:
    text = "Fire crews defended homes in Blackheath on Sunday, the fire service said."
    assert one("Blackheath", text).precision == "unknown"  # which Blackheath: not said
    got = resolve_places(["Blackheath"], text, outlet="https://www.smh.com.au/national/fire")
    assert (got[0].country, got[0].admin1_code) == ("AU", "AU-NSW")
    got = resolve_places(["Blackheath"], text, outlet="https://www.bbc.co.uk/news/london")
    assert got[0].country == "GB"
    # a country domain sold as a generic name is no outlet's country
    assert resolve_places(["Blackheath"], text, outlet="https://news.io/x")[0].country is None


@pytest.mark.parametrize(
    ("place", "text", "town"),
    [
        (
            "Dadaab refugee camp",
            "Cholera cases rose in Dadaab refugee camp, Kenya's health ministry said.",
            "Dadaab",
        ),
        (
            "Garissa County Referral Hospital",
            "Two patients died at the Garissa County Referral Hospital in Kenya on Monday.",
            "Garissa",
        ),
        (
            "Obuasi gold mine",
            "Ghana's minerals commission suspended work at the Obuasi gold mine on Friday.",
            "Obuase",  # GeoNames' spelling
        ),
        (
            "Arima Community Centre",
            "Trinidad and Tobago's disaster agency opened the Arima Community Centre as a shelter.",
            "Arima",
        ),
    ],
)
def test_a_landmark_named_after_its_town_is_in_that_town(place: str, text: str, town: str) -> None:
    # the town is the landmark name's opening words, however many words follow it
    got = one(place, text)
    assert (got.name, got.precision, got.facility) == (town, "city", True)


def test_a_quarter_of_a_city_is_in_that_city() -> None:
    text = "Gunmen clashed in the Bab Xolo district of Tripoli, Lebanon, on Monday."
    got = one("Bab Xolo", text)
    assert (got.name, got.country, got.precision) == ("Tripoli", "LB", "city")
    text = "MULTAN: A gas cylinder exploded at a shop in Xolabad Unit 7 on Sunday, police said."
    got = one("Xolabad Unit 7", text)
    assert (got.name, got.country, got.rule) == ("Multan", "PK", "in:dateline")


def test_a_district_in_a_country_the_article_does_not_support_is_no_pin() -> None:
    # Chile has a Punilla Province; the Argentine story means Córdoba's departamento
    text = "CÓRDOBA, Argentina — Un incendio avanza por las sierras del departamento Punilla."
    got = one("departamento Punilla", text)
    assert (got.country, got.admin1_code, got.precision) == ("AR", "AR-X", "region")


def test_a_landmark_is_never_in_a_shorter_part_of_its_towns_name() -> None:
    text = "PORT MORESBY, Papua New Guinea — Three patients died at Port Moresby General Hospital."
    got = one("Port Moresby General Hospital", text)
    assert (got.name, got.country, got.facility) == ("Port Moresby", "PG", True)
    # "San" is a town in Mali too, 150 km from Mopti: "San Xolo Hospital" is not in it
    text = "MOPTI, Mali — Patients were moved from San Xolo Hospital on Monday, officials said."
    got = one("San Xolo Hospital", text)
    assert (got.name, got.rule, got.facility) == ("Mopti", "in:dateline", True)


def test_a_malformed_outlet_url_supports_nothing_and_never_raises() -> None:
    text = "Protesters blocked a road in Victoria on Monday."
    got = resolve_places(["Victoria"], text, outlet="http://[news.example.com.au")[0]
    assert got == resolve_places(["Victoria"], text)[0]  # as if no outlet were given
