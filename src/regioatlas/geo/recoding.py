"""Recode regional time series between NUTS 2010, 2013, 2016, 2021 and 2024.

The flows between versions are the JRC NUTS converter cross-walks (``NutsRegistry.recode``):
the share of each source region's population 2021 (GHS-POP grid) or area that lies in each
target region. Every recoded value states how it was obtained:

- ``unchanged``: same code, same territory; ``renamed``: same code and territory, new name;
  ``recoded``: new code, same territory;
- ``split``: part of one source region (value x share for extensive variables, the source's
  value for intensive ones);
- ``merge``: several source regions (sum of value x share; intensive: mean weighted by the
  population or area each source brings);
- ``boundary change``: both at once.

*Extensive* variables add up over territory (persons, EUR, counts); *intensive* ones do not
(rates, shares, per-inhabitant values). Flows below ``min_share`` (default 0.1 %: slivers of
generalised boundaries) are dropped and the rest renormalised. What cannot be recoded is
flagged, never dropped: a code not valid in the source version, a region with no
counterpart (e.g. UK regions in 2024), and a target some of whose sources have no value for the
period (``incomplete``; no value is given rather than a partial sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from regioatlas.geo.nuts import NutsRegistry, check_version, normalise_code
from regioatlas.model import RegioAtlasError
from regioatlas.model.errors import BadInput

RECODE_VERSIONS = (2010, 2013, 2016, 2021, 2024)
KINDS = ("extensive", "intensive")
WEIGHTS = ("population", "area")
WEIGHT_TEXT = {
    "population": "population 2021 (JRC NUTS converter, GHS-POP)",
    "area": "area (JRC NUTS converter)",
}


class RecodeError(BadInput, ValueError):
    """Recoding asked in a way that cannot work (unknown version, kind or weight)."""


@lru_cache(maxsize=1)
def _mass() -> dict[tuple[int, str], tuple[float, float]]:
    path = resources.files("regioatlas.data").joinpath("kpi", "nuts_mass.parquet")
    with path.open("rb") as f:
        t = pq.read_table(f).to_pydict()
    return {
        (v, c): (p, a)
        for v, c, p, a in zip(t["version"], t["code"], t["pop21"], t["area_km2"], strict=True)
    }


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    share: float
    mass: float  # population (or area) of the source that lies in the target


@dataclass
class Crosswalk:
    """Flows from the codes of one version to another, with the method of every target."""

    from_version: int
    to_version: int
    weight: str
    flows: dict[str, list[Flow]]  # by source
    sources_of: dict[str, list[Flow]]  # by target
    method: dict[str, str]  # by target
    unrecodable: dict[str, str]  # source code -> reason


def crosswalk(
    codes,
    from_version: int,
    to_version: int,
    *,
    weight: str = "population",
    min_share: float = 0.001,
    registry: NutsRegistry | None = None,
) -> Crosswalk:
    """The flows for the given codes, classified as unchanged/renamed/recoded/split/merge.

    A target's sources include every region of ``from_version`` that flows into it, also
    those not among ``codes`` (they are then missing values: the target is incomplete).

    Example
    -------
    >>> cw = crosswalk(["BE324", "BE327"], 2016, 2021)
    >>> cw.method["BE328"], [f.source for f in cw.sources_of["BE328"]]
    ('merge', ['BE324', 'BE327'])
    """
    fv, tv = _version(from_version), _version(to_version)
    if weight not in WEIGHTS:
        raise RecodeError(f"weight must be one of {', '.join(WEIGHTS)}, not {weight!r}")
    reg = registry or NutsRegistry.default()
    flows: dict[str, list[Flow]] = {}
    unrecodable: dict[str, str] = {}
    seen: set[str] = set()
    todo = sorted({normalise_code(c) for c in codes})
    while todo:
        code = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        if not reg.is_valid(code, fv):
            versions = reg.versions_of(code)
            unrecodable[code] = (
                "a Eurostat 'not regionalised' code (…XX), not a region"
                if len(code) > 2 and set(code[2:]) <= {"X", "Z"} and "X" in code[2:]
                else f"not a NUTS {fv} code (valid in NUTS {', '.join(map(str, versions))})"
                if versions
                else "not a NUTS code of any version 2006-2024"
            )
            continue
        out = _flows(reg, code, fv, tv, weight, min_share)
        if not out:
            unrecodable[code] = f"no counterpart in NUTS {tv}"
            continue
        flows[code] = out
        # a target's other sources are needed to know whether it is complete
        for f in out:
            todo.extend(o for o in _sources_into(reg, f.target, fv, tv) if o not in seen)
    sources_of: dict[str, list[Flow]] = {}
    for fl in flows.values():
        for f in fl:
            sources_of.setdefault(f.target, []).append(f)
    for fl in sources_of.values():
        fl.sort(key=lambda f: f.source)
    method = {t: _method(reg, t, fl, flows, fv, tv) for t, fl in sources_of.items()}
    return Crosswalk(fv, tv, weight, flows, sources_of, method, unrecodable)


def _version(v) -> int:
    try:
        v = int(v)
    except (TypeError, ValueError):
        raise RecodeError(f"a NUTS version is a year, not {v!r}") from None
    if v not in RECODE_VERSIONS:
        raise RecodeError(
            f"unknown NUTS version {v}; recoding works between {', '.join(map(str, RECODE_VERSIONS))}"
        )
    return check_version(v)


def _flows(reg, code, fv, tv, weight, min_share) -> list[Flow]:
    raw = [(t, s) for t, s in reg.recode(code, fv, tv, weight=weight) if s >= min_share]
    total = sum(s for _, s in raw)
    if not raw or total <= 0:
        return []
    mass = _mass().get((fv, code))
    m = (mass[0] if weight == "population" else mass[1]) if mass else None
    return [Flow(code, t, s / total, (s / total) * m if m else float("nan")) for t, s in raw]


@lru_cache(maxsize=8)
def _reverse(fv: int, tv: int) -> dict[str, list[str]]:
    """target code -> source codes, from the reverse JRC table (tv -> fv)."""
    reg = NutsRegistry.default()
    table = reg._crosswalk()
    out: dict[str, list[str]] = {}
    for (a, b, code), targets in table.items():
        if a == tv and b == fv:
            out[code] = [t for t, ps, ar in targets if ps > 0 or ar > 0]
    return out


def _sources_into(reg, target: str, fv: int, tv: int) -> list[str]:
    if fv == tv:
        return [target]
    return _reverse(fv, tv).get(target, [])


def _method(reg, target: str, sources: list[Flow], flows, fv: int, tv: int) -> str:
    if len(sources) == 1 and len(flows[sources[0].source]) == 1:
        src = sources[0].source
        if src != target:
            return "recoded"
        try:
            same = reg.get(src, fv).name_latin == reg.get(target, tv).name_latin
        except RegioAtlasError:
            same = True
        return "unchanged" if same else "renamed"
    split = any(len(flows[f.source]) > 1 for f in sources)
    merge = len(sources) > 1
    return "boundary change" if split and merge else ("split" if split else "merge")


def recode_values(
    codes,
    periods,
    values,
    from_version: int,
    to_version: int,
    *,
    kind: str,
    weight: str = "population",
    keys=None,
    min_share: float = 0.001,
    registry: NutsRegistry | None = None,
) -> dict[str, np.ndarray]:
    """Recode a long table of regional values from one NUTS version to another.

    Parameters
    ----------
    codes, periods, values : array-like of equal length
        NUTS code, period (year or any label) and value (NaN = not available) of each row.
    from_version, to_version : int
        2010, 2013, 2016, 2021 or 2024.
    kind : {"extensive", "intensive"}
        Whether values add up over territory (persons, EUR) or not (rates, per-inhabitant).
    weight : {"population", "area"}
        What splits and intensive merges are weighted by.
    keys : array-like, optional
        Further dimensions of each row (e.g. unit, sex) that must not be mixed; default none.

    Returns
    -------
    dict of equal-length arrays: ``code``, ``period``, ``key``, ``value``, ``method``,
    ``sources`` (``"BE324×1+BE327×1"``), ``flag`` (empty when recoded; ``incomplete``,
    ``not recodable``) and ``note``.

    Example
    -------
    >>> out = recode_values(["BE324", "BE327"], [2020, 2020], [70.0, 150.0], 2016, 2021,
    ...                     kind="extensive")
    >>> out["code"].tolist(), out["value"].tolist(), out["method"].tolist()
    (['BE328'], [220.0], ['merge'])
    """
    if kind not in KINDS:
        raise RecodeError(f"kind must be 'extensive' or 'intensive', not {kind!r}")
    raw_labels, raw_id = _factorize(codes)
    norm = [normalise_code(c) for c in raw_labels]
    code_labels, relabel = _factorize(norm)
    code_id = relabel[raw_id] if len(raw_id) else raw_id
    n = len(code_id)
    codes = np.asarray(code_labels, dtype=object)[code_id] if n else np.array([], dtype=object)
    periods = np.asarray(periods, dtype=object)
    vals = np.asarray(values, dtype=np.float64)
    keys = np.full(n, "", dtype=object) if keys is None else np.asarray(keys, dtype=object)
    if not (len(periods) == len(vals) == len(keys) == n):
        raise RecodeError("codes, periods, values (and keys) differ in length")
    cw = crosswalk(
        code_labels,
        from_version,
        to_version,
        weight=weight,
        min_share=min_share,
        registry=registry,
    )
    # group ids: (key, period)
    key_labels, key_id = _factorize(keys)
    period_labels, period_id = _factorize(periods)
    group = key_id * max(len(period_labels), 1) + period_id
    # flow table over the codes present in the input
    targets = sorted(cw.sources_of)
    t_index = {t: i for i, t in enumerate(targets)}
    flow_src, flow_tgt, flow_share, flow_mass = [], [], [], []
    for ci, code in enumerate(code_labels):
        for f in cw.flows.get(code, []):
            flow_src.append(ci)
            flow_tgt.append(t_index[f.target])
            flow_share.append(f.share)
            flow_mass.append(f.mass)
    order = np.argsort(np.asarray(flow_src, dtype=np.int64), kind="stable")
    f_src = np.asarray(flow_src, dtype=np.int64)[order]
    f_tgt = np.asarray(flow_tgt, dtype=np.int64)[order]
    f_share = np.asarray(flow_share, dtype=np.float64)[order]
    f_mass = np.asarray(flow_mass, dtype=np.float64)[order]
    starts = np.searchsorted(f_src, np.arange(len(code_labels)))
    ends = np.searchsorted(f_src, np.arange(len(code_labels)), side="right")
    per_row = (ends - starts)[code_id]
    # one contribution per (row, flow of the row's code)
    rows = np.repeat(np.arange(n), per_row)
    first = np.repeat(starts[code_id], per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    fi = first + within
    n_targets = len(targets)
    cell = group[rows] * n_targets + f_tgt[fi]
    v = vals[rows]
    have = ~np.isnan(v)
    cells, inv = np.unique(cell, return_inverse=True)
    if kind == "extensive":
        num = np.bincount(inv, weights=np.where(have, v * f_share[fi], 0.0), minlength=len(cells))
        den = None
    else:
        w = f_mass[fi]
        if np.isnan(w).any():  # no mass known for some source: fall back to the share
            w = np.where(np.isnan(w), f_share[fi], w)
        num = np.bincount(inv, weights=np.where(have, v * w, 0.0), minlength=len(cells))
        den = np.bincount(inv, weights=np.where(have, w, 0.0), minlength=len(cells))
    got = np.bincount(inv, weights=have.astype(float), minlength=len(cells)).astype(np.int64)
    cell_group = cells // max(n_targets, 1)
    cell_target = cells % max(n_targets, 1)
    need = np.array([len(cw.sources_of[t]) for t in targets], dtype=np.int64)
    complete = got == need[cell_target]
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num if den is None else num / den
    value = np.where(complete, value, np.nan)
    # assemble
    out_code = (
        np.asarray(targets, dtype=object)[cell_target] if len(cells) else np.array([], dtype=object)
    )
    key_arr = np.asarray(key_labels, dtype=object)
    period_arr = np.asarray([str(p) for p in period_labels], dtype=object)
    n_periods = max(len(period_labels), 1)
    method = np.array([cw.method[t] for t in targets], dtype=object)
    src_text = np.array(
        ["+".join(f"{f.source}×{f.share:.6g}" for f in cw.sources_of[t]) for t in targets],
        dtype=object,
    )
    flag = np.where(complete, "", "incomplete").astype(object)
    note = np.full(len(cells), "", dtype=object)
    incomplete = np.flatnonzero(~complete)
    if len(incomplete):
        present = set(zip(group[~np.isnan(vals)].tolist(), codes[~np.isnan(vals)].tolist()))
        for i in incomplete:
            target = targets[cell_target[i]]
            missing = [
                f.source
                for f in cw.sources_of[target]
                if (int(cell_group[i]), f.source) not in present
            ]
            note[i] = (
                f"no value for {', '.join(missing)} (NUTS {cw.from_version}), "
                f"which flows into {target}"
            )
    res = {
        "code": out_code,
        "period": period_arr[cell_group % n_periods] if len(cells) else _empty(),
        "key": key_arr[cell_group // n_periods] if len(cells) else _empty(),
        "value": value,
        "method": method[cell_target] if len(cells) else np.array([], dtype=object),
        "sources": src_text[cell_target] if len(cells) else np.array([], dtype=object),
        "flag": flag,
        "note": note,
    }
    return _with_unrecodable(res, cw, code_labels, code_id, periods, keys, vals)


def _factorize(values) -> tuple[list, np.ndarray]:
    """Distinct values in order of first appearance, and each value's position among them."""
    try:  # Arrow's hash table: fast for large string or number columns
        enc = pa.array(
            values if not isinstance(values, np.ndarray) else values.tolist()
        ).dictionary_encode()
        return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False).astype(
            np.int64
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: plain Python
        seen: dict = {}
        ids = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int64)
        return list(seen), ids


def _empty() -> np.ndarray:
    return np.array([], dtype=object)


def _with_unrecodable(res, cw, code_labels, code_id, periods, keys, vals) -> dict:
    bad_code = np.array([c in cw.unrecodable for c in code_labels], dtype=bool)
    if not bad_code.any():
        return res
    bad = bad_code[code_id]
    codes = np.asarray(code_labels, dtype=object)[code_id]
    extra = {
        "code": codes[bad],
        "period": np.array([str(p) for p in periods[bad]], dtype=object),
        "key": keys[bad],
        "value": np.full(int(bad.sum()), np.nan),
        "method": np.full(int(bad.sum()), "", dtype=object),
        "sources": np.array([f"{c}×1" for c in codes[bad]], dtype=object),
        "flag": np.full(int(bad.sum()), "not recodable", dtype=object),
        "note": np.array(
            [f"{cw.unrecodable[c]}; value {v:g} kept out" for c, v in zip(codes[bad], vals[bad])],
            dtype=object,
        ),
    }
    return {k: np.concatenate([res[k], extra[k]]) for k in res}
