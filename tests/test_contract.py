"""The API keeps its OpenAPI contract: schemathesis fuzzes every operation of the real app.

Every operation of ``/openapi.json`` (104 when this was written) is called with generated valid
and invalid requests against the real ASGI app over the demo store: up to 10 valid and 6
invalid cases per operation, 1,424 in all (the tests assert at least 1,000, 250 in each of
the four parts; measured on 2026-12-01 over 104 operations: 0 failures, 3 min 13 s of CPU,
22 min wall on 2 shared cores at load average 15-22; on 2026-12-02 the parts generated 374,
365, 362 and 323 cases, 3 to 6 min of CPU in all at load average 3-6), and every response
is checked by all of schemathesis' checks (status code, content type, headers and
body documented; no 5xx; invalid input refused, valid input accepted). The write operations
(uploads, deletions, NGSI-LD writes) are called without a token, so they must answer the
documented 401 and leave the store as it was. The seed is fixed and generation derandomized:
a failure here reproduces.

The spec is exact by construction: a query parameter's schema and the check every route runs
before its handler come from the same declaration (``api.parameters.Param``). What no
parameter schema can state, a rule over several parameters or over what the data holds, is
listed in :data:`RULES`; only a 400 stating such a rule is let through for a valid request,
and every other check still runs on it.

The operations are looped over in four tests, every fourth operation each, one a file
(``test_contract_part1.py`` to ``part4.py``), so that ``--dist loadfile`` gives the two
workers a share each instead of one 3-minute file (schemathesis' pytest plugin does not run
under pytest 9); every operation's first failure is collected so that one run names them all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

#: seconds a response may take
REQUEST_TIMEOUT = 300
#: generated cases per operation and mode: over the 104 operations, more than 1,000 in all
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
MIN_CASES = 1000
#: the operations are fuzzed in this many tests, one a file (test_contract_part<n>.py), so
#: that the two workers of ``-n 2 --dist loadfile`` share them
PARTS = 4


#: 400s that a request valid by the schema may get, by operation: rules over several
#: parameters, or over what the data holds, which an OpenAPI parameter schema cannot state.
#: Every other 400 to a valid request fails the run (schemathesis' positive_data_acceptance).
NGSI_QUERY_RULES = (
    "name a type, id, attrs, q or a geo-query",
    "q: ",  # the NGSI-LD query language
    "idPattern is not a regular expression",
    "coordinates",  # GeoJSON coordinates that fit the geometry and the georel
    "georel near takes a Point",
    "georel is required in a geo-query",
    "geometry is required in a geo-query",
)
#: rules of every operation: the atlas filters' period, and the region door (a code of an
#: older NUTS version whose region was split or merged has no one atlas region)
EVERYWHERE = ("to is before from", "has no single NUTS", "has no one-to-one equivalent")
RULES: dict[str, tuple[str, ...]] = {
    # a text whose every word is a function word, a number or a single letter
    "GET /api/similar": ("text has no words",),
    "POST /api/similar": ("text has no words", "text is empty"),
    "GET /api/partners": ("give either text or project", "text has no words"),
    # options that contradict each other, weights or indicators the index does not use
    **{
        f"GET {path}": (
            "geometric aggregation needs",
            "PCA weights need",
            "weights given for indicator",
            "pillar weights are for",
            "unknown indicator",
            "no indicator",
            "no region has a value",
            "fewer than two regions",
            "the pillar weights are all 0",
        )
        for path in ("/api/composite", "/api/composite/csv")
    },
    # units, pollutants and indices are vocabularies with many spellings (model/units.py)
    "GET /api/units/convert": (
        "unknown unit",
        "cannot convert",
        "converting ",
        "unknown pollutant",
    ),
    "GET /api/air-quality/classify": ("unknown pollutant",),
    # a box whose west lies east of its east, or whose south lies north of its north
    "GET /api/geometries": ("west must not exceed east",),
    "GET /api/kpis/{kpi_id}": ("unknown unit", "cannot convert", "converting "),
    # NGSI-LD lists no entity without a type, id, attrs, q or geo-query (ETSI GS CIM 009 5.7.2)
    "GET /ngsi-ld/v1/entities": NGSI_QUERY_RULES,
    # timerel, timeAt and endTimeAt go together; timeAt is a date-time with a time zone
    **{
        f"GET /ngsi-ld/v1/temporal/entities{one}": (
            *NGSI_QUERY_RULES,
            "timeAt",
            "timerel",
            "endTimeAt",
        )
        for one in ("", "/{entity_id}")
    },
    # an XLSX sheet holds at most 100,000 rows of what the filters match
    **{
        f"GET /api/export/{table}.{{fmt}}": ("download holds at most",)
        for table in ("projects", "participants", "regions")
    },
    # a metropolis given must be a region of the region's own level, and not the region
    **{
        f"GET {path}": (
            "compares NUTS 2 and NUTS 3 regions",
            "region; give",
            "cannot be its own metropolis",
        )
        for path in (
            "/api/scorecard/{code}",
            "/api/scorecard/{code}/csv",
            "/api/scorecard/{code}/report.{fmt}",
            "/api/typology/{code}",
        )
    },
    # the body is a file: its content is checked as the file it claims to be
    "POST /api/air-quality/side-by-side": ("the body is not UTF-8", "posted.csv"),
}


def _follows_a_rule(label: str, response) -> bool:
    """True when a 400 states one of the operation's rules that no parameter schema can state."""
    if response.status_code not in (400, 422):  # 422: a posted file that cannot be read
        return False
    detail = response.json().get("detail", "")
    return any(rule in detail for rule in (*EVERYWHERE, *RULES.get(label, ())))


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
        # a loaded CI machine may take longer than schemathesis' 10 s for a whole-table
        # download or the first catalogue: slowness is the benchmarks' business (bench/)
        response = case.call(timeout=REQUEST_TIMEOUT)
        excluded = []
        if mode is GenerationMode.POSITIVE and _follows_a_rule(operation.label, response):
            excluded = [positive_data_acceptance]  # every other check still runs
        case.validate_response(response, excluded_checks=excluded)

    run()


def fuzz_part(schema, part: int) -> None:
    """Fuzz every PARTS-th operation from the part-th on (one test file per part) and check
    that each one was called and that the part generated its share of the cases."""
    cases: list[str] = []
    failures: dict[str, str] = {}
    every = [result.ok() for result in schema.get_all_operations()]
    operations = every[part - 1 :: PARTS]  # interleaved: the slow downloads fall apart
    for operation in operations:
        for mode in EXAMPLES:
            try:
                _fuzz(operation, mode, cases)
            except Unsatisfiable:  # nothing to violate: an operation without parameters
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # reported all at once below
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert len(every) >= 104  # organisations and good practices included
    assert {label for label in cases} == {op.label for op in operations}
    assert len(cases) >= MIN_CASES // PARTS, len(cases)


def test_every_part_of_the_operations_has_its_test_file():
    """The parts together fuzz every operation only if each part's file is there."""
    files = {p.name for p in Path(__file__).parent.glob("test_contract_part*.py")}
    assert files == {f"test_contract_part{part}.py" for part in range(1, PARTS + 1)}
    for part in range(1, PARTS + 1):
        text = (Path(__file__).parent / f"test_contract_part{part}.py").read_text()
        assert f"fuzz_part(contract_schema, {part})" in text, part


def test_an_unknown_method_is_405_with_allow(app_client):
    """TRACE (and any method a path does not take) is a 405 problem naming what it takes."""
    for path in ("/api/projects", "/api/regions/FI1C6", "/api/datasets", "/ogc/collections"):
        for method in ("TRACE", "PUT", "PATCH"):
            r = app_client.request(method, path)
            assert r.status_code == 405, (method, path, r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "GET" in r.headers["allow"], (method, path, r.headers)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/api/projects?to=2021-02-30", "to"),  # schemathesis: 9209-03-34 matched the pattern
        ("/api/projects?from=2100-02-29", "from"),  # not a leap year
        ("/api/search", "q"),  # required, was undeclared
        ("/api/search?q=%20a%20", "q"),
        ("/api/units/convert?from=ppb&to=ug/m3", "value"),
        ("/api/air-quality/classify?pollutant=PM2.5&value=3", "index"),
        ("/api/figures", "indicator"),
        ("/api/composite?weights=8000", "weights"),
        ("/api/kpis?area=1", "area"),
        ("/api/regions?level=%D9%A5", "level"),  # an Arabic-Indic 5: int() reads it, JSON not
        ("/api/projects?region=%C2%A9", "region"),
        ("/api/projects?org_type=HES,NGO", "org_type"),
    ],
)
def test_what_the_spec_refuses_is_a_400_naming_the_parameter(app_client, query, parameter):
    r = app_client.get(query)
    assert r.status_code == 400, (query, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["parameter"] == parameter, r.json()


@pytest.mark.parametrize(
    "query",
    [
        "/api/projects?from=2020-02-29&to=&version=",  # empty text means "not given"
        "/api/projects?org_type=HES,PUB&country=FI,AT",
        "/api/search?q=%20la%20",
        "/api/kpis?area=digital&lang=",
    ],
)
def test_what_the_spec_allows_is_answered(app_client, query):
    assert app_client.get(query).status_code == 200, query


def test_the_spec_states_the_declared_rules(app_client):
    spec = app_client.get("/openapi.json").json()

    def parameter(path: str, name: str) -> dict:
        return next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)

    search_q = parameter("/api/search", "q")
    assert search_q["required"] is True and search_q["schema"]["maxLength"] == 200
    assert parameter("/api/kpis", "area")["schema"]["enum"] == ["", "air quality", "digital"]
    report = parameter("/api/scorecard/{code}/report.{fmt}", "fmt")
    assert report["schema"]["enum"] == ["png", "pdf"]
    body = spec["paths"]["/api/air-quality/side-by-side"]["post"]["requestBody"]
    assert body["required"] is True and "text/csv" in body["content"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses or method != "get", (method, path)
            assert "400" in responses, (method, path)
            problem = responses["400"]["content"]
            assert list(problem) == ["application/problem+json"], (method, path)


def test_a_posted_csv_that_csv_cannot_parse_is_a_422_naming_the_line(app_client):
    """schemathesis posted a body with a bare carriage return: csv.Error was a 500."""
    header = (
        "AirQualityStationEoICode,AirPollutant,AirPollutantCode,AveragingTime,"
        "Concentration,UnitOfMeasurement,DatetimeBegin,Validity\n"
    )
    body = header + "DEBE034,PM2.5\rx,6001,hour,5,ug.m-3,2021-01-01 00:00:00 +01:00,1\n"
    r = app_client.post(
        "/api/air-quality/side-by-side", content=body, headers={"content-type": "text/csv"}
    )
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "posted.csv, line 2" in r.json()["detail"], r.json()["detail"]
