"""The word sets behind events.py's senses in context (English and French lemmas)."""

from __future__ import annotations

from schemas import EventType

WEAK = frozenset(
    {"kill", "hit", "strike", "damage", "destroy", "injure", "wound", "affect", "displace",
     "claim", "leave", "cause", "sweep", "batter", "ravage", "devastate", "cut", "knock", "tear",
     "flatten", "raze", "engulf", "trap", "bury", "submerge", "force", "spark", "trigger",
     "tuer", "frapper", "toucher", "détruire", "endommager", "blesser", "provoquer", "faire",
     "causer", "ravager", "emporter", "dévaster", "occur", "happen", "erupt", "break", "begin",
     "start", "continue", "take", "survenir", "produire", "éclater"}
)  # fmt: skip
WEAPONS = frozenset(
    {"bomb", "device", "ied", "mine", "grenade", "explosive", "car", "vest", "shell", "rocket",
     "missile", "drone", "suicide", "roadside", "landmine", "bombe", "engin", "obus", "roquette",
     "kamikaze"}
)  # fmt: skip
LABOUR = frozenset(
    {"general", "national", "nationwide", "labour", "labor", "hunger", "worker", "teacher",
     "doctor", "nurse", "union", "day", "hour", "week", "indefinite", "wildcat", "transport",
     "rail", "port", "dock", "miner", "driver", "staff", "employee", "pilot", "sympathy"}
)  # fmt: skip
STRIKE_CALLS = frozenset(
    {"join", "call", "stage", "hold", "end", "suspend", "extend", "observe", "declare", "announce",
     "threaten", "lift", "break"}
)  # fmt: skip
BLOCKADE = frozenset({"block", "barricade", "blockade", "occupy", "bloquer", "occuper"})
ROADS = frozenset(
    {"road", "highway", "street", "bridge", "route", "access", "entrance", "railway", "port",
     "motorway", "junction", "roundabout", "rue", "pont", "autoroute", "accès"}
)  # fmt: skip
HAZARD_MODIFIERS = frozenset({"lightning", "foudre"})
# "approved a plan", "passed the budget", "adopted a decree": a rule made
ADOPT = frozenset(
    {"approve", "adopt", "pass", "enact", "endorse", "ratify", "sign", "approuver", "adopter",
     "voter", "promulguer", "reject", "veto", "defeat", "repeal",
     "rejeter", "abroger", "rechazar", "aprobar", "derogar"}
)  # fmt: skip
RULES = frozenset(
    {"plan", "law", "bill", "budget", "measure", "decree", "regulation", "reform",
     "amendment", "policy", "package", "ban", "resolution", "ordinance", "legislation",
     "loi", "projet", "décret", "réforme", "mesure", "ordonnance"}
)  # fmt: skip
# "a report released on Wednesday", "published figures": a document is put out, nobody freed
DOCUMENTS = frozenset(
    {"report", "statement", "figure", "data", "video", "footage", "result", "document",
     "image", "photo", "photograph", "list", "study", "survey", "finding", "recording",
     "transcript", "letter", "book", "album", "film", "plan", "budget", "rapport", "datum",
     "communiqué", "chiffre", "vidéo", "bilan"}
)  # fmt: skip
PUBLISH = frozenset({"release", "publish", "issue", "unveil", "publier", "diffuser"})
# "an evacuation order", "a curfew order": a rule made, not a happening; "a court order" is
# a ruling
ORDERS = frozenset(
    {"evacuation", "curfew", "lockdown", "executive", "emergency", "stay", "shelter", "ban",
     "boil", "water", "closure", "evacuate", "évacuation", "couvre-feu"}
)  # fmt: skip
ORDERS_OF_COURT = frozenset({"court", "restraining", "banning", "gag", "judge", "tribunal"})
CROWDS = frozenset(
    {"protester", "demonstrator", "crowd", "marcher", "protest", "rally", "student",
     "manifestant", "foule", "cortège"}
)  # fmt: skip
RATES = frozenset({"rate", "rates", "interest", "benchmark", "repo", "taux", "policy"})
RATE_VERBS = frozenset(
    {"raise", "cut", "lower", "hold", "keep", "leave", "hike", "increase", "reduce", "lift",
     "trim", "slash", "maintain", "relever", "abaisser", "baisser", "maintenir", "augmenter"}
)  # fmt: skip
LIGHT = frozenset(
    {"go", "come", "make", "take", "have", "hold", "carry", "conduct", "stage", "launch",
     "mount", "get", "give", "do", "join", "lead", "organise", "organize", "call", "wage",
     "unleash", "resume", "see", "witness", "suffer", "report", "record", "face",
     "mener", "lancer", "organiser", "tenir", "faire", "entamer", "déclencher", "observer",
     "poursuivre", "subir", "connaître", "avoir", "être", "be", "occur", "happen", "erupt",
     "open", "file", "initiate", "institute", "ouvrir", "déposer",
     "break", "begin", "start", "continue", "survenir", "produire", "éclater"}
)  # fmt: skip
DECLARE = frozenset(
    {"declare", "announce", "proclaim", "impose", "order", "issue", "introduce", "extend",
     "déclarer", "annoncer", "proclamer", "imposer", "ordonner", "décréter", "instaurer"}
)  # fmt: skip
MARKET_MOVES = frozenset(
    {"strengthen", "weaken", "rise", "fall", "gain", "lose", "climb", "drop", "slump", "surge",
     "plunge", "tumble", "jump", "slide", "ease", "soar", "sink", "rebound", "grow", "shrink",
     "contract", "expand", "accelerate", "slow", "hit", "reach", "close", "end", "firm",
     "progresser", "reculer", "chuter", "grimper", "baisser", "augmenter", "bondir"}
)  # fmt: skip
MARKETS = frozenset(
    {"peso", "currency", "dollar", "euro", "yen", "rupee", "real", "rand", "naira", "shilling",
     "pound", "franc", "lira", "stock", "share", "index", "price", "yield", "bond", "inflation",
     "market", "economy", "gdp", "output", "export", "import", "unemployment", "exchange",
     "oil", "gold", "benchmark", "crude", "bourse", "monnaie", "devise", "action", "prix",
     "économie", "chômage"}
)  # fmt: skip
NEEDS_OBJECT = {
    "sign": EventType.AGREEMENT,
    "ink": EventType.AGREEMENT,
    "ratify": EventType.AGREEMENT,
    "signer": EventType.AGREEMENT,
    "ratifier": EventType.AGREEMENT,
    "conclure": EventType.AGREEMENT,
}
TRAVEL = frozenset({"arrive", "arriver"})
# "Hartwig Motoren cancelled a contract": a business undone
UNDO = frozenset({"cancel", "terminate", "scrap", "annuler", "résilier"})
CONTRACTS = frozenset({"contract", "order", "deal", "contrat", "commande"})
# "the government announced it would pay a subsidy": a decision made known
MAKE_KNOWN = frozenset({"announce", "annoncer", "anunciar"})
FUTURE = frozenset({"will", "would", "'ll", "shall", "aller"})
# "six people died after a ferry capsized": the dying is what the cause did; the cause's
# trigger below it names the event ("killed" only in the passive: "were killed in clashes")
HARMED = frozenset({"kill", "injure", "wound", "hurt", "tuer", "blesser", "matar", "herir"})
CASUALTIES = frozenset(
    {"die", "perish", "drown", "mourir", "périr", "décéder", "succomber", "morir", "fallecer"}
)
IMPERSONAL = frozenset({"on", "nous", "je", "we", "i", "you", "vous", "one", "ils"})
POLLS = frozenset({"election", "vote", "seat", "runoff", "poll", "majority", "élection"})
PROJECTILES = frozenset(
    {"drone", "missile", "rocket", "projectile", "uav", "warhead", "munition", "shell"}
)
# what a vehicle or a building does when nobody did anything: "a bus plunged into a gorge,
# killing 22" is an accident (a ramming, "a car rammed into…", is not here)
ACCIDENTS = frozenset(
    {"plunge", "crash", "overturn", "capsize", "derail", "sink", "collide", "veer", "skid",
     "topple", "tumble", "collapse"}
)  # fmt: skip
# the kind word a storm's name opens on ("Typhoon Kalmaegi", "Hurricane Melissa")
STORM_KINDS = frozenset({"typhoon", "hurricane", "cyclone", "storm", "tornado", "tempête"})
# what sends projectiles off: "fired 40 missiles at Kyiv" is a strike, "downed 40" is not
LAUNCH = frozenset({"fire", "launch", "lob", "hurl", "unleash", "tirer", "lancer", "lanzar"})
COURT_CODES = frozenset({"JUD"})
POLICE_CODES = frozenset({"COP"})
POLICE = frozenset({"police", "policía", "policier", "gendarmerie", "gendarme", "policiers"})
POLICE_LEGAL = frozenset({"arrest", "detain", "raid", "seize", "search", "charge", "question"})
# "a spokesman for the ministry", "fighters of the CODECO militia": the body acts
MEMBERS = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "operative", "member", "fighter", "agent",
     "representative", "porte-parole", "portavoz", "membre", "combattant", "élément",
     "unit", "unité", "militant"}
)  # fmt: skip
# "an emergency warning was issued for Willawarrin": an authority's directive, a rule made
# known; a weather service's "red warning for heavy rain" is a forecast, words
ALERTS = frozenset({"warning", "alert", "advisory", "alerte", "alerta"})
ALERT_KINDS = frozenset({"emergency", "evacuation", "urgence", "évacuation", "emergencia"})
VISIT = frozenset({"visit", "tour", "visiter", "visitar"})
FACILITIES = frozenset(
    {"centre", "center", "hospital", "site", "camp", "school", "shelter", "area", "scene",
     "survivor", "victim", "family", "factory", "plant", "mine", "village", "ward", "clinic",
     "injured", "wounded", "injure", "wound", "displaced", "evacuee", "patient", "blessé",
     "herido", "town", "valley", "district", "neighbourhood", "neighborhood", "quartier",
     "centro", "hôpital", "sinistré", "victime", "famille", "víctima", "damnificado"}
)  # fmt: skip
# abstract subjects that "hit" or "hurt" only in a figure of speech
ABSTRACT = frozenset(
    {"cost", "rate", "decision", "policy", "measure", "tax", "tariff", "sanction", "shortage",
     "debt", "crisis", "uncertainty", "demand", "supply", "deficit", "compensation", "subsidy",
     "payment", "coût", "taux", "crise"}
)  # fmt: skip
# "banned the march", "avait interdit la manifestation": the march is what the ban is about
ACT_ON = frozenset(
    {"ban", "prohibit", "forbid", "postpone", "cancel", "suspend", "authorise", "authorize",
     "allow", "permit", "call off", "interdire", "annuler", "reporter", "suspendre",
     "autoriser", "prohibir", "suspender", "autorizar"}
)  # fmt: skip
LEADERS = frozenset(
    {"leader", "commander", "chief", "head", "chef", "commandant", "dirigeant", "responsable",
     "líder", "jefe", "cabecilla"}
)  # fmt: skip
# "more than 6,000 people have left Mirebalais": a displacement
LEAVE = frozenset({"leave", "quitter", "abandonner", "abandonar", "evacuate", "évacuer"})
PEOPLE = frozenset(
    {"people", "person", "resident", "family", "villager", "civilian", "inhabitant",
     "household", "personne", "famille", "habitant", "civil", "villageois", "ménage",
     "persona", "familia", "habitante"}
)  # fmt: skip
RESCUE = frozenset({"pull", "drag", "lift", "haul", "extract", "sortir", "retirer", "sacar"})
