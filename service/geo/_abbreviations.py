"""The short forms wire copy writes first-level subdivisions in: AP style's state and
province abbreviations ("PARIS, Tenn. (AP) —", "Springfield, Mass.") and Australia's
("Kempsey, NSW"). A closed list of conventions, not words from any article: read as the
admin1 they stand for, after a comma (where a dateline or a place puts them) or, for the
capitalised ones no word spells ("NSW", "QLD"), anywhere.
"""

from __future__ import annotations

import re

# AP Stylebook's abbreviations (the eight states it writes out are found by their names)
_AFTER_COMMA = {
    "Ala.": "US.AL", "Ariz.": "US.AZ", "Ark.": "US.AR", "Calif.": "US.CA", "Colo.": "US.CO",
    "Conn.": "US.CT", "Del.": "US.DE", "Fla.": "US.FL", "Ga.": "US.GA", "Ill.": "US.IL",
    "Ind.": "US.IN", "Kan.": "US.KS", "Ky.": "US.KY", "La.": "US.LA", "Md.": "US.MD",
    "Mass.": "US.MA", "Mich.": "US.MI", "Minn.": "US.MN", "Miss.": "US.MS", "Mo.": "US.MO",
    "Mont.": "US.MT", "Neb.": "US.NE", "Nev.": "US.NV", "N.H.": "US.NH", "N.J.": "US.NJ",
    "N.M.": "US.NM", "N.Y.": "US.NY", "N.C.": "US.NC", "N.D.": "US.ND", "Okla.": "US.OK",
    "Ore.": "US.OR", "Pa.": "US.PA", "R.I.": "US.RI", "S.C.": "US.SC", "S.D.": "US.SD",
    "Tenn.": "US.TN", "Vt.": "US.VT", "Va.": "US.VA", "Wash.": "US.WA", "W.Va.": "US.WV",
    "Wis.": "US.WI", "Wyo.": "US.WY",
    "Alta.": "CA.01", "B.C.": "CA.02", "Man.": "CA.03", "N.B.": "CA.04", "Nfld.": "CA.05",
    "N.S.": "CA.07", "Ont.": "CA.08", "P.E.I.": "CA.09", "Que.": "CA.10", "Sask.": "CA.11",
    "N.S.W.": "AU.02", "Qld": "AU.04", "Vic.": "AU.07", "Tas.": "AU.06", "W.A.": "AU.08",
    "S.A.": "AU.05", "N.T.": "AU.03", "A.C.T.": "AU.01",
}  # fmt: skip
_ANYWHERE = {"NSW": "AU.02", "QLD": "AU.04"}
_COMMA = re.compile(
    r",\s+(" + "|".join(re.escape(a) for a in sorted(_AFTER_COMMA, key=len, reverse=True)) + r")"
    r"(?=[\s,;:(—–-]|$)"
)
_WORD = re.compile(r"\b(" + "|".join(_ANYWHERE) + r")\b")


def admin1s(text: str) -> list[tuple[str, str]]:
    """(the abbreviation, the GeoNames admin1 code) for each one the text writes."""
    found = [(m.group(1), _AFTER_COMMA[m.group(1)]) for m in _COMMA.finditer(text)]
    return found + [(m.group(1), _ANYWHERE[m.group(1)]) for m in _WORD.finditer(text)]
