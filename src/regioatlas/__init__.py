"""RegioAtlas: EU-funded projects located on NUTS regions.

The curated public API::

    from regioatlas import open_atlas, open_store, ingest, NutsRegistry, Locator

``open_atlas(store_or_url)`` is the analyst's door: the atlas as pandas DataFrames and, with
geometry, GeoPandas GeoDataFrames (docs/library.md).
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "open_atlas": "regioatlas.library",
    "open_store": "regioatlas.store",
    "ingest": "regioatlas.ingest",
    "Atlas": "regioatlas.api.atlas",
    "NutsRegistry": "regioatlas.geo.nuts",
    "Locator": "regioatlas.geo.locate",
    "get_source": "regioatlas.sources.registry",
    "build_demo": "regioatlas.demo",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    # imported on first use, so `import regioatlas` stays fast for the CLI
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'regioatlas' has no attribute {name!r}")
