"""Word lists the merge rules read: what does not name an actor, and what says nothing.

An initiator made only of these words ("jihadist fighters", "police", "Russian air defence
units" minus its demonym) describes rather than names: two outlets may describe one party
differently, so a description never conflicts with a name, and only the naming words
("JNIM", "Russian") are compared. The stop words keep similar-wording checks to the words
that carry the story.
"""

from __future__ import annotations

GENERIC = frozenset(
    """
    air ammunition armed army artillery assailants attackers authorities battalion bandits
    brigade command commander committee council defence defense department drone drones
    extremist extremists fighter fighters force forces government group groups gunmen
    insurgents islamist islamists jihadist jihadists men militants military militia
    militias ministry missile missiles navy office officer officers official officials
    people police protesters demonstrators rebels regional regiment security service
    services soldiers spokesman spokesperson spokeswoman state suspected terrorist
    terrorists troops units unidentified unknown
    """.split()
)
STATE = frozenset(
    "army military soldiers troops police navy gendarmerie gendarmes government ministry "
    "officers security".split()
)
ARMED = frozenset(
    "gunmen militants jihadist jihadists fighters insurgents rebels bandits terrorists "
    "extremists attackers assailants militia militias islamist islamists".split()
)
"""Descriptions that still take a side: "the army" and "jihadist fighters" are not one
party, whatever else the two reports share."""
STOP = frozenset(
    """
    about after against also among another around before being between both could during
    each from have having into more most other over said says since some such than that
    their them then there these they this those through under until very were what when
    where which while will with would yesterday today tonight week weekend monday tuesday
    wednesday thursday friday saturday sunday morning afternoon evening night overnight
    early late earlier later last next first second third told according reported
    """.split()
)
REGION = frozenset(
    "region province oblast state county district governorate prefecture department krai "
    "raion municipality canton division territory area".split()
)
"""What a subdivision's name says about its level, not which one it is ("Odesa region")."""
