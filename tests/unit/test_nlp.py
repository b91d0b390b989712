"""The linguistic layer: triggers from the field's dictionaries, slots from syntax."""

from __future__ import annotations

from datetime import date

import pytest

from schemas import EventType
from service.grounding.dates import find_date_phrases, resolve_date
from service.nlp import article_language
from service.nlp.dictionary import cameo_type, sense, tables
from service.nlp.events import read, speaker
from service.nlp.pipeline import pipeline


def _read(text: str, language: str = "en") -> list[tuple[str, str | None, list[str]]]:
    nlp = pipeline(language)
    assert nlp is not None
    return [(f.type.value, f.initiator, f.places) for f in read(nlp(text), language)]


def _main(text: str, language: str = "en") -> tuple[str, str | None, list[str]] | None:
    found = _read(text, language)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a ruling, though CAMEO's "block" is a blockade: the subject is a court
        (
            "A federal judge in Delaware on Thursday blocked the planned $4.1 billion merger.",
            ("legal", "federal judge", ["Delaware"]),
        ),
        ("In Maribor, police detained a 52-year-old man on Sunday.",
         ("legal", "police", ["Maribor"])),
        # the subject, never the object
        ("Speaking at the party headquarters, he congratulated Kovač on his victory.",
         ("statement", "he", [])),
        # a lightning strike is a disaster, and nobody did it
        ("A lightning strike killed three herders near Kasese on Monday.",
         ("disaster", None, ["Kasese"])),
        ("Four people were killed by gunmen in Bannu on Tuesday, police said.",
         ("attack", "gunmen", ["Bannu"])),
        ("Thousands of workers went on strike in Lagos on Monday.",
         ("protest", "workers", ["Lagos"])),
        ("Police fired tear gas at protesters in Nairobi on Tuesday.",
         ("protest", "Police", ["Nairobi"])),
        ("Drones struck the besieged city of Kadugli on Sunday.", ("attack", None, ["Kadugli"])),
        ("The cabinet declared a state of emergency in the Burgas region.",
         ("policy", "cabinet", ["Burgas region"])),
        # whose body it is, and what it is of, where those are names
        ("Chile's central bank raised its benchmark interest rate on Friday.",
         ("economic", "Chile's central bank", [])),
        ("Prime Minister Elena Dimova’s cabinet declared a state of emergency on Sunday.",
         ("policy", "Prime Minister Elena Dimova’s cabinet", [])),
        # what a body says it did itself is what happened; a claim of violence stays a claim
        ("The World Food Programme said on Monday it had suspended convoys on the road.",
         ("policy", "World Food Programme", [])),
        ("In a statement on Sunday, the army said its air defences had intercepted 14 drones.",
         ("interception", None, [])),
        ("Its forces destroyed 44 Ukrainian drones during the night.", ("interception", None, [])),
        # two subjects (a misparse): the one next to the verb, and an earthquake is nobody
        ("A magnitude 6.1 earthquake struck western Nepal late on Tuesday.",
         ("disaster", None, ["Nepal"])),
        ("Dock workers at the port of Rotterdam walked off the job on Thursday.",
         ("protest", "Dock workers", ["Rotterdam"])),
        # the small model reads an unfamiliar town as a person
        # a route is where a closure happened, whatever the model took its name for
        ("The WFP said on Monday it had suspended convoys on the Dilling-Kadugli road.",
         ("policy", "WFP", ["Dilling-Kadugli road"])),
        ("The department closed a stretch of the Halsema Highway on Sunday.",
         ("policy", "department", ["Halsema Highway"])),
        # what blocked the road says what the blocking was
        ("Landslides set off by the quake blocked the highway on Tuesday.",
         ("infrastructure_damage", None, [])),
        ("Smallholders blocked the road outside Cabildo on Wednesday.",
         ("protest", "Smallholders", ["Cabildo"])),
        # a call for something is an appeal, not a call
        ("The mayor called on Wednesday for the government and the union to reopen talks.",
         ("statement", "mayor", [])),
        # the town of X is a town, whatever the model calls X; the capital of X is not X
        ("Terrorists attacked the town of Macomia in Cabo Delgado province on Friday night.",
         ("attack", "Terrorists", ["Macomia", "Cabo Delgado province"])),
        # a relative pronoun is what it stands for
        ("Police acted under a ruling by the Regional Labour Court that declared the strike "
         "illegal.", ("legal", "Regional Labour Court", [])),
        # a rule adopted is a policy
        ("Parliament on Wednesday passed the 2026 budget.", ("policy", "Parliament", [])),
        ("Peru's Congress on Wednesday rejected the government's proposed 2026 budget.",
         ("policy", "Congress", [])),
        # an order is a rule made, or a ruling; not a happening
        ("The regional district expanded its evacuation order on Wednesday evening.",
         ("policy", "regional district", [])),
        ("The regulator obtained a banning order against him on Thursday.",
         ("legal", "regulator", [])),
        ("Hundreds of villagers marched to Jajarkot on Wednesday.",
         ("protest", "villagers", ["Jajarkot"])),
        # business and rulings CAMEO does not code: an act, not words
        ("Petroecuador declared force majeure on its crude export contracts on Tuesday.",
         ("economic", "Petroecuador", [])),
        ("On Friday, German carmaker Hartwig Motoren cancelled a contract worth 2 billion euros.",
         ("economic", "Hartwig Motoren", [])),
        ("Swedish battery cell maker Nordkraft Cells has filed for bankruptcy.",
         ("economic", "Nordkraft Cells", [])),
        ("The Commission for Protection of Competition said on Thursday that it had opened a "
         "preliminary inquiry.", ("legal", "Commission for Protection of Competition", [])),
        # a body's announced decision is the event, of the kind of what it will do; a
        # person's plans are words
        ("On Friday morning the government announced it would pay a one-off subsidy.",
         ("policy", "government", [])),
        ("The two ministers announced on Wednesday that they would meet again.",
         ("diplomacy", "ministers", [])),
        ("Lindqvist said on Tuesday she would keep production running.",
         ("statement", "Lindqvist", [])),
        # the dead of a shooting are the shooters'; police who open fire start no blaze
        ("One garment worker was killed on Tuesday when police opened fire on protesters.",
         ("attack", "police", [])),
        # measures announced are a decision
        ("Canada's foreign ministry announced matching measures on Friday.",
         ("policy", "foreign ministry", [])),
        # a relative clause on a target: the strike killed, not the monastery
        ("The junta carried out an air strike on a monastery that killed 11 people.",
         ("attack", "junta", [])),
        # members and spokesmen act for their body; what is denied did not happen
        ("A spokesman for Myanmar's military government on Friday denied that it had bombed "
         "the monastery.", ("accusation", "Myanmar's military government", [])),
        ("He was arrested at his home by armed operatives of the DSS on Friday.",
         ("legal", "DSS", [])),
        # an authority's emergency warning is a directive
        ("An emergency warning was issued for Willawarrin on Sunday.", ("policy", None, [])),
        # a town or region before its country; a description of a place is not another place
        ("Guards exchanged fire near a canal head in Kyrgyzstan's southern Batken region.",
         ("attack", "Guards", ["southern Batken region", "Kyrgyzstan"])),
        ("Militants attacked the cattle market in Dori, the capital of the Sahel region.",
         ("attack", "Militants", ["Dori", "Sahel region"])),
    ],
)  # fmt: skip
def test_the_happening_its_type_its_doer_and_its_place(
    text: str, expected: tuple[str, str | None, list[str]]
) -> None:
    assert _main(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The army did not attack the village, officials said.",
        "Rebels threatened to attack the town on Friday.",
        "The central bank could raise rates next month, analysts said.",
        "No drone of ours was shot down, the group said.",
        # a happening judged, not reported
        "His lawyer told reporters on Tuesday that the ruling was politically motivated.",
        # a phrasal verb CAMEO codes apart: "pull back" is a retreat, not "pull"
        "Crews had been pulled back from the northern flank overnight, officials said.",
        "The ministry said it had acted in order to protect the public.",
        # an event noun that only says what something else is about
        "Helicopter operations on the fire resumed on Wednesday morning.",
        # a forecast's warning is words; a leader among their own is no diplomacy; data
        # released frees nobody
        "The institute had issued a red warning for heavy rain on Friday.",
        "Local member of parliament Sally Cruikshank visited the evacuation centre on Tuesday.",
        "Data released by the statistics institute on Oct. 5 showed inflation slowing.",
        # the injured are people, not a happening
        "The governor visited the injured in hospital on Thursday and said it was a tragedy.",
        "Six of the injured were in critical condition at Allied Hospital on Wednesday.",
        # a rescue is no attack; a meeting scheduled has not happened
        "Seventy people were pulled from the water by fishing boats on Sunday.",
        "Its next rate-setting meeting is scheduled for Dec. 10.",
        # costs hurt only in a figure of speech
        "The president said on Tuesday that high borrowing costs were hurting businesses.",
    ],
)
def test_what_did_not_happen_is_no_happening(text: str) -> None:
    """Negated, threatened and forecast happenings, and what is only talked about or coded
    otherwise, leave only the saying, if any."""
    assert all(kind == "statement" for kind, _, _ in _read(text))


def test_a_condemned_attack_is_the_condemnation_s_topic() -> None:
    nlp = pipeline("en")
    assert nlp is not None
    doc = nlp("The UN on Tuesday condemned the attack on the convoy.")
    found = read(doc, "en")
    assert [(f.type, f.speech) for f in found] == [(EventType.ACCUSATION, True)]
    assert speaker(doc, found) == "UN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # people who leave a town are displaced, and did nothing
        ("Plus de 6 000 personnes ont quitté Mirebalais depuis jeudi.",
         ("other", None, ["Mirebalais"])),
        # a facility of a town is where it is; setting fire to it is damage
        ("La prison civile de Mirebalais a été incendiée jeudi à l'aube.",
         ("infrastructure_damage", None, ["prison civile de Mirebalais"])),
        # units of a body act for it, whatever the model reads its initials as
        ("Jeudi après-midi, des unités de la PNH ont lancé une contre-offensive.",
         ("attack", "PNH", [])),
        # a claim is a saying, and the attack claimed its topic
        ("L'attaque a été revendiquée jeudi dans une vidéo diffusée sur les réseaux sociaux.",
         ("statement", None, [])),
    ],
)  # fmt: skip
def test_french_displacement_damage_and_claims(
    text: str, expected: tuple[str, str | None, list[str]]
) -> None:
    assert _main(text, "fr") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La police a interpellé 23 manifestants mercredi à Dakar.",
         ("legal", "police", ["Dakar"])),
        ("Des milliers d'enseignants ont manifesté jeudi à Lyon.",
         ("protest", "enseignants", ["Lyon"])),
        ("Jeudi, la section sénégalaise d'Amnesty International a dénoncé la répression.",
         ("accusation", "section sénégalaise d'Amnesty International", [])),
    ],
)  # fmt: skip
def test_french_through_the_same_roots(
    text: str, expected: tuple[str, str | None, list[str]]
) -> None:
    assert _main(text, "fr") == expected


def test_cameo_roots_map_to_our_types() -> None:
    assert cameo_type("190") is EventType.ATTACK
    assert cameo_type("0841") is EventType.LEGAL  # release persons, under yield (08: policy)
    assert cameo_type("057") is EventType.AGREEMENT
    assert cameo_type("130") is None  # a threat is not an event
    assert sense("attack", "VERB", "en") is not None
    # the cooperative WordNet blocks are not taken whole: "dig" is not an investigation
    assert sense("dig", "VERB", "en") is None
    # the compiled tables hold the dictionaries, not a handful of words
    assert len(tables().verbs) > 1_500 and len(tables().agents) > 3_000


def test_language_from_the_request_else_detected() -> None:
    assert article_language("anything", "en-GB") == "en"
    assert article_language("Le gouvernement a annoncé mardi une hausse des prix.", None) == "fr"
    assert article_language("Уряд оголосив про нові обмеження на електроенергію.", None) == "uk"


def test_french_dates_resolve() -> None:
    text = "Le tribunal l'a condamné mercredi après-midi, puis le 3 mars la police a agi."
    phrases = [text[a:b] for a, b in find_date_phrases(text)]
    assert phrases == ["mercredi après-midi", "le 3 mars"]
    published = date(2025, 3, 6)  # a Thursday
    assert resolve_date("mercredi après-midi", published).start == date(2025, 3, 5)
    assert resolve_date("le 3 mars", published).start == date(2025, 3, 3)
