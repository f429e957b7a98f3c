"""NUTS regions of every version 2006-2024: validity, hierarchy, neighbours, shapes, recoding.

Everything is read lazily from the package data in ``regioatlas/data/geo`` (built by
``tools/build_geo_data.py``): codes and names for 2006, 2010, 2013, 2016, 2021 and 2024;
polygons, neighbours, centroids and bounding boxes for 2016, 2021 and 2024 (GISCO 1:10M/1:20M);
the JRC cross-walks for recoding between any two versions.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib import resources
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from regioatlas.model import NotFound, Region
from regioatlas.model.errors import BadInput
from regioatlas.model.regions import ATLAS_VERSION, MAPPED_VERSIONS, NUTS_VERSIONS

#: (web-map zoom below which the band applies, geometry column, tolerance in degrees).
#: A web-map pixel is 360 / (256 * 2**zoom) degrees, so each band stays within ~2 pixels.
ZOOM_BANDS: tuple[tuple[float, str, float], ...] = (
    (5, "wkb_t0100", 0.1),
    (7, "wkb_t0020", 0.02),
    (9, "wkb_t0005", 0.005),
)
FULL = "wkb"
#: NUTS code of Greece / the United Kingdom and the ISO codes people write instead.
COUNTRY_ALIASES = {"GR": "EL", "GB": "UK"}


class UnknownVersion(BadInput, ValueError):
    """A NUTS version RegioAtlas does not know."""


@dataclass(frozen=True, slots=True)
class RegionExtent:
    """Centroid (lon, lat) and bounding box (minx, miny, maxx, maxy) of a mapped region."""

    centroid: tuple[float, float]
    bbox: tuple[float, float, float, float]


def open_data(name: str):
    """Open a file of the package's geographic data (binary)."""
    return resources.files("regioatlas.data").joinpath("geo", name).open("rb")


def read_table(name: str, columns: list[str] | None = None) -> pa.Table:
    """Read one of the package's Parquet files."""
    with open_data(name) as f:
        return pq.read_table(f, columns=columns)


def normalise_code(code: str) -> str:
    """``' at 13 '`` -> ``'AT13'``."""
    return "".join(str(code).split()).upper()


def check_version(version: int) -> int:
    if version not in NUTS_VERSIONS:
        known = ", ".join(map(str, NUTS_VERSIONS))
        raise UnknownVersion(f"unknown NUTS version {version!r}; known versions: {known}")
    return int(version)


def zoom_column(zoom: float | None) -> str:
    """The geometry column to use for a web-map zoom level (None = full resolution)."""
    if zoom is None:
        return FULL
    for below, column, _ in ZOOM_BANDS:
        if zoom < below:
            return column
    return FULL


class NutsRegistry:
    """All NUTS codes 2006-2024 with names and hierarchy, and shapes for 2016, 2021 and 2024.

    Example
    -------
    >>> reg = NutsRegistry.default()
    >>> reg.get("AT13").name_latin
    'Wien'
    >>> reg.versions_of("FI1C3")
    [2010, 2013, 2016, 2021]
    >>> reg.recode("FI1C3", 2021, 2024)
    [('FI1C6', 1.0)]
    """

    _default: ClassVar[NutsRegistry | None] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._regions: dict[tuple[int, str], Region] | None = None
        self._versions: dict[str, list[int]] = {}
        self._extent: dict[tuple[int, str], RegionExtent] = {}
        self._neighbours: dict[tuple[int, str], tuple[str, ...]] = {}
        self._by_level: dict[tuple[int, int], list[Region]] = {}
        self._children: dict[tuple[int, str], list[str]] = {}
        self._shapes: dict[tuple[int, str], dict[str, shapely.Geometry]] = {}
        self._geojson: dict[tuple[int, int, str], dict[str, dict]] = {}
        self._recode: dict[tuple[int, int, str], list[tuple[str, float, float]]] | None = None

    @classmethod
    def default(cls) -> NutsRegistry:
        """The shared registry (data are loaded on first use)."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    # ------------------------------------------------------------------ loading

    def _load(self) -> dict[tuple[int, str], Region]:
        if self._regions is not None:
            return self._regions
        with self._lock:
            if self._regions is None:
                self._regions = self._read_regions()
        return self._regions

    def _read_regions(self) -> dict[tuple[int, str], Region]:
        t = read_table("regions.parquet").to_pydict()
        regions: dict[tuple[int, str], Region] = {}
        for i, code in enumerate(t["code"]):
            v = t["version"][i]
            region = Region(
                code, v, t["level"][i], t["country"][i], t["name_latin"][i],
                t["name_national"][i], t["parent"][i],
            )  # fmt: skip
            regions[(v, code)] = region
            self._versions.setdefault(code, []).append(v)
            self._by_level.setdefault((v, region.level), []).append(region)
            if region.parent:
                self._children.setdefault((v, region.parent), []).append(code)
            if t["has_geometry"][i]:
                self._extent[(v, code)] = RegionExtent(
                    (t["centroid_lon"][i], t["centroid_lat"][i]),
                    (t["bbox_minx"][i], t["bbox_miny"][i], t["bbox_maxx"][i], t["bbox_maxy"][i]),
                )
                self._neighbours[(v, code)] = tuple(t["neighbours"][i])
        for versions in self._versions.values():
            versions.sort()
        return regions

    def _shape_table(self, version: int, column: str) -> dict[str, shapely.Geometry]:
        key = (version, column)
        if key not in self._shapes:
            with self._lock:
                if key not in self._shapes:
                    t = read_table(f"geometry_{version}.parquet", ["code", column])
                    geoms = shapely.from_wkb(t.column(column).to_numpy(zero_copy_only=False))
                    self._shapes[key] = dict(zip(t.column("code").to_pylist(), geoms, strict=True))
        return self._shapes[key]

    # ------------------------------------------------------------------ codes

    def get(self, code: str, version: int = ATLAS_VERSION) -> Region:
        """The region with this code in this NUTS version.

        Raises
        ------
        NotFound
            When the code is not valid in that version; the message says where it is valid.

        Example
        -------
        >>> NutsRegistry.default().get("FI1C6", 2024).name_latin
        'Päijät-Häme'
        """
        version = check_version(version)
        norm = normalise_code(code)
        region = self._load().get((version, norm))
        if region is not None:
            return region
        others = self.versions_of(norm)
        if others:
            where = ", ".join(map(str, others))
            raise NotFound(
                f"NUTS code {norm!r} is not valid in NUTS {version}; it is valid in NUTS {where}"
                f" (use NutsRegistry.recode({norm!r}, {others[-1]}, {version}))"
            )
        hint = ""
        if len(norm) >= 2 and self._load().get((version, norm[:2])) is None:
            alias = COUNTRY_ALIASES.get(norm[:2])
            hint = f"; did you mean {alias + norm[2:]!r}?" if alias else ""
        raise NotFound(f"unknown NUTS code {norm!r} (not valid in any version 2006-2024){hint}")

    def versions_of(self, code: str) -> list[int]:
        """All NUTS versions (2006..2024) in which the code is valid, oldest first."""
        self._load()
        return list(self._versions.get(normalise_code(code), []))

    def is_valid(self, code: str, version: int) -> bool:
        """Whether the code is a valid NUTS code (levels 0-3, Extra-Regio included) in the version."""
        return (check_version(version), normalise_code(code)) in self._load()

    def has_geometry(self, code: str, version: int = ATLAS_VERSION) -> bool:
        """Whether a polygon ships for the region (False for Extra-Regio and 2006-2013)."""
        region = self.get(code, version)
        return (region.version, region.code) in self._extent

    def extent(self, code: str, version: int = ATLAS_VERSION) -> RegionExtent | None:
        """Centroid and bounding box of the region's polygon, or None when it has none."""
        region = self.get(code, version)
        return self._extent.get((region.version, region.code))

    def regions(
        self, version: int = ATLAS_VERSION, level: int | None = None, country: str | None = None
    ) -> list[Region]:
        """Regions of a version, optionally of one level and one country, sorted by code."""
        version = check_version(version)
        self._load()
        levels = range(4) if level is None else [level]
        out = [r for lvl in levels for r in self._by_level.get((version, lvl), [])]
        if country is not None:
            cc = normalise_code(country)
            cc = COUNTRY_ALIASES.get(cc, cc)
            out = [r for r in out if r.country == cc]
        return sorted(out, key=lambda r: r.code)

    def children(self, code: str, version: int = ATLAS_VERSION) -> list[Region]:
        """The regions one level below, sorted by code."""
        region = self.get(code, version)
        kids = self._children.get((region.version, region.code), [])
        return [self._load()[(region.version, c)] for c in sorted(kids)]

    def neighbours(self, code: str, version: int = ATLAS_VERSION) -> list[Region]:
        """Regions of the same version and level sharing a border (empty without a polygon).

        Borders are taken from the generalised polygons with a 0.002 degree tolerance and at
        least 0.01 degree of shared boundary, so corner contacts and sea crossings do not count.
        """
        region = self.get(code, version)
        codes = self._neighbours.get((region.version, region.code), ())
        return [self._load()[(region.version, c)] for c in codes]

    def ancestors(self, code: str, version: int = ATLAS_VERSION) -> dict[int, str]:
        """Codes of the region and its parents by level.

        Example
        -------
        >>> NutsRegistry.default().ancestors("FI1C3", 2021)
        {0: 'FI', 1: 'FI1', 2: 'FI1C', 3: 'FI1C3'}
        """
        region = self.get(code, version)
        return {lvl: region.code[: 2 + lvl] for lvl in range(region.level + 1)}

    # ------------------------------------------------------------------ shapes

    def shapes(self, version: int, level: int) -> tuple[list[str], np.ndarray]:
        """Codes and full-resolution shapely polygons of one level (for spatial work)."""
        version = check_version(version)
        table = self._shape_table(version, FULL) if version in MAPPED_VERSIONS else {}
        codes = [r.code for r in self.regions(version, level) if r.code in table]
        return codes, np.array([table[c] for c in codes], dtype=object)

    def shape(self, code: str, version: int = ATLAS_VERSION, zoom: float | None = None):
        """The region's shapely geometry (simplified for the zoom), or None without a polygon."""
        region = self.get(code, version)
        if (region.version, region.code) not in self._extent:
            return None
        return self._shape_table(region.version, zoom_column(zoom))[region.code]

    def geometry(
        self, code: str, version: int = ATLAS_VERSION, zoom: float | None = None
    ) -> dict | None:
        """GeoJSON geometry of the region, simplified for a web-map zoom (None = full).

        Zoom bands: below 5 -> 0.1 deg tolerance, below 7 -> 0.02, below 9 -> 0.005, else full.
        Returns None for regions without a polygon (Extra-Regio, versions 2006-2013).

        Example
        -------
        >>> NutsRegistry.default().geometry("AT13", zoom=4)["type"]
        'Polygon'
        """
        region = self.get(code, version)
        return self.geometries(region.version, region.level, zoom).get(region.code)

    def geometries(self, version: int, level: int, zoom: float | None = None) -> dict[str, dict]:
        """GeoJSON geometries of all regions of a level, by code (cached; do not mutate)."""
        version = check_version(version)
        column = zoom_column(zoom)
        key = (version, level, column)
        cached = self._geojson.get(key)
        if cached is not None:
            return cached
        out: dict[str, dict] = {}
        if version in MAPPED_VERSIONS:
            table = self._shape_table(version, column)
            codes = [r.code for r in self.regions(version, level) if r.code in table]
            texts = shapely.to_geojson(np.array([table[c] for c in codes], dtype=object))
            out = {c: json.loads(t) for c, t in zip(codes, texts, strict=True)}
        self._geojson[key] = out
        return out

    # ------------------------------------------------------------------ recoding

    def _crosswalk(self) -> dict[tuple[int, int, str], list[tuple[str, float, float]]]:
        if self._recode is None:
            with self._lock:
                if self._recode is None:
                    t = read_table("recode.parquet").to_pydict()
                    table: dict[tuple[int, int, str], list[tuple[str, float, float]]] = {}
                    rows = zip(
                        t["from_version"], t["to_version"], t["from_code"], t["to_code"],
                        t["pop_share"], t["area_share"], strict=True,
                    )  # fmt: skip
                    for fv, tv, fc, tc, ps, ar in rows:
                        table.setdefault((fv, tv, fc), []).append((tc, ps, ar))
                    self._recode = table
        return self._recode

    def recode(
        self, code: str, from_version: int, to_version: int, *, weight: str = "population"
    ) -> list[tuple[str, float]]:
        """Where a region of one version lies in another: ``[(target, share)]``, largest first.

        ``share`` is the part of the source region's 2021 population (``weight="area"``: of
        its area) that lies in the target (JRC NUTS converter). Unchanged regions give
        ``[(code, 1.0)]``; a code that is not valid in ``from_version`` or has no
        counterpart in ``to_version`` (e.g. UK regions in 2024) gives ``[]``. Level-0 codes
        and codes the JRC tables do not cover (candidate countries, Extra-Regio) are kept
        unchanged when the code exists in both versions.

        Example
        -------
        >>> NutsRegistry.default().recode("FI1C4", 2021, 2024)
        [('FI1C7', 0.960625), ('FI1C6', 0.039375)]
        """
        fv, tv = check_version(from_version), check_version(to_version)
        if weight not in ("population", "area"):
            raise ValueError(f"weight must be 'population' or 'area', not {weight!r}")
        norm = normalise_code(code)
        if not self.is_valid(norm, fv):
            return []
        if fv == tv:
            return [(norm, 1.0)]
        if len(norm) == 2:
            for candidate in (norm, COUNTRY_ALIASES.get(norm), _ISO_ALIASES.get(norm)):
                if candidate and self.is_valid(candidate, tv):
                    return [(candidate, 1.0)]
            return []
        flows = self._crosswalk().get((fv, tv, norm))
        if flows is None:
            return [(norm, 1.0)] if self.is_valid(norm, tv) else []
        by_population = weight == "population"
        shares = [(to, pop if by_population else area) for to, pop, area in flows]
        out = [(to, round(float(share), 6)) for to, share in shares if share > 0]
        return sorted(out, key=lambda t: (-t[1], t[0]))


#: Greece was GR in NUTS 2006 and EL later; the reverse direction of COUNTRY_ALIASES.
_ISO_ALIASES = {"EL": "GR"}


def nuts_code_problem(code: str) -> str | None:
    """Why a code given in a file cannot be a NUTS code, or None when it is one of some version.

    A code of another version than the file states is no problem: locating recodes it.

    Example
    -------
    >>> nuts_code_problem("FI1C3") is None, nuts_code_problem("XX999")
    (True, 'not a NUTS code of any version (2006-2024)')
    """
    if not NutsRegistry.default().versions_of(code):
        return "not a NUTS code of any version (2006-2024)"
    return None
