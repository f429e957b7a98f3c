"""The download cache: one folder per remote source, one complete version at a time.

``CACHE/SOURCE/current/`` holds the files of the last complete, validated download and its
``manifest.json`` (URL, fetched-at, ETag, Last-Modified, SHA-256 and size of every file, and
what was ingested from them). A new version is assembled in ``CACHE/SOURCE/incoming/``
(where partial downloads wait to be resumed) and only then swapped in: the previous version
stays in place until the new one is complete, checked and, unless ``--download-only``,
ingested.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST = "manifest.json"


@dataclass
class CachedFile:
    """One downloaded file and what identifies its version."""

    name: str
    url: str
    sha256: str
    size: int
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    #: files taken out of a zip, as ingested (name in the cache)
    extracted: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """What the cache holds for one source and what the store got from it."""

    source: str
    files: list[CachedFile]
    fetched_at: str
    #: SHA-256 over the ingested files, equal to the dataset's ``sha256`` in the store
    ingested_sha256: str | None = None
    dataset_id: str | None = None
    ingested_at: str | None = None
    #: the parts fetched (countries, programmes) of a source published in parts
    values: list[str] = field(default_factory=list)

    def file(self, name: str) -> CachedFile | None:
        return next((f for f in self.files if f.name == name), None)

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        files = [CachedFile(**f) for f in data.get("files", [])]
        return cls(**{**data, "files": files})


class SourceCache:
    """The cache folder of one remote source.

    Example
    -------
    >>> import tempfile
    >>> cache = SourceCache(Path(tempfile.mkdtemp()), "cordis-h2020")
    >>> cache.manifest() is None
    True
    """

    def __init__(self, root: Path, source: str):
        self.source = source
        self.folder = Path(root) / source
        self.current = self.folder / "current"
        self.incoming = self.folder / "incoming"
        self._previous = self.folder / "previous"
        self._recover()

    def _recover(self) -> None:
        # A swap interrupted between its two renames leaves only ``previous``: restore it.
        if self._previous.is_dir() and not self.current.is_dir():
            os.replace(self._previous, self.current)
        elif self._previous.is_dir():
            shutil.rmtree(self._previous)

    def manifest(self) -> Manifest | None:
        """The manifest of the current version, or None when nothing was fetched yet."""
        path = self.current / MANIFEST
        if not path.is_file():
            return None
        return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))

    def start(self) -> Path:
        """The folder a new version is assembled in (kept partial downloads survive).

        Created by the first download into it, so an unchanged source writes nothing.
        """
        if self.incoming.is_dir():
            for stale in self.incoming.iterdir():
                if not stale.name.endswith((".part", ".part.json")):
                    _remove(stale)
        return self.incoming

    def reuse(self, name: str) -> Path:
        """Put the current version's file ``name`` into the incoming folder (unchanged remotely)."""
        source, target = self.current / name, self.incoming / name
        self.incoming.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        return target

    def commit(self, manifest: Manifest) -> None:
        """Make the incoming folder the current version, with ``manifest``."""
        write_json(self.incoming / MANIFEST, asdict(manifest))
        leftovers = [p for p in self.incoming.iterdir() if p.name.endswith((".part", ".part.json"))]
        for p in leftovers:
            _remove(p)
        if self.current.is_dir():
            os.replace(self.current, self._previous)
        os.replace(self.incoming, self.current)
        if self._previous.is_dir():
            shutil.rmtree(self._previous)

    def record(self, manifest: Manifest) -> None:
        """Rewrite the current manifest (e.g. after ingesting a version downloaded earlier)."""
        write_json(self.current / MANIFEST, asdict(manifest))

    def discard(self, keep_partial: bool = True) -> None:
        """Forget the incoming version; partial downloads stay for a resume unless told not to."""
        if not self.incoming.is_dir():
            return
        for p in self.incoming.iterdir():
            if not (keep_partial and p.name.endswith((".part", ".part.json"))):
                _remove(p)
        if not any(self.incoming.iterdir()):
            self.incoming.rmdir()


def cached_sources(root: Path) -> list[str]:
    """Names of the sources with a complete version in the cache under ``root``."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "current" / MANIFEST).is_file())


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
