"""The API keeps its OpenAPI contract: schemathesis fuzzes every operation of the real app.

Every operation of ``/openapi.json`` is called with generated valid and invalid requests against
the real ASGI app over the demo store, and every response is checked by all of schemathesis'
checks (status code, content type, headers and body documented; no 5xx; invalid input refused,
valid input accepted; ``Allow`` on 405). The write operations (uploads, deletions, NGSI-LD
writes) are called without a token, so they must answer the documented 401 and leave the
store as it was. The seed is fixed and generation derandomized: a failure here reproduces.

The operations are looped over in one test (schemathesis' pytest plugin does not run under
pytest 9), and every operation's first failure is collected so that one run names them all.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

#: generated cases per operation and mode: over the 69 operations, more than 1,000 in all
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}


#: 400s that a request valid by the schema may get, by operation: rules over several
#: parameters, or over what the data holds, which an OpenAPI parameter schema cannot state.
#: Every other 400 to a valid request fails the run (schemathesis' positive_data_acceptance).
RULES: dict[str, tuple[str, ...]] = {
    **{
        f"GET {path}": ("to is before from",)
        for path in ("/api/projects", "/api/aggregates", "/api/regions/{code}/summary")
    },
}


@pytest.fixture(scope="module")
def contract_schema(demo_store_path):
    """The OpenAPI schema of the real app over the demo store, as schemathesis loads it."""
    from regioatlas.web.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(str(demo_store_path)))


def _follows_a_rule(label: str, response) -> bool:
    """True when a 400 names one of the operation's rules that no parameter schema can state."""
    if response.status_code != 400:
        return False
    detail = response.json().get("detail", "")
    return any(detail.startswith(rule) for rule in RULES.get(label, ()))


def _fuzz(operation, mode: GenerationMode, cases: list[str]) -> None:
    """Call one operation with generated requests of one mode and check every response."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cases.append(operation.label)
        response = case.call()
        excluded = []
        if mode is GenerationMode.POSITIVE and _follows_a_rule(operation.label, response):
            excluded = [positive_data_acceptance]  # every other check still runs
        case.validate_response(response, excluded_checks=excluded)

    run()


def test_every_operation_keeps_the_contract(contract_schema):
    cases: list[str] = []
    failures: dict[str, str] = {}
    operations = [result.ok() for result in contract_schema.get_all_operations()]
    for operation in operations:
        for mode in EXAMPLES:
            try:
                _fuzz(operation, mode, cases)
            except Unsatisfiable:  # nothing to violate: an operation without parameters
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # reported all at once below
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert len(operations) >= 69
    assert {label for label in cases} == {op.label for op in operations}
    assert len(cases) >= 1000, len(cases)


def test_an_unknown_method_is_405_with_allow(app_client):
    """TRACE (and any method a path does not take) is a 405 problem naming what it takes."""
    for path in ("/api/projects", "/api/regions/FI1C6", "/api/datasets", "/ogc/collections"):
        for method in ("TRACE", "PUT", "PATCH"):
            r = app_client.request(method, path)
            assert r.status_code == 405, (method, path, r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "GET" in r.headers["allow"], (method, path, r.headers)
