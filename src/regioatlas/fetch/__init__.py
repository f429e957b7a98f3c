"""Real, current data in: download the publishers' files, cache them, ingest them.

``catalogue`` declares the remote sources, ``http`` downloads one file well (conditional,
resumable, retried, checked, atomic), ``cache`` keeps one complete version per source with its
manifest, ``run`` puts them together (``regioatlas fetch`` / ``regioatlas update``).
"""

from regioatlas.fetch.run import (
    FetchConfig,
    FetchResult,
    describe_sources,
    fetch_source,
    update_all,
)

__all__ = ["FetchConfig", "FetchResult", "describe_sources", "fetch_source", "update_all"]
