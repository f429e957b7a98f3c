"""Place hints -> NUTS regions: the most precise usable clue wins, and we say how we know.

Cascade (first usable clue wins; clues that fail are mentioned in ``Location.detail``):

==================  =====================  =========================================
clue                method                 confidence
==================  =====================  =========================================
NUTS code           nuts_code(_recoded)    1.0, or the population share when recoded
coordinates         coordinates            0.95 (0.85 snapped: 10 km at 1:20M, 1 km at 1:1M)
postcode            postcode               0.9 (x share when recoded from NUTS 2024)
LAU code            lau_code               0.95 x share of the NUTS 2016 -> target recode
city name           municipality_name      0.8 unique LAU, 0.6 several in one region
city name           geonames_place         0.6 (GeoNames place -> point lookup)
intermediate body   intermediate_body      0.5 x share
country             country                0.3
nothing usable      none                   0.0
==================  =====================  =========================================

A recoded clue whose population splits between regions keeps the finest level at which one
region holds at least 95 % of it (FI1C4 of 2021 -> FI1C7; a region split in halves -> its
parent); a municipality in such a region is placed by its GeoNames point when that lies inside.
A NUTS code above level 3 gives way to a finer clue (point, postcode, LAU, city) that lies
inside it. Coordinates that miss every region but fall in the stated country when latitude and
longitude are swapped are used swapped (0.8); a point in another country than the stated one
keeps 0.6. City fields are also read without postcodes, CEDEX, brackets and trailing words
("Eibar Guipuzcoa" -> "Eibar", 0.9 x the LAU confidence, never GeoNames for shortened names).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from regioatlas.geo import gazetteer
from regioatlas.geo.nuts import COUNTRY_ALIASES, NutsRegistry, check_version, normalise_code
from regioatlas.geo.points import PointLocator, detailed_geometry_file, to_lonlat
from regioatlas.model import Location, PlaceHint
from regioatlas.model.regions import ATLAS_VERSION, MAPPED_VERSIONS

#: Share of a recoded region's population one target must hold to count as the answer.
UNAMBIGUOUS_SHARE = 0.95
#: Share of unlocated rows above which the location report warns.
UNLOCATED_WARNING_SHARE = 0.05
#: Points this close to a region (generalised coastlines, lake shores) are snapped to it, by
#: the scale of the polygons: the shipped 1:20M outlines cut off harbours and capes by up to a
#: few km (Vlissingen 5.2 km, Karlskrona 3.0 km, Cayenne 2.1 km, the Vatican hole of Rome 1.8 km
#: from ITI43), GISCO's 1:1M outlines by metres.
SNAP_METRES = {"1:20M": 10_000.0, "1:1M": 1000.0}
CONFIDENCE = {
    "nuts_code": 1.0,
    "coordinates": 0.95,
    "coordinates_snapped": 0.85,
    "coordinates_swapped": 0.8,
    "coordinates_other_country": 0.6,
    "postcode": 0.9,
    "lau_code": 0.95,
    "municipality_name": 0.8,
    "municipality_name_shared": 0.6,
    "geonames_place": 0.6,
    "intermediate_body": 0.5,
    "country": 0.3,
}
_MEMO_LIMIT = 200_000
_WGS84 = {"EPSG:4326", "OGC:CRS84", "CRS84", "WGS84"}


#: NUTS 0-3 codes of a region and its parents (None below the region's own level).
_Ancestors = tuple[str | None, str | None, str | None, str | None]


@dataclass(slots=True)
class _Found:
    code: str
    method: str
    confidence: float
    detail: str


class Locator:
    """Locate place hints on NUTS regions of one version.

    Example
    -------
    >>> loc = Locator()
    >>> loc.locate(PlaceHint(country="FI", postcode="15110")).nuts3
    'FI1C6'
    >>> loc.locate(PlaceHint(nuts_code="FI1C3", nuts_version=2021)).method
    'nuts_code_recoded'
    """

    def __init__(
        self,
        registry: NutsRegistry | None = None,
        version: int = ATLAS_VERSION,
        snap_metres: float | None = None,
        geometry_dir: str | Path | None = None,
    ) -> None:
        self.registry = registry or NutsRegistry.default()
        self.version = check_version(version)
        # Points are looked up in the target version's polygons, or in 2016's and recoded.
        self._point_version = version if version in MAPPED_VERSIONS else 2016
        self.geometry_dir = geometry_dir
        #: GISCO's 1:1M polygons when present (``detailed_geometry_file``), else None: 1:20M
        self.geometry_file = detailed_geometry_file(self._point_version, 3, geometry_dir)
        scale = "1:1M" if self.geometry_file is not None else "1:20M"
        #: the distance within which a point outside every region is snapped to the nearest one
        self.snap_metres = SNAP_METRES[scale] if snap_metres is None else snap_metres
        self._points: PointLocator | None = None
        self._code_memo: dict[tuple, tuple[_Found | None, str | None]] = {}
        self._rest_memo: dict[tuple, tuple[_Found | None, tuple[str, ...]]] = {}
        self._ancestors: dict[str, _Ancestors] = {}
        self._older: dict[int, Locator] = {}

    @property
    def points(self) -> PointLocator:
        if self._points is None:
            self._points = PointLocator(
                self.registry, self._point_version, 3, geometry_file=self.geometry_file
            )
        return self._points

    # ------------------------------------------------------------------ public

    def locate(self, hint: PlaceHint) -> Location:
        """Locate one hint (see the module docstring for the cascade)."""
        return self.locate_many([hint])[0]

    def locate_many(self, hints: list[PlaceHint]) -> list[Location]:
        """Locate many hints: coordinates in one vectorised lookup, repeated hints once.

        Example
        -------
        >>> [l.nuts0 for l in Locator().locate_many([PlaceHint(country="AT")] * 3)]
        ['AT', 'AT', 'AT']
        """
        unique: dict[tuple, int] = {}
        order: list[int] = []
        reps: list[PlaceHint] = []
        for hint in hints:
            key = _hint_key(hint)
            slot = unique.get(key) if key is not None else None
            if slot is None:
                slot = len(reps)
                reps.append(hint)
                if key is not None:
                    unique[key] = slot
            order.append(slot)
        solved = self._solve(reps)
        handed_out = [False] * len(solved)
        out = []
        for slot in order:  # repeated hints get copies, so callers may edit one freely
            out.append(_clone(solved[slot]) if handed_out[slot] else solved[slot])
            handed_out[slot] = True
        return out

    # ------------------------------------------------------------------ cascade

    def _solve(self, hints: list[PlaceHint]) -> list[Location]:
        found: list[_Found | None] = [None] * len(hints)
        # A NUTS code above level 3 is kept unless a finer clue lands inside it.
        coarse: list[_Found | None] = [None] * len(hints)
        notes: list[list[str]] = [[] for _ in hints]
        pending: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for i, hint in enumerate(hints):
            if _given(hint.nuts_code):
                by_code, note = self._by_code(hint.nuts_code, hint.nuts_version, "nuts_code")
                if by_code and (len(by_code.code) == 5 or not _has_finer_clues(hint)):
                    found[i] = by_code
                    continue
                if by_code:
                    coarse[i] = by_code
                else:
                    notes[i].append(note or "")
            xy = _coordinates(hint, notes[i])
            if xy is not None:
                pending[xy[2]].append((i, xy[0], xy[1]))
        for crs, items in pending.items():
            for i, by_point in self._by_points(crs, items, hints, notes):
                found[i] = _finer(coarse[i], by_point, notes[i])
        for i, hint in enumerate(hints):
            if found[i] is None:
                rest, more = self._by_other_clues(hint)
                notes[i].extend(more)
                found[i] = _finer(coarse[i], rest, notes[i]) if coarse[i] else rest
        located = [self._location(f, n) for f, n in zip(found, notes, strict=True)]
        self._locate_in_older_versions(hints, located)
        return located

    def _locate_in_older_versions(self, hints: list[PlaceHint], located: list[Location]) -> None:
        """A place in a country the target version has no regions for (the United Kingdom in
        NUTS 2024) gets the codes of the newest version that has that country's regions."""
        todo: dict[int, list[int]] = defaultdict(list)
        for i, (hint, loc) in enumerate(zip(hints, located, strict=True)):
            if loc.level is None or loc.level == 0 and loc.method == "country":
                older = self._older_version(hint)
                if older is not None:
                    todo[older].append(i)
        for version, idx in todo.items():
            if version not in self._older:
                self._older[version] = Locator(
                    self.registry, version, self.snap_metres, self.geometry_dir
                )
            again = self._older[version].locate_many([hints[i] for i in idx])
            for i, loc in zip(idx, again, strict=True):
                if loc.level is None:
                    continue
                note = f"no NUTS {self.version} regions in {loc.nuts0}: NUTS {version} codes"
                loc.detail = f"{note}; {loc.detail}" if loc.detail else note
                located[i] = loc

    def _older_version(self, hint: PlaceHint) -> int | None:
        """The newest NUTS version before the target with regions in the hint's country."""
        cc, _ = self._country(hint, [])
        if cc is None or self.registry.is_valid(cc, self.version):
            return None
        older = [v for v in self.registry.versions_of(cc) if v < self.version]
        return max(older) if older else None

    def _location(self, found: _Found | None, notes: list[str]) -> Location:
        detail = "; ".join([n for n in notes if n] + ([found.detail] if found else []))
        if found is None:
            return Location(self.version, "none", 0.0, detail=detail or "no location clue")
        anc = self._ancestors.get(found.code)
        if anc is None:
            levels = self.registry.ancestors(found.code, self.version)
            anc = levels.get(0), levels.get(1), levels.get(2), levels.get(3)
            self._ancestors[found.code] = anc
        nuts0, nuts1, nuts2, nuts3 = anc
        return Location(
            self.version, found.method, round(found.confidence, 4),
            nuts0=nuts0, nuts1=nuts1, nuts2=nuts2, nuts3=nuts3, detail=detail,
        )  # fmt: skip

    def _by_other_clues(self, hint: PlaceHint) -> tuple[_Found | None, tuple[str, ...]]:
        """Postcode, LAU, city, intermediate body, country: memoised, as hints repeat a lot."""
        key = (
            hint.country, hint.postcode, hint.city, hint.lau_code, hint.body_region,
            hint.body_region_version, hint.nuts_code,
        )  # fmt: skip
        memo_key: tuple | None = key
        try:
            memo = self._rest_memo.get(key)
        except TypeError:  # unhashable input: compute without memo
            memo_key, memo = None, None
        if memo is None:
            more: list[str] = []
            memo = (self._cascade(hint, more), tuple(more))
            if memo_key is not None:
                if len(self._rest_memo) > _MEMO_LIMIT:
                    self._rest_memo.clear()
                self._rest_memo[memo_key] = memo
        return memo

    def _cascade(self, hint: PlaceHint, notes: list[str]) -> _Found | None:
        cc, origin = self._country(hint, notes)
        if _given(hint.postcode):
            found = self._by_postcode(cc, str(hint.postcode), notes)
            if found:
                return found
        if _given(hint.lau_code):
            found = self._by_lau_code(cc, str(hint.lau_code), notes)
            if found:
                return found
        if _given(hint.city):
            found = self._by_city(cc, str(hint.city), notes)
            if found:
                return found
        if _given(hint.body_region):
            found, note = self._by_code(
                hint.body_region, hint.body_region_version, "intermediate_body"
            )
            if found:
                return found
            notes.append(f"intermediate body: {note}")
        if cc:
            if self.registry.is_valid(cc, self.version):
                return _Found(cc, "country", CONFIDENCE["country"], f"country {cc}{origin}")
            notes.append(f"country {cc}{origin} has no NUTS {self.version} regions")
        return None

    def _country(self, hint: PlaceHint, notes: list[str]) -> tuple[str | None, str]:
        """NUTS country code of the hint and, when taken from a code, where from."""
        if _given(hint.country):
            cc = gazetteer.normalise_country(str(hint.country))
            if cc is None:
                notes.append(f"unknown country {hint.country!r}")
            elif not self.registry.is_valid(cc, self.version):
                alias = {v: k for k, v in COUNTRY_ALIASES.items()}.get(cc)
                if alias and self.registry.is_valid(alias, self.version):
                    cc = alias  # NUTS 2006 still wrote GR for Greece
            return cc, ""
        for code in (hint.nuts_code, hint.body_region):  # an unusable code still names a country
            if _given(code):
                cc = gazetteer.normalise_country(normalise_code(str(code))[:2])
                if cc and self.registry.versions_of(cc):
                    return cc, f" (from the code {code})"
        return None, ""

    # ------------------------------------------------------------------ clues

    def _by_code(self, code, version: int | None, method: str) -> tuple[_Found | None, str | None]:
        key = (code, version, method)
        memo_key: tuple | None = key
        try:
            if key in self._code_memo:
                return self._code_memo[key]
        except TypeError:  # unhashable input: compute without memo
            memo_key = None
        result = self._resolve_code(code, version, method)
        if memo_key is not None:
            if len(self._code_memo) > _MEMO_LIMIT:
                self._code_memo.clear()
            self._code_memo[memo_key] = result
        return result

    def _resolve_code(
        self, code, version: int | None, method: str
    ) -> tuple[_Found | None, str | None]:
        reg, target = self.registry, self.version
        norm = normalise_code(str(code))
        try:
            version = int(version) if version not in (None, "") else None
        except (TypeError, ValueError):
            version = None
        label = "NUTS code" if method == "nuts_code" else "intermediate body region"
        base = CONFIDENCE[method]
        valid_in = reg.versions_of(norm)
        if not valid_in and norm[:2] in COUNTRY_ALIASES:
            alt = COUNTRY_ALIASES[norm[:2]] + norm[2:]
            if reg.versions_of(alt):
                norm, valid_in = alt, reg.versions_of(alt)
        if not valid_in:
            return None, f"unknown NUTS code {str(code)!r}"
        source = version if version in valid_in else None
        note = ""
        if version is not None and source is None:
            note = f"{norm} is not a NUTS {version} code; "
        if source is None:
            if target in valid_in:
                return _Found(norm, method, base, f"{note}{label} {norm}"), None
            source = min(valid_in, key=lambda v: (abs(v - target), -v))
        if source == target:
            return _Found(norm, method, base, f"{label} {norm}"), None
        picked = self._recode(norm, source, f"{note}{label} {norm} (NUTS {source})")
        if isinstance(picked, str):
            return None, picked
        to_code, share, detail = picked
        if to_code == norm and share >= 0.999:
            return _Found(
                norm, method, base, f"{label} {norm} (unchanged since NUTS {source})"
            ), None
        recoded = "nuts_code_recoded" if method == "nuts_code" else method
        return _Found(to_code, recoded, base * share, detail), None

    def _recode(self, code: str, source: int, label: str) -> tuple[str, float, str] | str:
        """(target code, share, detail) of a code recoded to the target version, or a note."""
        if source == self.version:
            return code, 1.0, label
        targets = self.registry.recode(code, source, self.version)
        if not targets:
            return f"{label} has no NUTS {self.version} counterpart"
        top, share = targets[0]
        if share >= UNAMBIGUOUS_SHARE:
            if top == code and share >= 0.999:
                return top, share, label
            return top, share, f"{label} -> {top} ({share:.0%} of population)"
        split = ", ".join(f"{c} {s:.0%}" for c, s in targets[:4])
        for level in range(len(code) - 3, -1, -1):
            agg: dict[str, float] = defaultdict(float)
            for c, s in targets:
                agg[c[: 2 + level]] += s
            parent, psum = max(agg.items(), key=lambda item: item[1])  # first of equals
            if psum >= UNAMBIGUOUS_SHARE and self.registry.is_valid(parent, self.version):
                return parent, min(psum, 1.0), f"{label} splits ({split}) -> {parent}"
        return f"{label} splits ({split}) with no common NUTS {self.version} region"

    def _by_points(
        self,
        crs: str,
        items: list[tuple[int, float, float]],
        hints: list[PlaceHint],
        notes: list[list[str]],
    ):
        """Yield (hint index, _Found or None) for a batch of points in one CRS."""
        idx = [i for i, _, _ in items]
        x = np.array([it[1] for it in items])
        y = np.array([it[2] for it in items])
        try:
            lon, lat = to_lonlat(x, y, crs)
        except Exception as err:  # pyproj.exceptions.CRSError and friends: say so, go on
            for i in idx:
                notes[i].append(f"coordinates in unusable CRS {crs!r}: {err}")
                yield i, None
            return
        codes, dist = self.points.locate_near(lon, lat, max_distance_m=self.snap_metres)
        for k, i in enumerate(idx):
            where = f"point ({lon[k]:.5f}, {lat[k]:.5f})"
            if not (math.isfinite(lon[k]) and math.isfinite(lat[k])):
                notes[i].append(f"coordinates {x[k]}, {y[k]} ({crs}) cannot be transformed")
                yield i, None
                continue
            code, method = codes[k], "coordinates"
            confidence = CONFIDENCE["coordinates"]
            if code is not None and dist[k] > 0:
                where += (
                    f" snapped {dist[k]:.0f} m to the nearest region (within "
                    f"{self.snap_metres:.0f} m of the NUTS {self.points.scale} polygons)"
                )
                confidence = CONFIDENCE["coordinates_snapped"]
            cc = gazetteer.normalise_country(str(hints[i].country)) if hints[i].country else None
            if cc and (code is None or code[:2] != cc):
                swapped, sdist = self.points.locate_near([lat[k]], [lon[k]], max_distance_m=0)
                if swapped[0] is not None and swapped[0][:2] == cc:
                    code, confidence = swapped[0], CONFIDENCE["coordinates_swapped"]
                    where = f"point ({lat[k]:.5f}, {lon[k]:.5f}), latitude and longitude swapped"
                elif code is not None:
                    confidence = CONFIDENCE["coordinates_other_country"]
                    where += f" lies in {code[:2]}, not in the stated country {cc}"
            if code is None:
                notes[i].append(
                    f"{where} lies outside every NUTS region ({self.points.scale} polygons) "
                    f"and farther than {self.snap_metres:.0f} m from one"
                )
                yield i, None
                continue
            picked = self._recode(code, self._point_version, f"{where} in {code}")
            if isinstance(picked, str):
                notes[i].append(picked)
                yield i, None
                continue
            yield i, _Found(picked[0], method, confidence * picked[1], picked[2])

    def _by_postcode(self, cc: str | None, postcode: str, notes: list[str]) -> _Found | None:
        if cc is None:
            head = postcode.strip()[:2].upper()
            separated = len(postcode.strip()) > 3 and postcode.strip()[2] in "- "
            cc = gazetteer.normalise_country(head) if separated else None
            if cc is None:
                notes.append(f"postcode {postcode!r} without a country")
                return None
        nuts3 = gazetteer.nuts3_for_postcode(cc, postcode)
        if nuts3 is None:
            notes.append(f"postcode {postcode!r} not found for {cc}")
            return None
        key = gazetteer.postcode_key(cc, postcode)
        picked = self._recode(nuts3, 2024, f"postcode {cc} {key} (TERCET) in {nuts3}")
        if isinstance(picked, str):
            notes.append(picked)
            return None
        return _Found(picked[0], "postcode", CONFIDENCE["postcode"] * picked[1], picked[2])

    def _by_lau_code(self, cc: str | None, lau_code: str, notes: list[str]) -> _Found | None:
        record = gazetteer.lau_by_code(cc, lau_code) if cc else None
        if record is None or not cc:
            notes.append(f"LAU code {lau_code!r} not found" + (f" for {cc}" if cc else ""))
            return None
        label = f"LAU {cc} {record.lau_code} {record.name_national} in {record.nuts3_2016} (2016)"
        picked = self._recode(record.nuts3_2016, 2016, label)
        if isinstance(picked, str):
            notes.append(picked)
            return None
        code, share, detail = self._refine_split(cc, record, picked)
        return _Found(code, "lau_code", CONFIDENCE["lau_code"] * share, detail)

    def _by_city(self, cc: str | None, city: str, notes: list[str]) -> _Found | None:
        if cc is None:
            notes.append(f"city {city!r} without a country")
            return None
        for name, truncated in gazetteer.city_variants(city):
            read = "" if name == city else f"read {name!r} from {city!r}: "
            records = gazetteer.lau_by_name(cc, name)
            if records:
                found = self._by_lau_records(cc, name, records, notes)
                if found or truncated:
                    if found:
                        found.detail = read + found.detail
                        found.confidence *= 0.9 if truncated else 1.0
                    return found
            # A shortened name ("Hall" from "Hall in Tyrol") is too vague for GeoNames.
            place = None if truncated else gazetteer.geonames_place(cc, name)
            if place is not None:
                found = self._by_geonames(name, place, notes)
                if found:
                    found.detail = read + found.detail
                return found
            if records:
                return None
        notes.append(f"no municipality or GeoNames place {city!r} in {cc}")
        return None

    def _by_geonames(self, name: str, place: tuple[float, float], notes: list[str]):
        lat, lon = place
        code = self.points.locate_near([lon], [lat], max_distance_m=self.snap_metres)[0][0]
        if code is None:
            notes.append(f"GeoNames place {name!r} ({lat}, {lon}) outside every NUTS region")
            return None
        label = f"GeoNames place {name} ({lat:.4f}, {lon:.4f}) in {code}"
        picked = self._recode(code, self._point_version, label)
        if isinstance(picked, str):
            notes.append(picked)
            return None
        conf = CONFIDENCE["geonames_place"] * picked[1]
        return _Found(picked[0], "geonames_place", conf, picked[2])

    def _by_lau_records(self, cc: str, city: str, records, notes: list[str]) -> _Found | None:
        codes = sorted({r.nuts3_2016 for r in records})
        conf = CONFIDENCE["municipality_name_shared"]
        if len(records) == 1:
            conf = CONFIDENCE["municipality_name"]
            label = f"municipality {records[0].name_national}"
        elif len(codes) == 1:
            label = f"{len(records)} municipalities named {city!r}, all"
        else:
            label = f"{len(records)} municipalities named {city!r}"
        picks = [self._recode(c, 2016, f"{label} in {c} (2016)") for c in codes]
        good = [p for p in picks if not isinstance(p, str)]
        if not good:
            notes.append(str(picks[0]))
            return None
        if len(codes) == 1:
            code, share, detail = self._refine_split(cc, records[0], good[0])
            return _Found(code, "municipality_name", conf * share, detail)
        common = _common_prefix([p[0] for p in good])
        if len(common) <= 2 or not self.registry.is_valid(common, self.version):
            notes.append(f"{label} in {', '.join(codes[:5])} (2016): no common region")
            return None
        detail = f"{label} in {', '.join(codes[:5])} (2016) -> common region {common}"
        return _Found(common, "municipality_name", conf * min(p[1] for p in good), detail)

    def _refine_split(
        self, cc: str, record: gazetteer.LauRecord, picked: tuple[str, float, str]
    ) -> tuple[str, float, str]:
        """A municipality lies in one region even where its 2016 NUTS 3 region was split since:
        when the GeoNames place of its name lies inside the region kept, take its NUTS 3."""
        code, share, detail = picked
        if len(code) == 5 or self._point_version != self.version:
            return picked
        for name in dict.fromkeys((record.name_national, record.name_latin)):
            place = gazetteer.geonames_place(cc, name)
            if place is None:
                continue
            found = self.points.locate([place[1]], [place[0]])[0]
            if found and found.startswith(code):
                return found, share * 0.95, f"{detail}; GeoNames place {name} is in {found}"
        return picked


def location_report(locations: list[Location | None], target: int = ATLAS_VERSION) -> dict:
    """Shares and counts of located hints by NUTS level and by method, with warnings.

    ``warnings`` says when more than 5 % of the rows stay unlocated, and how many rows keep the
    codes of an older NUTS version (the United Kingdom's NUTS 2021 codes).

    Example
    -------
    >>> r = location_report([Location(2024, "country", 0.3, nuts0="AT"), None])
    >>> r["by_level"]["0"], r["by_level"]["none"], r["by_method"]["country"]
    (0.5, 0.5, 0.5)
    """
    tally = LocationTally(target)
    tally.add(locations)
    return tally.report()


class LocationTally:
    """The location report counted batch by batch, so an ingest need not keep every location.

    Example
    -------
    >>> tally = LocationTally()
    >>> tally.add([Location(2024, "country", 0.3, nuts0="AT")])
    >>> tally.add([None])
    >>> tally.report()["by_level"]["none"]
    0.5
    """

    def __init__(self, target: int = ATLAS_VERSION):
        self.target = target
        self.levels: Counter[str] = Counter({"0": 0, "1": 0, "2": 0, "3": 0, "none": 0})
        self.methods: Counter[str] = Counter()
        self.confidence = 0.0
        self.older: Counter[int] = Counter()
        self.n = 0

    def add(self, locations: list[Location | None]) -> None:
        """Count a batch of locations (None: a participant without one)."""
        levels, methods, older = self.levels, self.methods, self.older
        for loc in locations:
            if loc is None:
                levels["none"] += 1
                methods["none"] += 1
                continue
            level = loc.level
            levels["none" if level is None else str(level)] += 1
            if loc.version != self.target:
                older[loc.version] += 1
            methods[loc.method] += 1
            self.confidence += loc.confidence
        self.n += len(locations)

    def report(self) -> dict:
        """The report of everything counted so far (see ``location_report``)."""
        levels, methods, older, n, target = (
            self.levels, self.methods, self.older, self.n, self.target,
        )  # fmt: skip
        confidence = self.confidence
        share = (lambda c: c / n) if n else (lambda c: 0.0)
        warnings = []
        if n and levels["none"] / n > UNLOCATED_WARNING_SHARE:
            warnings.append(
                f"{levels['none']:,} of {n:,} rows ({levels['none'] / n:.1%}) stay unlocated, more "
                f"than {UNLOCATED_WARNING_SHARE:.0%}: each location's detail says which clues failed"
            )
        if older:
            versions = ", ".join(f"NUTS {v}: {c:,}" for v, c in sorted(older.items()))
            warnings.append(
                f"rows in countries without NUTS {target} regions keep older codes ({versions})"
            )
        return {
            "total": n,
            "warnings": warnings,
            "by_level": {k: share(v) for k, v in levels.items()},
            "by_method": {k: share(v) for k, v in sorted(methods.items())},
            "counts": {"by_level": dict(levels), "by_method": dict(sorted(methods.items()))},
            "mean_confidence": confidence / n if n else 0.0,
        }


# ---------------------------------------------------------------------- helpers


def _given(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(str(value).strip())


def _has_finer_clues(h: PlaceHint) -> bool:
    return any(_given(v) for v in (h.lat, h.postcode, h.lau_code, h.city))


def _finer(coarse: _Found | None, fine: _Found | None, notes: list[str]) -> _Found | None:
    """The finer result when it lies inside the coarse NUTS code, else the coarse one."""
    if coarse is None:
        return fine
    if fine is not None and len(fine.code) > len(coarse.code):
        if fine.code.startswith(coarse.code):  # a new object: `fine` may be memoised
            detail = f"{fine.detail}, inside {coarse.detail}"
            return _Found(fine.code, fine.method, fine.confidence, detail)
        notes.append(f"{fine.detail} is outside {coarse.code}: ignored")
    return coarse


def _hint_key(h: PlaceHint) -> tuple | None:
    key = (
        h.country, h.nuts_code, h.nuts_version, h.lat, h.lon, h.crs, h.postcode, h.city,
        h.lau_code, h.body_region, h.body_region_version,
    )  # fmt: skip
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _clone(loc: Location) -> Location:
    return Location(
        loc.version, loc.method, loc.confidence, loc.nuts0, loc.nuts1, loc.nuts2, loc.nuts3,
        loc.detail,
    )  # fmt: skip


def _coordinates(hint: PlaceHint, notes: list[str]) -> tuple[float, float, str] | None:
    """(x, y, crs) of usable coordinates, or None with a note saying why not."""
    if hint.lat is None and hint.lon is None:
        return None
    if hint.lat is None or hint.lon is None:
        notes.append("only one coordinate given")
        return None
    try:
        lat, lon = float(hint.lat), float(hint.lon)
    except (TypeError, ValueError):
        notes.append(f"coordinates {hint.lat!r}, {hint.lon!r} are not numbers")
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        notes.append(f"coordinates {lat}, {lon} are not finite (ignored)")
        return None
    crs = (hint.crs or "EPSG:4326").strip()
    if crs.upper().replace(" ", "") in _WGS84:
        if lat == 0 and lon == 0:
            notes.append("coordinates (0, 0) ignored")
            return None
        if abs(lat) > 90 or abs(lon) > 180:
            notes.append(f"coordinates out of range (lat {lat}, lon {lon})")
            return None
        crs = "EPSG:4326"
    return lon, lat, crs


def _common_prefix(codes: list[str]) -> str:
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]
