"""The OpenAPI document describes the API (issue #13, item 6): schemathesis generates requests
from it, valid and invalid, and every check runs on every answer: no server error, no body off
its schema, no status the document does not list, invalid input refused, valid input accepted,
methods the document omits refused with 405 and an Allow header (all but one check: below).

Deterministic (derandomized) and bounded: SCHEMATHESIS_EXAMPLES per operation (100 by default;
valid and invalid cases: about 1,200 over
the 11 operations, a few minutes on 2 cores)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, positive_data_acceptance
from test_reliability import free_port

from service.app import create_app
from service.settings import Settings

# A schema-valid request may still break a rule JSON Schema cannot state (source equal to target,
# a text with no detectable language, a beam over the configured limit, a target document in the
# source's language): those are answered 422 with the rule in words, which this check would
# count as a valid request refused. Every other check runs.
RULES_BEYOND_SCHEMA = [positive_data_acceptance]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100"))
cases: list[str] = []


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, tiny_model_dir, tiny_model_en_zh_dir, encoder) -> Iterator[str]:
    """The app with the tiny models under uvicorn on a loopback port, for every operation's
    cases (schemathesis's in-process client would start a second lifespan and never stop it)."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("schemathesis"),
        model_zh_en=str(tiny_model_dir),
        model_en_zh=str(tiny_model_en_zh_dir),
    )
    app = create_app(settings, encoder=encoder)
    server = uvicorn.Server(uvicorn.Config(app, port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    for direction in (("zh", "en"), ("en", "zh")):  # loaded before requests race to it
        app.state.registry.get(*direction)
    yield f"http://127.0.0.1:{server.config.port}"
    app.state.worker.close(timeout=120)  # not left running in the model at exit
    server.should_exit = True
    thread.join(60)
    print(f"\nschemathesis: {len(cases)} cases")


def test_api_answers_as_its_openapi_document_says(base_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:  # valid requests, then invalid ones
            try:
                run_cases(operation.as_strategy(mode))
            except Unsatisfiable:  # no parameters and no body: nothing to make invalid
                assert mode is GenerationMode.NEGATIVE
            except Exception as error:  # every operation runs; all failures are reported
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
    assert len(cases) >= 10 * EXAMPLES


def run_cases(strategy) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def answers_as_documented(case) -> None:
        cases.append(case.operation.label)
        case.call_and_validate(checks=CHECKS.get_all(), excluded_checks=RULES_BEYOND_SCHEMA)

    answers_as_documented()
