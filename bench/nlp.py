"""The linguistic layer's cost: loading spaCy's pipelines, parsing an article, the rules.

    uv run --no-sync python -m bench.nlp [--rounds 3] [--out FILE]

Each pipeline is loaded in a fresh interpreter (what a process pays once at start-up, with
the memory it adds). Then, in this process, every gold article of seeds/ and seeds/blind-dev
is parsed and its events found, `--rounds` times: the parse alone, the rules on the parse,
and, in the same run, the word rules alone (the article read as an unparsed language) for
the ratio. The brief's LLM call, which dominates a briefing (~10 s on a quiet machine), is
not in these numbers; `python -m service eval` times whole briefings.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import dump, foreign_cpu, load, machine, median, wait_quiet
from service.evaluation.gold import find_cases
from service.grounding.candidates import find_candidates
from service.grounding.evidence import ArticleText
from service.grounding.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
_LOAD = """
import resource, time
t = time.perf_counter(); import spacy; imported = time.perf_counter() - t
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from service.nlp.pipeline import pipeline
t = time.perf_counter(); pipeline({language!r}); loaded = time.perf_counter() - t
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(imported, loaded, (after - before) / 1024)
"""


def load_cost(language: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD.format(language=language)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    imported, loaded, mib = map(float, out.stdout.split())
    return {"import_spacy_s": imported, "load_s": loaded, "rss_mib": mib}


def _time(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    quiet = wait_quiet()
    result: dict[str, Any] = {"machine": machine(), "load": load(), "foreign_cpu": quiet}
    result["pipelines"] = {lang: load_cost(lang) for lang in ("en", "fr")}
    cases = find_cases([ROOT / "seeds", ROOT / "seeds" / "blind-dev"])
    rows = []
    for case in cases:
        text, language = case.article.text, case.article.language
        parse, rules, words, tokens = [], [], [], 0
        for _ in range(args.rounds):
            article = ArticleText(text, split_sentences(text), language)
            parse.append(_time(lambda a=article: a.parsed))
            rules.append(_time(lambda a=article: find_candidates(a)))
            unparsed = ArticleText(text, split_sentences(text), "xx")  # no pipeline: word rules
            words.append(_time(lambda a=unparsed: find_candidates(a)))
            tokens = sum(len(d) for d in article.parsed.docs) if article.parsed else 0
        rows.append(
            {"article": case.name, "language": language, "tokens": tokens,
             "parse_s": median(parse), "rules_s": median(rules), "word_rules_s": median(words)}
        )  # fmt: skip
    result["articles"] = rows
    result["foreign_cpu_after"] = foreign_cpu()
    for lang, cost in result["pipelines"].items():
        print(f"{lang}: import spaCy {cost['import_spacy_s']:.2f} s, load {cost['load_s']:.2f} s,"
              f" +{cost['rss_mib']:.0f} MiB")  # fmt: skip
    parsed = [r for r in rows if r["tokens"]]
    total_tokens = sum(r["tokens"] for r in parsed)
    total_parse = sum(r["parse_s"] for r in parsed)
    print(f"{len(rows)} articles, {total_tokens} tokens parsed in {total_parse:.2f} s "
          f"({total_tokens / total_parse:.0f} tokens/s); per article median: parse "
          f"{median([r['parse_s'] for r in parsed]):.3f} s, rules on the parse "
          f"{median([r['rules_s'] for r in rows]):.3f} s, word rules alone "
          f"{median([r['word_rules_s'] for r in rows]):.3f} s; other processes "
          f"{quiet}/{result['foreign_cpu_after']} cores")  # fmt: skip
    dump(result, args.out)


if __name__ == "__main__":
    main()
