"""Event candidates found by code: triggers, dates, places, speakers and their slots.

Short articles written for these tests (not the gold set), so the rules are checked on text
they were not tuned on.
"""

from __future__ import annotations

from datetime import date

import pytest

from schemas import BriefingOptions, EventType
from service.grounding import mentions
from service.grounding.candidates import Candidate, find_candidates
from service.grounding.dates import find_date_phrases
from service.grounding.draft import Draft
from service.grounding.evidence import ArticleText
from service.grounding.lexicon import triggers
from service.grounding.text import split_sentences
from service.grounding.verify import verify
from service.llm.staged import draft_event


def _candidates(text: str) -> list[Candidate]:
    return find_candidates(ArticleText(text, split_sentences(text)))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Air defences shot down 12 drones over the city.", EventType.INTERCEPTION),
        ("Nurses joined the strike on Monday.", EventType.PROTEST),
        ("A missile strike hit the port.", EventType.ATTACK),
        ("The court sentenced him to five years.", EventType.LEGAL),
        ("Lawmakers passed a law on Tuesday.", EventType.POLICY),
        ("The two sides signed an agreement in Doha.", EventType.AGREEMENT),
        ("The bank raised its benchmark rate by 50 basis points.", EventType.ECONOMIC),
        ("Flash floods swept through the valley.", EventType.DISASTER),
        ("Thousands rallied outside parliament.", EventType.PROTEST),
        ("The ministers met in Geneva.", EventType.DIPLOMACY),
        ("She accused the army of lying.", EventType.ACCUSATION),
    ],
)
def test_the_most_specific_trigger_comes_first(sentence: str, expected: EventType) -> None:
    found = [t for t in triggers(sentence) if not t.speech]
    assert found and found[0].type == expected


def test_date_phrases_are_found_whole_in_english_and_spanish() -> None:
    text = "A missile strike late on Saturday hit it; el sábado, and on Wednesday evening too."
    found = [text[a:b] for a, b in find_date_phrases(text)]
    assert found == ["late on Saturday", "el sábado", "on Wednesday evening"]


def test_names_places_dateline_and_acronyms() -> None:
    text = (
        "TBILISI, Georgia — Police said the Union of Free Farmers, or UFF, marched through "
        "central Tbilisi and the towns of Gori and Rustavi."
    )
    names = [n.text for n in mentions.names(text)]
    assert "Gori" in names and "Rustavi" in names and "Union of Free Farmers" in names
    assert [p.text for p in mentions.places(text)][:2] == ["Tbilisi", "Gori"]
    assert mentions.dateline_places(text) == ["Tbilisi", "Georgia"]
    assert mentions.acronyms(text) == {"UFF": "Union of Free Farmers"}
    # a dateline in any Latin capitals is the filing place, never a name in the copy
    assert mentions.dateline_places("SÃO PAULO, Brazil (SAW) — Dock workers struck.") == [
        "São Paulo",
        "Brazil",
    ]


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The flooding was the worst in decades, Governor Ana Pérez said.", "Governor Ana Pérez"),
        ("“We will rebuild,” said Mayor Tom Ellis.", "Mayor Tom Ellis"),
        ("Ten people died, according to the health ministry.", "the health ministry"),
        ("Police said two people were arrested.", "Police"),
    ],
)
def test_speakers(sentence: str, speaker: str) -> None:
    assert [s.text for s in mentions.speakers(sentence)][:1] == [speaker]


ARTICLE = """GORI, Georgia — Georgian riot police fired tear gas at protesters in Gori on Tuesday, \
injuring 14 people, the health ministry said.

The protests began last year over a mining licence. Tensions have simmered for months.

A landslide buried a mountain road near Khashuri late on Monday, regional governor Levan \
Beridze said. Some 300 households were cut off, he said.

Prime Minister Nino Kapanadze said on Wednesday that the government would review the licence.

Officials say the region has long been neglected."""


def test_an_article_yields_its_dated_events_with_their_slots() -> None:
    found = _candidates(ARTICLE)
    kinds = [(c.type, c.when) for c in found]
    assert kinds == [
        (EventType.PROTEST, "on Tuesday"),
        (EventType.DISASTER, "late on Monday"),
        (EventType.STATEMENT, "on Wednesday"),
    ]
    police, landslide, review = found
    assert police.place == "Gori" and police.injured == 14
    assert police.source == "health ministry"
    assert landslide.place == "Khashuri"
    assert (300.0, "households") in landslide.quantities
    assert landslide.source == "Levan Beridze"  # "he said" resolved to the last speaker
    assert len(landslide.sentence_ids) == 2  # the "he said" sentence carries it on
    assert review.initiator == "Nino Kapanadze"  # the name, its title left out
    assert review.place == "Gori"  # no place in its sentence: where the story was filed


def test_background_without_a_date_is_not_an_event() -> None:
    text = "Months of strikes have battered the grid. Officials say the war drags on."
    assert _candidates(text) == []


def test_a_report_date_does_not_date_the_happening() -> None:
    # "reported Sunday" dates the report; the strike itself is not dated, so no event
    text = "Drone strikes cut power to two cities, officials reported Sunday."
    assert _candidates(text) == []


def test_a_later_sentence_dates_the_happening_before_it() -> None:
    text = (
        "A drone strike cut heating to parts of Kursk, the governor said. "
        "He said several drones were shot down during the night."
    )
    (event,) = _candidates(text)
    assert event.type == EventType.ATTACK and event.place == "Kursk"
    assert event.when == "during the night" and event.sentence_ids == [1, 2]


def test_an_acronym_speaker_is_resolved_to_the_full_name_and_its_acronym() -> None:
    text = (
        "The army blamed the Patriotic Front of Kivu, or PFK, for the raid.\n\n"
        "The PFK denied it. “We were not there,” the group said in a statement on Friday."
    )
    statements = [c for c in _candidates(text) if c.type == EventType.STATEMENT]
    assert [c.initiator for c in statements] == ["Patriotic Front of Kivu (PFK)"]


def test_acronyms_defined_in_brackets_and_bodies_named_both_ways() -> None:
    from service.grounding.context import with_acronym as _with_acronym
    from service.grounding.mentions import acronyms

    text = (
        "Separately, the National Economic Prosecutor's Office (FNE) approved the merger. "
        "Fighters of the Rapid Support Forces (RSF) attacked. "
        "The Municipal Disaster Risk Reduction and Management Office (MDRRMO) ordered it."
    )
    found = acronyms(text)
    assert found["FNE"] == "National Economic Prosecutor's Office"  # an acronym of its own
    assert found["RSF"] == "Rapid Support Forces"  # from the acronym's letter on
    full = "Municipal Disaster Risk Reduction and Management Office (MDRRMO)"
    assert _with_acronym("MDRRMO", found) == full
    assert _with_acronym("The Municipal Disaster Risk Reduction", found) == full
    assert _with_acronym("police", found) == "police"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what a body says it did itself happened, dated by the saying
        ("The World Food Programme said on Monday it had suspended convoys on the road.",
         (EventType.POLICY, "World Food Programme", "on Monday")),
        # a claim of violence stays a claim, and so does what others did
        ("In a statement on Tuesday, JNIM said its fighters had attacked the camp.",
         (EventType.STATEMENT, "JNIM", "on Tuesday")),
        ("The Málaga Farmers' Union said on Saturday that the floods had destroyed crops.",
         (EventType.STATEMENT, "Málaga Farmers' Union", "on Saturday")),
        # the speaker's act is dated by the saying; the date below it is its cause's
        ("The World Food Programme said on Monday it had suspended convoys on the road after "
         "one of its trucks was hit by gunfire last week.",
         (EventType.POLICY, "World Food Programme", "on Monday")),
        # a date of the act itself stays the act's
        ("State copper company Codelco said it suspended work at its mines near Calama for "
         "about four hours on Tuesday.", (EventType.POLICY, "Codelco", "on Tuesday")),
    ],
)  # fmt: skip
def test_what_a_speaker_says_it_did_is_the_event(
    text: str, expected: tuple[EventType, str, str]
) -> None:
    [found] = _candidates(text)
    assert (found.type, found.initiator, found.when) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Spanish has no parse: a capital opening the sentence is not a name by itself
        ("Cinco policías estatales murieron el domingo en una emboscada en el municipio de "
         "Buenavista.", (EventType.ATTACK, None, "Buenavista")),
        # of two bodies that did it together, the first
        ("El lunes, elementos de la Guardia Nacional y de la Fiscalía detuvieron a siete "
         "personas en Apatzingán.", (EventType.LEGAL, "Guardia Nacional", "Apatzingán")),
        # the same CAMEO roots in Spanish words: clearing a road, a complaint, a suspension
        ("La Policía boliviana desbloqueó el miércoles la carretera en Ivirgarzama.",
         (EventType.LEGAL, "Policía", "Ivirgarzama")),
        ("El alcalde de Chivay, Edwin Quispe, denunció el viernes la falta de ayuda.",
         (EventType.ACCUSATION, "Edwin Quispe", None)),
        ("El Gobierno Regional de Arequipa suspendió el jueves las clases en Caylloma.",
         (EventType.POLICY, "Gobierno Regional de Arequipa", "Caylloma")),
    ],
)  # fmt: skip
def test_spanish_word_rules_read_names_not_capitals(
    text: str, expected: tuple[EventType, str | None, str | None]
) -> None:
    [found] = _candidates(text)
    assert (found.type, found.initiator, found.place) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drones struck the city of Kadugli on Sunday, killing seven people. The army blamed "
         "the paramilitary Rapid Support Forces (RSF).", "Rapid Support Forces (RSF)"),
        ("Gunmen on motorcycles attacked the village of Tamou on Saturday. Police said he "
         "blamed the attack on fighters loyal to the Islamic State Sahel Province.",
         "Gunmen"),  # the attack's own sentence names who did it
        ("A strike hit the market in Fataki on Tuesday. The group blamed army air strikes for "
         "the deaths.", None),  # a thing blamed, not someone
        ("Cinco policías murieron el domingo en una emboscada en el municipio de Buenavista. "
         "La Fiscalía atribuyó el ataque a una célula del Cártel Jalisco Nueva Generación.",
         "Cártel Jalisco Nueva Generación"),
    ],
)  # fmt: skip
def test_an_attack_no_sentence_names_a_doer_for_takes_whom_the_article_blames(
    text: str, expected: str | None
) -> None:
    assert _candidates(text)[0].initiator == expected


def test_an_acronym_is_read_from_the_initials_of_the_words_before_it() -> None:
    text = "la marche de la Coordination des syndicats d'enseignants du Sénégal (CSES) mardi"
    assert mentions.acronyms(text) == {
        "CSES": "Coordination des syndicats d'enseignants du Sénégal"
    }
    assert mentions.acronyms("a deal with the the unions (XYZ) on Monday") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 2,000 people marched through the centre of La Ligua on Sunday. Organisers from "
         "the Petorca Valley Water Assembly said the march was the largest in a decade.",
         "Petorca Valley Water Assembly"),
        ("Decenas de miles de personas recorrieron el sábado el centro de Madrid. La marcha, "
         "convocada por el Sindicato de Inquilinas de Madrid, terminó en Callao.",
         "Sindicato de Inquilinas de Madrid"),
        # a crowd that is named keeps its name
        ("About 300 residents of Tamou marched to the prefecture in Say on Monday. The march "
         "was organised by the Tamou Youth Council.", "residents of Tamou"),
    ],
)  # fmt: skip
def test_a_march_of_a_crowd_is_its_organiser_s(text: str, expected: str) -> None:
    assert _candidates(text)[0].initiator == expected


def test_an_interception_the_same_day_is_not_folded_into_the_attack() -> None:
    text = (
        "Drones struck the city of Kadugli on Sunday, killing seven people.\n\n"
        "In a statement on Sunday, the Sudanese army said its air defences had intercepted "
        "14 drones over Kadugli."
    )
    found = [(c.type, c.place) for c in _candidates(text)]
    assert found == [(EventType.ATTACK, "Kadugli"), (EventType.INTERCEPTION, "Kadugli")]


def test_a_dated_sentence_with_no_happening_dates_the_next_one_s() -> None:
    text = (
        "The week’s uneasy calm broke late Wednesday on a gravel road outside Cabildo. "
        "According to witnesses, about 100 smallholders had blocked the road with tyres."
    )
    [found] = _candidates(text)
    assert (found.type, found.when, found.place, found.initiator) == (
        EventType.PROTEST,
        "late Wednesday",
        "Cabildo",
        "smallholders",
    )


def test_the_lede_s_attacker_carries_to_strikes_its_report_lists() -> None:
    text = (
        "Rights group documents 212 air strikes on Sagaing in three months\n\n"
        "BANGKOK — Myanmar's military carried out at least 212 air strikes in the Sagaing "
        "region in the first three months of 2026, a human rights group said in a report "
        "released on Wednesday.\n\n"
        "On 2 March, a strike on a Buddhist monastery in Kani township killed six people."
    )
    found = _candidates(text)
    # a report put out is no release of prisoners; the town is no attacker
    assert [c.type for c in found] == [EventType.STATEMENT, EventType.ATTACK]
    assert (found[1].initiator, found[1].place) == ("Myanmar's military", "Kani township")


def test_forces_no_word_names_are_the_speaker_s() -> None:
    text = (
        "The army said troops backed by helicopters pursued the attackers toward the border "
        "with Burkina Faso late on Saturday and killed eight of them."
    )
    [found] = _candidates(text)
    assert (found.type, found.initiator) == (EventType.ATTACK, "army")


def test_the_next_sentence_tells_who_did_an_event_that_named_nobody() -> None:
    text = (
        "Mercredi après-midi, l'ancien maire a baissé la tête à l'annonce du jugement. "
        "Le tribunal correctionnel de Lyon l'a condamné à dix-huit mois d'emprisonnement."
    )
    [found] = find_candidates(ArticleText(text, split_sentences(text), declared_language="fr"))
    assert (found.type, found.when, found.initiator) == (
        EventType.LEGAL,
        "Mercredi après-midi",
        "tribunal correctionnel de Lyon",
    )


def test_a_body_described_first_is_named_by_the_next_sentences() -> None:
    text = (
        "BANGKOK — Myanmar's military carried out at least 212 air strikes in the Sagaing "
        "region in the first three months of 2026, a human rights group said in a report "
        "released on Wednesday.\n\n"
        "The report by the Thailand-based Myanmar Civilian Protection Monitor (MCPM) is based "
        "on interviews with 96 survivors."
    )
    assert _candidates(text)[0].initiator == "Myanmar Civilian Protection Monitor (MCPM)"


def test_a_french_title_takes_the_name_set_off_after_it() -> None:
    text = (
        "À Décines-Charpieu, la nouvelle maire, Sophie Bernardin, a annoncé mercredi soir le "
        "lancement d'un audit externe."
    )
    [found] = find_candidates(ArticleText(text, split_sentences(text), declared_language="fr"))
    assert found.initiator == "Sophie Bernardin"


def test_deaths_are_their_cause_s_with_the_cause_s_date_and_place() -> None:
    text = (
        "Six people died and 14 were still missing on Monday after an inter-island ferry "
        "capsized in rough seas off the coast of Malaita late on Saturday, police said."
    )
    [found] = _candidates(text)
    assert (found.type, found.when, found.place) == (
        EventType.DISASTER,
        "late on Saturday",
        "Malaita",
    )


def test_deaths_without_a_date_of_their_cause_keep_their_own() -> None:
    text = (
        "The police chief said one man died in the city centre yesterday after being struck "
        "by a stone thrown during the clashes."
    )
    [found] = _candidates(text)
    assert (found.type, found.when) == (EventType.ATTACK, "yesterday")


def test_the_event_named_again_tells_where_it_was() -> None:
    text = (
        "Border guards from Kyrgyzstan and Tajikistan exchanged fire late on Tuesday, "
        "killing two, officials said.\n\n"
        "The shooting started at around 10:30 p.m. near the village of Kok-Tash, the "
        "security committee said in a statement on Wednesday."
    )
    [found] = _candidates(text)
    # not where the guards come from, and the village the next paragraph names
    assert (found.type, found.place, found.sentence_ids) == (EventType.ATTACK, "Kok-Tash", [1, 2])


def test_a_happening_told_as_another_s_circumstance_is_an_event_of_its_own() -> None:
    text = (
        "Police have arrested two men in Spanish Town after a group of residents blocked the "
        "Old Harbour Road with burning tyres early this evening, police said."
    )
    found = {(c.type, c.initiator, c.when) for c in _candidates(text)}
    assert found == {
        (EventType.PROTEST, "residents", "early this evening"),
        (EventType.LEGAL, "Police", "early this evening"),
    }


def test_the_injured_of_a_dated_quake_are_the_quake_s() -> None:
    text = (
        "Eleven people have now died and 70 have been injured in Tuesday's earthquake in the "
        "province of Camaná, the emergency centre said on Wednesday night."
    )
    assert [(c.type, c.initiator) for c in _candidates(text)] == [(EventType.DISASTER, None)]


@pytest.mark.parametrize(
    ("text", "initiator"),
    [
        # nobody named: the police the sentence names arrest, not the ministry that tells it
        ("Four farmers were detained late on Thursday after a police car was damaged, the "
         "Interior Ministry said on Friday.", "police"),
        ("Four farmers were detained by gendarmes late on Thursday, the Interior Ministry "
         "said on Friday.", "gendarmes"),
    ],
)  # fmt: skip
def test_a_passive_arrest_is_by_its_agent_or_the_police_named(
    text: str, initiator: str | None
) -> None:
    [found] = _candidates(text)
    assert (found.type, found.initiator) == (EventType.LEGAL, initiator)


def test_a_long_acronym_names_its_body() -> None:
    text = (
        "The Confederation of Indigenous Nationalities of the Ecuadorian Amazon (CONFENIAE) "
        "on Wednesday accused the government of negligence."
    )
    assert _candidates(text)[0].initiator == (
        "Confederation of Indigenous Nationalities of the Ecuadorian Amazon (CONFENIAE)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # the 23 are the harmed, not the doers; a storm's name holds its noun
        "Eight workers were killed and 23 injured when a boiler exploded at a mill on Tuesday.",
        "Typhoon Nakri tore across the northern Philippines on Monday, killing 19 people.",
    ],
)
def test_the_harmed_and_a_named_storm_make_a_disaster_with_no_doer(text: str) -> None:
    [found] = _candidates(text)
    assert (found.type, found.initiator) == (EventType.DISASTER, None)


def test_a_decision_is_placed_where_the_lede_sets_the_story_not_at_the_dateline() -> None:
    text = (
        "LIMA, Nov 14 (Wire) - A magnitude 6.8 earthquake shook the province of Caylloma in "
        "southern Peru on Thursday afternoon, killing nine people.\n\n"
        "The government declared a state of emergency for 60 days on Friday.\n\n"
        "The prime minister said on Friday that aid was on its way."
    )
    places = {c.type: c.place for c in _candidates(text)}
    assert places[EventType.POLICY] == "Caylloma"
    assert places[EventType.STATEMENT] == "Lima"  # words can be said anywhere: the dateline


def test_the_harm_told_comes_after_what_was_done() -> None:
    text = (
        "Late on Wednesday, the chief minister announced compensation of Rs1 million for the "
        "family of each worker killed."
    )
    [found] = _candidates(text)
    assert (found.type, found.initiator) == (EventType.POLICY, "chief minister")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the kind of happening the sentence names decides what it is told against
        (
            "Mardi, la marche des Forces vives a été dispersée à Conakry.\n\n"
            "Mercredi, 37 personnes ont été interpellées, a indiqué la police.\n\n"
            "Le ministère avait interdit la manifestation la veille.",
            date(2026, 10, 12),
        ),
        # else the event told just before it
        (
            "A magnitude 6.8 earthquake shook the region on Thursday.\n\n"
            "The government declared a state of emergency on Friday.\n\n"
            "The day before, the regional government had suspended classes.",
            date(2026, 10, 15),
        ),
    ],
)
def test_a_date_told_against_another_happening_is_a_day_from_it(text: str, expected: date) -> None:
    language = "fr" if "Mardi" in text else "en"
    article = ArticleText(text, split_sentences(text), declared_language=language)
    candidates = find_candidates(article)
    draft = Draft(headline="news", summary="news", events=[draft_event(c) for c in candidates])
    verified = verify(draft, article, published=date(2026, 10, 17), options=BriefingOptions())
    last = verified.events[-1]
    assert (last.type, last.date.start) == (EventType.POLICY, expected)


def test_what_a_date_is_told_against_is_not_the_event_it_dates() -> None:
    text = "The day after the pact was signed, the water authority announced a measure."
    assert [c.type for c in _candidates(text)] == [EventType.POLICY]  # the measure, no pact


def test_the_event_named_again_the_same_day_tells_where_it_was() -> None:
    text = (
        "Typhoon Nakri tore across the northern Philippines on Monday, killing 19 people.\n\n"
        "The typhoon made landfall near the coastal town of Divilacan on Monday."
    )
    [found] = _candidates(text)
    assert (found.type, found.place, found.sentence_ids) == (
        EventType.DISASTER,
        "Divilacan",
        [1, 2],
    )


def test_the_dead_of_a_dated_attack_are_the_attack_s_not_the_flight_s() -> None:
    text = (
        "Au moins douze personnes ont été tuées et des milliers d'habitants ont fui Mirebalais "
        "après une attaque lancée dans la nuit de mercredi à jeudi, ont indiqué vendredi des "
        "sources policières."
    )
    article = ArticleText(text, split_sentences(text), declared_language="fr")
    [found] = find_candidates(article)
    assert (found.type, found.when) == (EventType.ATTACK, "dans la nuit de mercredi à jeudi")


def test_a_road_blockade_named_again_tells_where_it_was() -> None:
    text = (
        "Several hundred tobacco growers blocked the regional road between Prilep and Bitola "
        "with tractors on Thursday.\n\n"
        "The blockade near the village of Topolčani was organised by the growers' association."
    )
    [found] = _candidates(text)
    assert (found.type, found.place) == (EventType.PROTEST, "Topolčani")


def test_the_court_is_the_court_named_before_and_where_its_name_says() -> None:
    text = (
        "The company, which runs a factory in Skellefteå, filed its petition with the "
        "Skellefteå District Court on Monday.\n\n"
        "The court accepted the petition on Monday evening and appointed a trustee."
    )
    court = [c for c in _candidates(text) if c.type is EventType.LEGAL][-1]
    assert (court.initiator, court.place) == ("Skellefteå District Court", "Skellefteå")


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        # the verb a number is the object of decides, whatever follows it
        ("A lightning strike killed four students and injured seven others at a school in "
         "western Kenya on Thursday.", 4, 7),
        ("The blast on Monday killed at least 12 people and wounded more than 30.", 12, 30),
        ("Gunmen on Sunday killed 3 and wounded 12 in the market.", 3, 12),
        # a number before its verb, as before
        ("Three people were killed and 12 injured when a bus overturned on Friday.", 3, 12),
        ("The attack on Tuesday left 9 dead and 21 wounded, officials said.", 9, 21),
        ("Floods on Saturday killed five, wounding 14 others.", 5, 14),
    ],
)  # fmt: skip
def test_casualties_are_read_from_the_verb_that_takes_them(
    sentence: str, killed: int, injured: int
) -> None:
    (event,) = _candidates(sentence)
    assert (event.killed, event.injured) == (killed, injured)


@pytest.mark.parametrize(
    "sentence",
    [
        "Typhoon Kalmaegi slammed into the central Philippines on Tuesday, killing at least 26 "
        "people and forcing more than 400,000 to flee, officials said.",
        "Hurricane Melissa destroyed hundreds of homes in western Jamaica on Tuesday.",
        "Floods destroyed 300 homes in the district on Sunday, officials said.",
        "A bus plunged into a gorge in northern India on Tuesday, killing 22 passengers.",
        "A passenger plane crashed near the airport on Sunday, killing all 60 people on board.",
    ],
)
def test_a_hazard_that_strikes_is_a_disaster_with_nobody_behind_it(sentence: str) -> None:
    """A named storm is its kind word's ("Typhoon", "Hurricane"): what did it, but nobody;
    so is an accident the deaths are told with."""
    (event,) = _candidates(sentence)
    assert (event.type, event.initiator) == (EventType.DISASTER, None)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Russia fired 40 missiles at Kyiv overnight on Saturday, officials said.", "attack"),
        ("Russia launched 120 drones at Ukraine on Sunday, the air force said.", "attack"),
        ("Houthi rebels fired a ballistic missile at Israel on Friday.", "attack"),
        # what is brought down, not sent off, is an interception
        ("Ukrainian air defences shot down 80 drones on Sunday, the air force said.",
         "interception"),
        ("Air defences destroyed 44 drones over the Kursk region on Monday.", "interception"),
    ],
)  # fmt: skip
def test_projectiles_sent_off_are_an_attack_and_brought_down_an_interception(
    sentence: str, kind: str
) -> None:
    (event,) = _candidates(sentence)
    assert event.type == EventType(kind)


def test_a_weapon_or_a_body_named_for_a_hazard_is_neither_a_storm_nor_nobody() -> None:
    (strike,) = _candidates(
        "Storm Shadow missiles struck a command post in Crimea on Monday, Ukraine's military said."
    )
    assert strike.type is EventType.ATTACK
    (said,) = _candidates(
        "The Los Angeles Fire Department said on Tuesday that crews had contained the blaze."
    )
    assert said.initiator == "Los Angeles Fire Department"
