"""Compile PETRARCH2's CAMEO verb dictionary and Phoenix agent dictionary into our tables.

    python -m service.nlp._build_tables PETRARCH2_CHECKOUT

PETRARCH2 (github.com/openeventdata/petrarch2, MIT, `petrarch2/data/dictionaries/`) is
the field's open event coder; its dictionaries are what it codes news with. We read two of
them and write two small tab-separated tables beside this file (data/, NOTICE.md says
from what and under which licence), so the service needs neither PETRARCH nor its parser:

- `cameo_verbs.tsv`: `lemma  block  code`: each verb, the synonym block it belongs to, and
  its default CAMEO code (empty when only its patterns give one);
- `cameo_objects.tsv`: `block  object  code`: the codes a block's patterns give when an
  object or prepositional object is a given word ("- * &CEASEFIRE [0356]" under ARRANGE →
  `arrange  ceasefire  0356`). Synonym sets (&WEAPON…) are expanded; multi-word forms keep
  their space ("call off").
- `agents.tsv`: `word  code`: Phoenix's agent nouns ("police" → COP, "judge" → JUD);
- `actors.tsv`: `name  ISO3`: Phoenix's named actors (people, parties, armed groups) with the
  country of their latest coding ("sergey lavrov" → RUS, "boko haram" → NGA).

Subject-side pattern words ("- &MILITARY * …") and the pattern grammar's markers ($, ^, %)
are dropped: the parse gives us the subject, and a table lookup is all the rules need.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "data"
_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---")
_CODE = re.compile(r"\[([0-9:\-]+)\]")
_PREPOSITIONS = frozenset(
    "to of in on at by for from with against into over about between under toward towards "
    "after before across through near during upon up down out off back".split()
)


def _word(token: str) -> str:
    return token.strip("+{}()$^%=!|").replace("_", " ").lower().strip()


def _code(raw: str) -> str | None:
    code = raw.split(":")[0].strip()
    return code if code and code != "---" and code.isdigit() else None


def _synsets(lines: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    name = None
    for line in lines:
        line = line.split("#")[0].rstrip()
        if line.startswith("&"):
            name = line.strip()
            sets[name] = []
        elif name and line.startswith("+"):
            sets[name].append(_word(line.split()[0]))
        elif not line.strip():
            name = None
    return sets


def _objects(pattern: str, synsets: dict[str, list[str]]) -> list[str]:
    """The first content word after the verb's place (*), synonym sets expanded."""
    after = pattern.split("*", 1)[1] if "*" in pattern else ""
    for token in re.findall(r"&\w+|[A-Za-z_]+", after):
        if token.startswith("&"):
            return [w for w in synsets.get(token, []) if w]
        word = _word(token)
        if word and word not in _PREPOSITIONS:
            return [word]
    return []


def compile_verbs(source: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(verbs, objects): `lemma  block  code` per verb (code empty when only its patterns
    give one), and `block  object  code` per pattern, keyed by the verb block (PETRARCH's
    synonym groups share their patterns), so the patterns are stored once per block."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if "VERB PATTERNS" in line)
    synsets = _synsets(lines[:start])
    verbs: dict[str, tuple[str, str]] = {}
    objects: dict[tuple[str, str], str] = {}
    block, default = "", None
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("#"):
            continue
        found_block = _BLOCK.match(line)
        if found_block:
            block, default = _word(found_block.group(1)), _code(found_block.group(2))
            continue
        body = line.split("#")[0].strip()
        found = _CODE.search(body)
        code = _code(found.group(1)) if found else None
        if body.startswith("-"):
            if code is not None and found is not None:
                for obj in _objects(body[: found.start()], synsets):
                    objects.setdefault((block, obj), code)
            continue
        verb = _word(body.split()[0]) if body.split() else ""
        if verb:
            verbs.setdefault(verb, (block, code or default or ""))
    return (
        sorted((verb, b, c) for verb, (b, c) in verbs.items()),
        sorted((b, obj, c) for (b, obj), c in objects.items()),
    )


def compile_agents(source: str) -> list[tuple[str, str]]:
    macros: dict[str, list[str]] = {}
    rows: dict[str, str] = {}
    for line in source.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        macro = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",")]
            continue
        found = re.search(r"\[~?(\w+)\]", line)
        if not found:
            continue
        name = line[: found.start()].replace("{}", "").strip()
        forms = [name]
        for key, words in macros.items():
            if key in name:
                forms = [name.replace(key, w) for w in words]
        for form in forms:
            word = _word(form)
            if word and "!" not in word:
                rows.setdefault(word, found.group(1))
    return sorted(rows.items())


def compile_actors(source: str) -> list[tuple[str, str]]:
    """`name  ISO3`: each Phoenix actor's names (main and + aliases) with the country of its
    latest code ("SERGEY_LAVROV_ … [RUSGOV]" → sergey lavrov RUS; "BOKO_HARAM [NGAREB]")."""
    rows: dict[str, str] = {}
    names: list[str] = []
    code = ""

    def flush() -> None:
        if names and code[:3].isalpha() and code[:3].isupper():
            for name in names:
                rows.setdefault(name, code[:3])

    for raw in source.splitlines():
        line = raw.split("#")[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace() and not line.startswith(("+", "[")):
            flush()
            names, code = [], ""
            head = line.split("[")[0]
            names.append(_word(head))
        elif line.lstrip().startswith("+"):
            names.append(_word(line.strip().split("[")[0]))
        found = re.findall(r"\[~?([A-Z]{3})[A-Z]*(?:\s[^\]]*)?\]", line)
        if found:
            code = found[-1]  # the latest coding wins
    flush()
    return sorted((n, c) for n, c in rows.items() if len(n) > 2)


def main(checkout: Path) -> None:
    folder = checkout / "petrarch2" / "data" / "dictionaries"
    verbs, objects = compile_verbs((folder / "CAMEO.2.0.txt").read_text(encoding="latin-1"))
    agents = compile_agents((folder / "Phoenix.agents.txt").read_text(encoding="latin-1"))
    actors = compile_actors(
        "\n".join(
            (folder / name).read_text(encoding="latin-1")
            for name in ("Phoenix.Countries.actors.txt", "Phoenix.MilNonState.actors.txt")
        )
    )
    HERE.mkdir(exist_ok=True)
    (HERE / "actors.tsv").write_text("".join(f"{n}\t{c}\n" for n, c in actors), encoding="utf-8")
    for name, rows in (("cameo_verbs.tsv", verbs), ("cameo_objects.tsv", objects)):
        (HERE / name).write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    (HERE / "agents.tsv").write_text("".join(f"{w}\t{c}\n" for w, c in agents), encoding="utf-8")
    print(f"{len(verbs)} verbs, {len(objects)} patterns, {len(agents)} agents", end=", ")
    print(f"{len(actors)} actors")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
