"""The library door for analysts: ``open_atlas(store)`` and its DataFrames (docs/library.md).

``regioatlas.library.figures`` holds the per-region figures the API shares with the library;
the DataFrame side (pandas, GeoPandas) is imported on first use, so the API and CLI start fast.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "open_atlas": "regioatlas.library.atlas",
    "AtlasFrames": "regioatlas.library.atlas",
    "MissingExtra": "regioatlas.library.frames",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'regioatlas.library' has no attribute {name!r}")
