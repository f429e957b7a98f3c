"""Lookup indexes built from the package's data, kept in the cache folder between processes.

Folding every municipality and place name of Europe into match keys takes about 3 s of CPU
(205,000 LAU keys, 64,000 GeoNames keys), paid again by every process that locates names:
each `regioatlas ingest`, each upload job. The finished index is kept as a pickle named by
a digest of what made it (the data files and the code that folds the names), so a change of
either builds a new one, and later processes load it in a few tenths of a second.

The file lives in the user's own cache folder (the ``cache`` setting); when it cannot be
written or read the index is built in memory as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from regioatlas import settings
from regioatlas.geo.nuts import open_data

log = logging.getLogger(__name__)
T = TypeVar("T")


def kept_index(
    name: str, data_files: tuple[str, ...], code: tuple[str, ...], build: Callable[[], T]
) -> T:
    """``build()``, loaded from the cache folder when it was built before from the same inputs.

    ``data_files`` are names of the package's geographic data, ``code`` paths of the modules
    whose code shapes the index.
    """
    digest = hashlib.sha256()
    for data in data_files:
        with open_data(data) as f:
            digest.update(f.read())
    for module in code:
        digest.update(Path(module).read_bytes())
    folder = Path(settings.get("cache")) / "indexes"
    path = folder / f"{name}-{digest.hexdigest()[:16]}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        log.warning("index %s could not be read (%s); building it again", path, exc)
    index = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # written beside and renamed: another process never reads half a file
        with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".partial", delete=False) as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        for older in folder.glob(f"{name}-*.pickle"):  # built from data or code since changed
            if older != path:
                older.unlink(missing_ok=True)
    except OSError as exc:
        log.info("index %s not kept (%s)", path, exc)
    return index
