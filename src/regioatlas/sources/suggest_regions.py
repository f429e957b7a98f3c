"""The rules ``profile suggest`` proposes: region names in a list (Swedish län, Croatian
županije, Hungarian megyék and régiók) matched to NUTS 2024 regions become working
``body_region`` rules; an intermediate body's column gets a rule to fill in."""

from __future__ import annotations

import json
import re
from collections import Counter

from regioatlas.geo.gazetteer import fold
from regioatlas.geo.nuts import NutsRegistry
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.sources.suggest_words import BODY_WORDS, REGION_WORDS

#: Words NUTS names carry that lists leave out ("Skåne län" is written "Skåne").
_GENERIC = {"lan", "zupanija", "megye", "region", "regio", "wojewodztwo", "maakunta"}


def _key(name: str) -> str:
    words = fold(name).replace("-", " ").split()
    return " ".join(w for w in words if w not in _GENERIC)


def region_rules(values: list[str], country: str, limit: int = 60) -> list[tuple[str, str, str]]:
    """(value, NUTS code, NUTS name) for each distinct value that names one region of
    ``country`` (NUTS 2024, levels 1-3), most frequent first; [] when the values that name a
    region cover less than 30 % of the rows.

    Example
    -------
    >>> region_rules(["Skåne", "Skåne", "Norrbotten"], "SE")
    [('Skåne', 'SE224', 'Skåne län'), ('Norrbotten', 'SE332', 'Norrbottens län')]
    """
    distinct = [v for v, _ in Counter(v.strip() for v in values).most_common()]
    if not distinct or len(distinct) > limit:
        return []
    registry = NutsRegistry.default()
    names: dict[str, list[tuple[str, str]]] = {}
    for level in (3, 2, 1):
        for r in registry.regions(ATLAS_VERSION, level):
            if r.country != country or r.code.endswith("Z"):
                continue
            for name in {r.name_latin, r.name_national}:
                names.setdefault(_key(name), []).append((r.code, name))
    out = []
    for value in distinct:
        key = _key(value)
        hits = names.get(key, [])
        if not hits and key:  # "Norrbotten" for "Norrbottens län": a genitive -s
            hits = [h for k, hs in names.items() if k.rstrip("s") == key.rstrip("s") for h in hs]
        # "Grad Zagreb" names HR050 and HR05: the finest region that is the only one so named
        for length in (5, 4, 3):
            same = {c: n for c, n in hits if len(c) == length}
            if len(same) == 1:
                out.append((value, *next(iter(same.items()))))
                break
    counts = Counter(v.strip() for v in values)
    if sum(counts[v] for v, _, _ in out) < 0.3 * len(values):
        return []  # too few rows name one region: not a column of region names
    return out


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string."""
    return json.dumps(value, ensure_ascii=False)


def literal_regex(value: str) -> str:
    """A TOML string holding a regex that matches ``value`` literally."""
    escaped = re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", value)
    return f"'{escaped}'" if "'" not in escaped else toml_string(escaped)


def rule_lines(columns: list[tuple[str, list[str]]], country: str | None) -> list[str]:
    """TOML lines of the rules proposed for columns given as (header, cell values).

    Example
    -------
    >>> rule_lines([("län", ["Skåne", "Blekinge"])], "SE")[3]
    'column = "län"'
    """
    lines = []
    for header, values in columns:
        if re.search(BODY_WORDS, header.casefold()):
            top = Counter(values).most_common(1)[0][0] if values else "name of the body"
            lines += [
                "",
                f"# {header!r} looks like an intermediate body: rules put its area on the map,",
                "# tried in order, first match wins (see docs/profiles.md, body_region).",
                "# [[body_region]]",
                f"# column = {toml_string(header)}",
                f"# pattern = {literal_regex(top.strip())}",
                '# nuts = "XX123"  # the smallest NUTS 2021 region holding the whole area',
            ]
    regional = [(h, v) for h, v in columns if re.search(REGION_WORDS, h.casefold()) and v]
    # finest first: a county rule is tried before a region rule
    for header, values in sorted(regional, key=lambda c: -len(set(c[1]))):
        matched = region_rules(values, country) if country else []
        if not matched:
            continue
        lines += ["", f"# {header!r} names regions: each name -> its NUTS 2024 region."]
        for value, code, region_name in matched:
            lines += [
                "[[body_region]]",
                f"column = {toml_string(header)}",
                f"pattern = '^\\s*{literal_regex(value)[1:-1]}\\s*$'",
                f'nuts = "{code}"  # guessed: check ({region_name})',
                "nuts_version = 2024",
            ]
    return lines
