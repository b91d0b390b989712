"""`schemathesis run` against the live service: every check, and no failure allowed.

The real CLI as a person or CI would run it, in a subprocess, against the app served by
uvicorn on a loopback port (tests/support/live.py) with real Redis; only loopback is contacted. Its
settings (deterministic generation, 50 examples, warnings fatal) are in schemathesis.toml
at the repository root. The LLM is the scripted server, answering every request with a
draft that validates: the seed article's faithful draft, and for any generated article one
with no items, which verification completes from the article itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.articles import ROOT
from tests.support.drafts import EMPTY_DRAFT, good_draft
from tests.support.scripted_llm import Reply, ScriptedLLM

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = ROOT / "schemathesis.toml"
SEED_MARKER = "Some 20,000 households were affected"  # a sentence of the seed article
OPERATIONS = 16  # in schemas/openapi.json


def valid_draft(request: dict[str, Any]) -> Reply:
    if SEED_MARKER in json.dumps(request, ensure_ascii=False):
        return Reply(arguments=good_draft())
    return Reply(arguments=EMPTY_DRAFT)


def run_schemathesis(base_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        "--checks",
        "all",
        f"{base_url}/schema/openapi.json",
    ]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_schemathesis_run_finds_no_failure(live_url: str, llm: ScriptedLLM, tmp_path: Path) -> None:
    llm.reset(valid_draft)
    result = run_schemathesis(live_url, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No issues found" in output, output
    assert f"Tested: {OPERATIONS}" in output, output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ {phase}\n", output), f"{phase} did not pass\n{output}"
    # The stateful phase followed every link: createBriefing's to a stored briefing,
    # createJob's to the job, and those schemathesis inferred from the paths; all but one
    # since the merged events (24 links with the quotes' two): no worker runs here, so a
    # job's merged events have no members, and the link inferred from a member's briefing id
    # cannot be walked.
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected / (\d+) total", output)
    assert links and links[2] == links[3] and int(links[1]) >= int(links[3]) - 1 >= 6, output
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases and int(cases[1]) == int(cases[2]) >= 500, output
    # Generated articles reached the LLM, the seed among them (the request body's example).
    assert llm.calls > 10
    assert any(SEED_MARKER in json.dumps(r, ensure_ascii=False) for r in llm.requests)
