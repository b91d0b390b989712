"""Settings from the environment: parsing as documented, bad values named at start-up, secrets
kept out of sight, and the docs table and .env.example generated from the fields."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from pydantic import SecretStr, ValidationError

from service.cli._config import (
    REGENERATE,
    TABLE_END,
    TABLE_START,
    configuration_table,
    env_example,
    with_configuration_table,
)
from service.settings import DEFAULT_PUBLIC_PATHS, ConfigError, Settings
from tests.support.articles import ROOT

DOC = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"
VARIABLES = [field.upper() for field in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting from the developer's shell reaches these tests."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def problems(**env: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with pytest.raises(ConfigError) as caught:
            Settings.from_env()
    return str(caught.value)


# the documentation


def test_the_docs_table_is_generated_from_the_settings() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert doc == with_configuration_table(doc), (
        f"docs/configuration.md's table differs from service/settings.py: run `{REGENERATE}`"
    )


def test_env_example_is_generated_from_the_settings() -> None:
    assert ENV_EXAMPLE.read_text(encoding="utf-8") == env_example(), (
        f".env.example differs from service/settings.py: run `{REGENERATE}`"
    )


def test_every_variable_is_documented_and_every_documented_one_is_a_setting() -> None:
    doc = DOC.read_text(encoding="utf-8")
    block = doc.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    documented = re.findall(r"^\| `([A-Z0-9_]+)` \|", block, flags=re.M)
    assert documented == VARIABLES
    assert {"EMBEDDED_START_TIMEOUT_S", "BENCH_ROUTES", "MODEL_CACHE_DIR"} <= set(documented)
    # any other table of variables in the section would be hand-written, and drift
    section = doc.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z0-9_]+)`", section, flags=re.M)
    assert sorted(rows) == sorted(VARIABLES)
    commented = re.findall(r"^# ([A-Z0-9_]+)=", env_example(), flags=re.M)
    assert commented == VARIABLES


def test_every_setting_has_a_description() -> None:
    undescribed = [f for f, info in Settings.model_fields.items() if not info.description]
    assert undescribed == []
    assert configuration_table().count("\n") == len(VARIABLES) + 2


# parsing


def test_without_an_environment_the_defaults_hold() -> None:
    settings = Settings.from_env()
    assert settings == Settings()
    assert (settings.llm_timeout_s, settings.log_format, settings.log_level) == (
        300,
        "json",
        "INFO",
    )
    assert settings.public_paths == DEFAULT_PUBLIC_PATHS and settings.api_keys == ()
    assert (settings.backend, settings.strategy, settings.schema_format) == (
        "embedded",
        "staged",
        "json_object",
    )


def test_settings_built_in_code_never_read_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LOG_FORMAT", "text")
    clean_env.setenv("API_KEYS", "leaked")
    assert Settings().log_format == "json" and Settings().api_keys == ()
    assert Settings(llm_timeout_s=5).log_format == "json"
    assert Settings.from_env().log_format == "text"


def test_values_are_read_and_typed(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in {
        "LLM_TIMEOUT_S": "12.5",
        "LLM_MAX_RETRIES": "3",
        "LLM_CONCURRENCY": "0",
        "EMBEDDED_MODEL_PATH": "/models/x.gguf",
        "LOG_LEVEL": "debug",
        "LOG_FORMAT": "TEXT",
        "LLM_MODE": "json_schema",
        "EXTRACTION": "Single",
        "LLM_SCHEMA_FORMAT": "JSON_OBJECT",
        "OPENAI_BASE_URL": "http://vllm:8000/v1",
    }.items():
        clean_env.setenv(name, value)
    settings = Settings.from_env()
    assert settings.llm_timeout_s == 12.5 and settings.max_retries == 3
    assert settings.concurrency_limit == 0
    assert str(settings.embedded_model_path) == "/models/x.gguf"
    assert (settings.log_level, settings.log_format, settings.llm_mode) == (
        "DEBUG",
        "text",
        "JSON_SCHEMA",
    )
    assert (settings.strategy, settings.schema_format) == ("single", "json_object")


def test_an_empty_value_counts_as_unset(clean_env: pytest.MonkeyPatch) -> None:
    for name in ("LLM_TIMEOUT_S", "LOG_FORMAT", "PUBLIC_PATHS", "OPENAI_API_KEY", "EXTRACTION"):
        clean_env.setenv(name, "")
    assert Settings.from_env() == Settings()


@pytest.mark.parametrize(
    ("raw", "keys", "paths"),
    [
        ("a, b", ("a", "b"), ("a", "b")),
        ("  alice:k1 ,bob:k2,, ", ("alice:k1", "bob:k2"), ("alice:k1", "bob:k2")),
        (",", (), ()),  # set, but to nothing: no public path at all
        (None, (), DEFAULT_PUBLIC_PATHS),
    ],
)
def test_comma_lists(
    clean_env: pytest.MonkeyPatch, raw: str | None, keys: tuple[str, ...], paths: tuple[str, ...]
) -> None:
    if raw is not None:
        clean_env.setenv("API_KEYS", raw)
        clean_env.setenv("PUBLIC_PATHS", raw)
    settings = Settings.from_env()
    assert tuple(k.get_secret_value() for k in settings.api_keys) == keys
    assert settings.public_paths == paths


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        *[(raw, True) for raw in ("1", "true", "on", "yes", "TRUE", "On")],
        *[(raw, False) for raw in ("0", "false", "off", "no")],
    ],
)
def test_booleans(clean_env: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    for name in ("STAGED_FILL", "REDIS_CLUSTER", "BENCH_ROUTES", "LLM_CHOICES"):
        clean_env.setenv(name, raw)
    clean_env.setenv("QUEUE_REDIS_URL", "redis://queue:6379/0")
    settings = Settings.from_env()
    assert settings.staged_fill is settings.redis_cluster is settings.bench_routes is value
    assert settings.choices is value


# bad values: named, with the reason, when the settings are read


def test_a_bad_number_names_its_variable() -> None:
    message = problems(LLM_TIMEOUT_S="abc")
    assert message.startswith("LLM_TIMEOUT_S='abc': ")
    assert "valid number" in message


def test_a_misspelt_choice_is_an_error_not_a_fallback() -> None:
    assert problems(LOG_FORMAT="jsn") == "LOG_FORMAT='jsn': input should be 'json' or 'text'"
    assert "EXTRACTION='both'" in problems(EXTRACTION="both")
    assert "LLM_SCHEMA_FORMAT='json'" in problems(LLM_SCHEMA_FORMAT="json")
    assert "LOG_LEVEL='loud'" in problems(LOG_LEVEL="loud")  # as it was written
    assert "LLM_MODE='parallel_tools'" in problems(LLM_MODE="parallel_tools")
    assert "STAGED_FILL='maybe'" in problems(STAGED_FILL="maybe")


def test_every_bad_variable_is_reported_at_once() -> None:
    lines = problems(LLM_TIMEOUT_S="abc", JOB_ATTEMPTS="0", EMBEDDED_PORT="70000").splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [
        "LLM_TIMEOUT_S",
        "EMBEDDED_PORT",
        "JOB_ATTEMPTS",
    ]


def test_a_cluster_without_a_queue_redis_is_a_configuration_error() -> None:
    message = problems(REDIS_CLUSTER="1")
    assert "REDIS_CLUSTER=1 needs QUEUE_REDIS_URL" in message
    with pytest.raises(ValidationError, match="QUEUE_REDIS_URL"):
        Settings(redis_cluster=True)


def test_the_cli_reports_bad_variables_and_exits_2_before_starting_anything() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in VARIABLES},
        "LLM_TIMEOUT_S": "abc",
        "LOG_FORMAT": "jsn",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # were anything started, it would not get far
    }
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert "python -m service: LLM_TIMEOUT_S='abc': input should be a valid number" in lines[0]
    assert lines[1] == "python -m service: LOG_FORMAT='jsn': input should be 'json' or 'text'"
    assert done.stdout == ""


# secrets


def test_secrets_stay_out_of_repr_str_dumps_and_errors(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-very-secret-1")
    clean_env.setenv("API_KEYS", "alice:very-secret-2, very-secret-3")
    settings = Settings.from_env()
    assert isinstance(settings.openai_api_key, SecretStr)
    assert settings.openai_api_key.get_secret_value() == "sk-very-secret-1"
    assert [k.get_secret_value() for k in settings.api_keys] == [
        "alice:very-secret-2",
        "very-secret-3",
    ]
    assert settings.backend == "remote"
    shown = [repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())]
    for text in shown:
        assert "very-secret" not in text
    clean_env.setenv("LLM_TIMEOUT_S", "abc")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    assert "very-secret" not in str(caught.value)


def test_secrets_given_in_code_are_wrapped_too() -> None:
    settings = Settings(openai_api_key="sk-in-code", api_keys=("k-in-code",))
    assert "in-code" not in repr(settings)
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-in-code"
    assert Settings(openai_api_key="").backend == "embedded"  # as an unset key


# copies


def test_replace_validates_and_the_settings_stay_frozen() -> None:
    settings = Settings()
    changed = settings.replace(api_keys=("k1",), log_level="debug", llm_max_retries=0)
    assert [k.get_secret_value() for k in changed.api_keys] == ["k1"]
    assert (changed.log_level, changed.max_retries) == ("DEBUG", 0)
    assert settings == Settings()  # the original is untouched
    with pytest.raises(ValidationError):
        settings.replace(log_format="jsn")
    with pytest.raises(ValidationError):
        settings.replace(no_such_setting=1)
    with pytest.raises(ValidationError):
        settings.log_format = "text"  # type: ignore[misc]
    assert hash(changed) == hash(
        settings.replace(api_keys=("k1",), log_level="DEBUG", llm_max_retries=0)
    )
