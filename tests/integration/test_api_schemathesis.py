"""schemathesis against /api/v1/openapi.json: no generated request gets a 500 (issue 4).

In process (ASGI), as walker A of ``web_world.clinic`` (a walker with sessions, a check-in and
an outcome test) with a valid bearer token; the therapists' operations as A's therapist T1. Three kinds of request per operation: as generated
from the document (valid per schema), the same with realistic times (a session within the
last hour, today's check-in: dates drawn at random are almost all refused by the domain) and
``If-Match: *`` (so edits get past the precondition), and invalid ones (schemathesis's negative
mode). Walker and session ids in paths are A's, so the requests reach the code behind the
access check. Bounded and deterministic: ``MAX_EXAMPLES`` per kind and operation, hypothesis's
derandomised mode (the same requests on every run). SQLite and PostgreSQL (PostgreSQL refuses
some text SQLite takes, such as NUL characters).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from tests.integration.web_world import World, backend_url, clinic  # noqa: E402

MAX_EXAMPLES = 15
"""Per kind and operation (27 operations x 3 kinds x 15, about 14 s per backend on 2 cores)."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with (
        backend_url(request.param, tmp_path_factory.mktemp("fuzz")) as url,
        clinic(url) as built,
    ):
        yield built


AS_THERAPIST = {
    "GET /api/v1/patients",
    "POST /api/v1/invitations",
    "PATCH /api/v1/walkers/{walker_id}/program/target",
    "POST /api/v1/walkers/{walker_id}/program/resume",
}
"""Operations a walker is refused (403): generated as A's therapist, to reach their code."""


def _operations(world: World) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.client.app)
    return [result.ok() for result in schema.get_all_operations()]


def _realistic(world: World) -> Any:
    def fix(case: Any) -> Any:
        if isinstance(case.body, dict):
            moments = {
                "performed_at": (world.now - timedelta(hours=1)).isoformat(),
                "taken_at": (world.now - timedelta(hours=1)).isoformat(),
                "on": world.now.date().isoformat(),
            }
            for name, value in moments.items():
                if name in case.body:
                    case.body[name] = value
        return case

    return fix


def _strategy(world: World, operation: Any) -> Any:
    ids = {"walker_id": world.walker_id, "session_id": world.session_id}
    fixed = {k: v for k, v in ids.items() if f"{{{k}}}" in operation.path}
    versioned = any(p.name == "If-Match" for p in operation.headers)
    realistic = operation.as_strategy(
        GenerationMode.POSITIVE,
        path_parameters=fixed,
        headers={"If-Match": "*"} if versioned else None,
    ).map(_realistic(world))
    return (
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed)
        | realistic
        | operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed)
    )


def _runner(strategy: Any, headers: dict[str, str]) -> Any:
    @given(case=strategy)
    @settings(
        max_examples=3 * MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    return run


def test_no_generated_request_gets_a_server_error(fuzz_world: World) -> None:
    failures: list[str] = []
    operations = _operations(fuzz_world)
    assert len(operations) >= 25  # the whole API, not an empty document
    for operation in operations:
        asker = "walker_a"
        if f"{operation.method.upper()} {operation.path}" in AS_THERAPIST:
            asker = "therapist_1"
        headers = {"authorization": f"Bearer {fuzz_world.api_tokens[asker]}"}
        try:
            _runner(_strategy(fuzz_world, operation), headers)()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == [], "\n\n".join(failures)
