"""Rows to pandas DataFrames and, with geometry, GeoPandas GeoDataFrames (an optional extra)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from regioatlas.model.errors import Unavailable

if TYPE_CHECKING:
    import geopandas

#: the coordinate reference system of every geometry the atlas returns (longitude, latitude)
CRS = "EPSG:4326"


class MissingExtra(Unavailable):
    """An optional dependency is not installed; the message says which extra to install."""


def require_geopandas() -> Any:
    """The ``geopandas`` module, or MissingExtra naming ``pip install regioatlas[geo]``."""
    try:
        import geopandas
    except ImportError:
        raise MissingExtra(
            "geometry needs GeoPandas: pip install regioatlas[geo] "
            "(or pass geometry=False for a plain DataFrame)",
            parameter="geometry",
        ) from None
    return geopandas


def frame(rows: Iterable[dict], columns: list[str] | None = None) -> pd.DataFrame:
    """A DataFrame of rows (dicts), with ``columns`` in that order even when there are none.

    Example
    -------
    >>> frame([{"code": "FI1C2", "projects": 3}]).to_dict("records")
    [{'code': 'FI1C2', 'projects': 3}]
    >>> list(frame([], ["code", "projects"]).columns)
    ['code', 'projects']
    >>> frame([{"year": 2025}, {"year": None}])["year"].tolist()
    [2025, <NA>]
    """
    rows = list(rows)
    df = pd.DataFrame.from_records(rows, columns=columns)
    # whole numbers with gaps would become floats (2025.0): keep them whole, as nullable Int64
    for column in df.columns[(df.dtypes == "float64").to_numpy() & df.isna().any().to_numpy()]:
        given = [r[column] for r in rows if r.get(column) is not None]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in given):
            df[column] = df[column].astype("Int64")
    return df


def geoframe(df: pd.DataFrame, geometries: list[Any]) -> geopandas.GeoDataFrame:
    """``df`` with a ``geometry`` column (GeoJSON dicts or shapely objects; None for none).

    Example
    -------
    >>> g = geoframe(frame([{"code": "X"}]), [{"type": "Point", "coordinates": [25.6, 60.9]}])
    >>> g.crs.to_string(), g.geometry.iloc[0].x
    ('EPSG:4326', 25.6)
    """
    geopandas = require_geopandas()
    shapes = [shapely.geometry.shape(g) if isinstance(g, dict) else g for g in geometries]
    return geopandas.GeoDataFrame(df, geometry=geopandas.GeoSeries(shapes, index=df.index), crs=CRS)


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of a DataFrame as dicts with plain Python values (missing values as None).

    Example
    -------
    >>> records(frame([{"a": 1.5, "b": None}, {"a": None, "b": "x"}]))
    [{'a': 1.5, 'b': None}, {'a': None, 'b': 'x'}]
    """
    out = []
    for row in df.drop(columns="geometry", errors="ignore").to_dict("records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)  # numpy scalars → Python numbers
    return item() if callable(item) and not isinstance(value, (str, bytes)) else value
