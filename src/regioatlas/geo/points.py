"""Point-in-region lookup for millions of points: a regular grid index over NUTS polygons.

Grid cells (0.05 degrees) that no region boundary crosses lie wholly inside one region or
wholly outside all, so points falling there are answered by one array lookup. Points in the
cells a boundary crosses are tested with ``shapely.contains_xy`` against the few regions whose
boundary crosses that cell. The answer is exactly that of a point-in-polygon test ("within",
as in ``geopandas.sjoin(predicate="within")``); points on a boundary or in the sea get None.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

from regioatlas.geo.nuts import NutsRegistry
from regioatlas.model.regions import ATLAS_VERSION

#: Grid cell size in degrees: ~5.5 x 3.5 km at 50 deg N.
CELL = 0.05
_OUTSIDE = -1
_WGS84 = {"EPSG:4326", "OGC:CRS84", "CRS84", "WGS84"}
_EARTH_RADIUS_M = 6_371_008.8


#: GISCO's file names of the 1:1 million NUTS polygons in WGS 84, one file per level or all
#: levels in one ("NUTS_RG_01M_2024_4326_LEVL_3.geojson", "NUTS_RG_01M_2024_4326.geojson").
DETAILED_NAMES = (
    "NUTS_RG_01M_{version}_4326_LEVL_{level}.geojson",
    "NUTS_RG_01M_{version}_4326.geojson",
)


def detailed_geometry_file(version: int, level: int = 3, folder: str | Path | None = None):
    """GISCO's 1:1M NUTS polygons of a version when present in ``folder``, else None.

    The package ships the 1:20M polygons only (the 1:1M files are 30 times larger); a file
    downloaded from GISCO and put in ``folder`` (default: the package's ``data/geo``) under its
    GISCO name is used instead, for point-in-polygon at coasts, in the Vatican hole of Rome and
    in small islands that the 1:20M outlines miss.

    Example
    -------
    >>> detailed_geometry_file(2024, folder="/nonexistent") is None
    True
    """
    base = Path(folder) if folder is not None else Path(str(resources.files("regioatlas.data")))
    if folder is None:
        base = base / "geo"
    for pattern in DETAILED_NAMES:
        path = base / pattern.format(version=version, level=level)
        if path.is_file():
            return path
    return None


def read_geometry_file(path: str | Path, level: int) -> tuple[list[str], np.ndarray]:
    """Codes and polygons of one NUTS level from a GISCO GeoJSON file (``NUTS_ID``,
    ``LEVL_CODE`` properties), in the file's order.

    Example
    -------
    >>> read_geometry_file("tests/fixtures/geo/NUTS_RG_01M_2024_4326_LEVL_3.geojson", 3)[0][:2]
    ['NL341', 'NL342']
    """
    data = json.loads(Path(path).read_text("utf-8"))
    codes, geoms = [], []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = props.get("NUTS_ID")
        if not code or int(props.get("LEVL_CODE", len(code) - 2)) != level:
            continue
        codes.append(code)
        geoms.append(shapely.from_geojson(json.dumps(feature["geometry"])))
    return codes, np.array(geoms, dtype=object)


@lru_cache(maxsize=32)
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def to_lonlat(x, y, crs: str | None = "EPSG:4326") -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in any CRS as float arrays of longitude and latitude (axis order x, y)."""
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    ys = np.atleast_1d(np.asarray(y, dtype=float))
    if xs.shape != ys.shape:
        raise ValueError(f"x and y differ in shape: {xs.shape} vs {ys.shape}")
    if crs is None or str(crs).upper().replace(" ", "") in _WGS84:
        return xs, ys
    with np.errstate(invalid="ignore"):
        lon, lat = _transformer(str(crs)).transform(xs, ys)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


class PointLocator:
    """Find the NUTS region of each point, fast.

    Parameters
    ----------
    registry : NutsRegistry, optional
        Source of the polygons (default: the shared registry).
    version : int
        NUTS version with polygons: 2016, 2021 or 2024.
    level : int
        NUTS level 0-3.
    geometry_file : path, optional
        GISCO's 1:1M GeoJSON of that version (see ``detailed_geometry_file``); default: the
        shipped 1:20M polygons.

    Example
    -------
    >>> loc = PointLocator()
    >>> loc.locate([16.37, 24.94, 0.0], [48.21, 60.17, 0.0]).tolist()
    ['AT130', 'FI1B1', None]
    """

    def __init__(
        self,
        registry: NutsRegistry | None = None,
        version: int = ATLAS_VERSION,
        level: int = 3,
        cell: float = CELL,
        geometry_file: str | Path | None = None,
    ) -> None:
        self.registry = registry or NutsRegistry.default()
        self.version, self.level, self.cell = version, level, cell
        #: the polygons' source: GISCO's 1:1M file when given, else the shipped 1:20M ones
        self.geometry_file = Path(geometry_file) if geometry_file else None
        if self.geometry_file is not None:
            codes, geoms = read_geometry_file(self.geometry_file, level)
        else:
            codes, geoms = self.registry.shapes(version, level)
        self.scale = "1:1M" if self.geometry_file is not None else "1:20M"
        if not codes:
            raise ValueError(f"no NUTS {version} polygons at level {level}")
        self.codes = np.array(codes, dtype=object)
        self.geoms = geoms
        shapely.prepare(self.geoms)
        self._tree: shapely.STRtree | None = None
        self._build_grid()

    # ------------------------------------------------------------------ index

    def _build_grid(self) -> None:
        cell = self.cell
        minx, miny, maxx, maxy = shapely.total_bounds(self.geoms)
        self.x0, self.y0 = np.floor(minx / cell) * cell, np.floor(miny / cell) * cell
        self.nx = int(np.ceil((maxx - self.x0) / cell)) + 1
        self.ny = int(np.ceil((maxy - self.y0) / cell)) + 1
        parts, part_region = shapely.get_parts(self.geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        # Vertices no more than half a cell apart: a segment then crosses only the cells of its
        # two ends and, when those are diagonal neighbours, the two cells beside them.
        dense = shapely.segmentize(rings, cell / 2)
        xy, ring_of = shapely.get_coordinates(dense, return_index=True)
        region_of = part_region[ring_part[ring_of]]
        ix, iy = self._cells(xy[:, 0], xy[:, 1])
        same = ring_of[1:] == ring_of[:-1]
        ax, ay, bx, by = ix[:-1][same], iy[:-1][same], ix[1:][same], iy[1:][same]
        seg_region = region_of[1:][same]
        diagonal = (ax != bx) & (ay != by)
        cell_x = np.concatenate([ix, ax[diagonal], bx[diagonal]])
        cell_y = np.concatenate([iy, by[diagonal], ay[diagonal]])
        cell_region = np.concatenate([region_of, seg_region[diagonal], seg_region[diagonal]])
        flat = cell_y.astype(np.int64) * self.nx + cell_x
        pairs = np.unique(flat * len(self.codes) + cell_region)
        pair_cell, pair_region = np.divmod(pairs, len(self.codes))
        boundary_cells, starts = np.unique(pair_cell, return_index=True)
        self._cand_ptr = np.append(starts, len(pair_cell)).astype(np.int64)
        self._cand = pair_region.astype(np.int64)
        flat_grid = np.full(self.ny * self.nx, _OUTSIDE, dtype=np.int32)
        flat_grid[boundary_cells] = -2 - np.arange(len(boundary_cells), dtype=np.int32)
        grid = flat_grid.reshape(self.ny, self.nx)
        # Cells no boundary crosses take the region that contains their centre.
        bounds = shapely.bounds(parts)
        x_lo, y_lo = self._cells(bounds[:, 0], bounds[:, 1])
        x_hi, y_hi = self._cells(bounds[:, 2], bounds[:, 3])
        for p in range(len(parts)):
            window = grid[y_lo[p] : y_hi[p] + 1, x_lo[p] : x_hi[p] + 1]
            free_y, free_x = np.nonzero(window == _OUTSIDE)
            if not len(free_y):
                continue
            cx = self.x0 + (x_lo[p] + free_x + 0.5) * cell
            cy = self.y0 + (y_lo[p] + free_y + 0.5) * cell
            inside = shapely.contains_xy(parts[p], cx, cy)
            window[free_y[inside], free_x[inside]] = part_region[p]
        self._grid = grid
        self.boundary_cell_count = len(boundary_cells)

    def _cells(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ix = np.floor((lon - self.x0) / self.cell).astype(np.int64)
        iy = np.floor((lat - self.y0) / self.cell).astype(np.int64)
        return ix, iy

    # ------------------------------------------------------------------ queries

    def locate_index(self, lon, lat) -> np.ndarray:
        """Index into ``self.codes`` of the region of each point (lon/lat), -1 for none."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        out = np.full(lon.shape, _OUTSIDE, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(lon) & np.isfinite(lat)
            ok &= (lon >= self.x0) & (lon < self.x0 + self.nx * self.cell)
            ok &= (lat >= self.y0) & (lat < self.y0 + self.ny * self.cell)
        idx = np.flatnonzero(ok)
        ix, iy = self._cells(lon[idx], lat[idx])
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        idx, ix, iy = idx[inside], ix[inside], iy[inside]
        g = self._grid[iy, ix]
        direct = g >= 0
        out[idx[direct]] = g[direct]
        edge = g <= -2
        if edge.any():
            pts, k = idx[edge], -2 - g[edge].astype(np.int64)
            start, stop = self._cand_ptr[k], self._cand_ptr[k + 1]
            counts = stop - start
            pt = np.repeat(pts, counts)
            offsets = np.arange(len(pt)) - np.repeat(np.cumsum(counts) - counts, counts)
            cand = self._cand[np.repeat(start, counts) + offsets]
            hit = shapely.contains_xy(self.geoms[cand], lon[pt], lat[pt])
            # Reversed so that, were regions to overlap, the first candidate wins.
            out[pt[hit][::-1]] = cand[hit][::-1]
        return out

    def locate(self, x, y, crs: str = "EPSG:4326") -> np.ndarray:
        """NUTS code of each point, or None outside every region or for non-finite coordinates.

        Parameters
        ----------
        x, y : array-like
            Longitudes and latitudes, or eastings and northings in ``crs`` (always x first).
        crs : str
            Any CRS pyproj understands, e.g. ``"EPSG:3035"``.

        Returns
        -------
        numpy.ndarray
            Object array of codes (str) or None.

        Example
        -------
        >>> PointLocator().locate([4796000.0], [2808000.0], crs="EPSG:3035").tolist()
        ['AT130']
        """
        lon, lat = to_lonlat(x, y, crs)
        return self._codes_of(self.locate_index(lon, lat))

    def _codes_of(self, index: np.ndarray) -> np.ndarray:
        out = np.full(index.shape, None, dtype=object)
        found = index >= 0
        out[found] = self.codes[index[found]]
        return out

    def locate_near(
        self, x, y, crs: str = "EPSG:4326", max_distance_m: float = 1000.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`locate`, but points outside every region within ``max_distance_m`` of one
        (a generalised coastline, a lake shore) are snapped to the nearest region.

        Returns
        -------
        (codes, distance_m)
            ``distance_m`` is 0 for points inside a region, the snapping distance for snapped
            points and NaN for points left unlocated.

        Example
        -------
        >>> codes, dist = PointLocator().locate_near([24.95], [60.15], max_distance_m=3000)
        """
        lon, lat = to_lonlat(x, y, crs)
        index = self.locate_index(lon, lat)
        distance = np.where(index >= 0, 0.0, np.nan)
        with np.errstate(invalid="ignore"):
            todo = np.flatnonzero((index < 0) & np.isfinite(lon) & (np.abs(lat) <= 89.0))
        if len(todo) and max_distance_m > 0:
            if self._tree is None:
                self._tree = shapely.STRtree(self.geoms)
            # A degree of longitude shrinks with latitude; search generously, then measure.
            widest = max_distance_m / (111_320.0 * np.cos(np.radians(np.abs(lat[todo]).max())))
            points = shapely.points(lon[todo], lat[todo])
            pt, region = self._tree.query_nearest(points, max_distance=widest, all_matches=False)
            if len(pt):
                line = shapely.shortest_line(points[pt], self.geoms[region])
                ends = shapely.get_coordinates(line).reshape(-1, 2, 2)
                metres = haversine_m(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])
                near = metres <= max_distance_m
                index[todo[pt[near]]] = region[near]
                distance[todo[pt[near]]] = metres[near]
        return self._codes_of(index), distance
