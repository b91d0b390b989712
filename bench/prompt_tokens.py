"""Token cost of one extraction prompt, split into instructions, schema and article.

    uv run python bench/prompt_tokens.py [ARTICLE.txt] [--prompt-file FILE]

Counts with the embedded model's own tokenizer (vocab only, no weights loaded into
compute), for the pieces the llama.cpp server puts in the prompt: the system prompt, the
tool schema instructor sends, and the user message (the numbered article). "Overhead" is
everything but the article's own text.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from llama_cpp import Llama
from pydantic import BaseModel

import prompts
from schemas import BriefingOptions
from service.grounding.draft import Draft
from service.grounding.text import split_sentences
from service.llm.extraction import render_article
from service.llm.modelpack import resolve_model
from service.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("article", nargs="?", default="seeds/ap-ukraine-energy-strikes.txt")
    parser.add_argument("--prompt-file", type=Path, help="an alternative prompt text to measure")
    args = parser.parse_args()
    settings = Settings()
    model = resolve_model(settings.embedded_model, settings.model_cache_dir)
    llm = Llama(model_path=str(model), vocab_only=True, verbose=False)

    def count(text: str) -> int:
        return len(llm.tokenize(text.encode(), add_bos=False, special=True))

    text = Path(args.article).read_text(encoding="utf-8")
    prompt = prompts.load("extract")
    system_text = (
        args.prompt_file.read_text().partition("\n---\n")[2] if args.prompt_file else prompt.text
    ).format(**BriefingOptions().model_dump())
    lean = json.dumps(Draft.model_json_schema())
    full = json.dumps(BaseModel.model_json_schema.__func__(Draft))  # type: ignore[attr-defined]
    user = render_article(split_sentences(text), title=None, published="2025-11-09")
    rows = {
        "system prompt": count(system_text),
        "tool schema (as sent)": count(lean),
        "tool schema (pydantic default, for comparison)": count(full),
        "user message (numbered article)": count(user),
        "article text alone": count(text),
    }
    overhead = rows["system prompt"] + rows["tool schema (as sent)"]
    overhead += rows["user message (numbered article)"] - rows["article text alone"]
    for name, n in rows.items():
        print(f"{name:50s} {n:6d}")
    print(f"{'overhead per article (all but the article text)':50s} {overhead:6d}")


if __name__ == "__main__":
    main()
