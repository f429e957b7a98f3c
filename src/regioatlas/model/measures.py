"""A measure: one thing RegioAtlas measures about a region or station, whatever feature shows it
(a scorecard indicator, a KPI, a Digital Compass target). Pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from regioatlas.model.errors import BadInput

#: the languages every measure is named in
LANGUAGES = ("en", "fi", "de", "it", "fr")
DIRECTIONS = ("higher_is_better", "lower_is_better")
SOURCE_FIELDS = ("publisher", "dataset", "licence", "attribution")


@dataclass(frozen=True)
class Measure:
    """One entry of the measure catalogue.

    ``kind`` says which feature reads it ("scorecard indicator", "kpi"); ``area`` groups it
    (a scorecard pillar, "air quality", "digital"). ``details`` holds what only its feature
    reads: ``scorecard`` (derivation, levels, change, composite, note), ``compass`` (baseline,
    series, regional context), ``sdm`` (Smart Data Models fields) and any other key, which the
    KPI API passes through.

    Raises
    ------
    BadInput
        A name missing in one of the five languages, an unknown direction, or a source without
        publisher, dataset, licence and attribution.

    Example
    -------
    >>> m = Measure("x", "kpi", "digital", {"en": "X", "fi": "X", "de": "X", "it": "X", "fr": "X"},
    ...             "A share.", "%", "higher_is_better",
    ...             {"publisher": "p", "dataset": "d", "licence": "CC BY 4.0", "attribution": "a"})
    >>> m.label("de"), m.sign
    ('X', 1)
    """

    id: str
    kind: str
    area: str
    names: dict[str, str]
    definition: str
    unit: str
    direction: str
    source: dict[str, str]
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    #: Smart Data Models ``currentStanding`` breakpoints (value at or better than which applies)
    standing: dict[str, float] | None = None
    #: dated targets, e.g. ``{"year": 2030, "value": 80, "unit": "%", "text": ...}``
    targets: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"measure {self.id!r}"
        missing = [lang for lang in LANGUAGES if not self.names.get(lang)]
        if missing:
            raise BadInput(f"{where} has no name in {', '.join(missing)}", parameter="names")
        if self.direction not in DIRECTIONS:
            raise BadInput(
                f"{where}: direction must be {' or '.join(DIRECTIONS)}, not {self.direction!r}",
                parameter="direction",
            )
        lacking = [k for k in SOURCE_FIELDS if not self.source.get(k)]
        if lacking:
            raise BadInput(f"{where}: source lacks {', '.join(lacking)}", parameter="source")

    def label(self, lang: str = "en") -> str:
        """The name in a language (English when the language has none)."""
        return self.names.get(lang) or self.names["en"]

    @property
    def sign(self) -> int:
        """+1 when a higher value is better, -1 when lower is better."""
        return 1 if self.direction == "higher_is_better" else -1
