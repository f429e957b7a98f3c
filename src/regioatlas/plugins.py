"""One registry mechanism for every kind of plug-in: sources, stores, features, measures.

A kind is a :class:`Registry`: name → dotted path (``"package.module:attr"``), filled from
built-ins, the kind's entry-point group and :meth:`Registry.register`; a dotted path is
accepted wherever a name is (pygeoapi's ``plugin.py``; datasette writes its built-ins as
plug-ins). Built-ins use the same door as third parties.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any

from regioatlas.model.errors import NotFound


class UnknownPlugin(NotFound):
    """A name that no registry entry, entry point or dotted path provides."""


class Registry:
    """Name → dotted path for one kind of plug-in.

    Parameters
    ----------
    kind : str
        What the entries are, for messages ("source", "store", "feature", "measure").
    builtins : dict
        The built-in entries, name → ``"module:attr"``.
    group : str
        The entry-point group third-party packages register under.

    Example
    -------
    >>> colours = Registry("colour", {"json": "json:dumps"}, group="regioatlas.colours")
    >>> colours.load("json")([1])
    '[1]'
    >>> colours.register("loads", "json:loads")
    >>> sorted(colours.names())
    ['json', 'loads']
    """

    def __init__(self, kind: str, builtins: dict[str, str], group: str):
        self.kind, self.group = kind, group
        self._builtins = dict(builtins)
        self._registered: dict[str, str] = {}
        self._installed: dict[str, str] | None = None

    def register(self, name: str, target: str) -> None:
        """Add or replace an entry (``target`` is ``"package.module:attr"``)."""
        if ":" not in target:
            raise ValueError(f"a {self.kind} target is 'package.module:attr', not {target!r}")
        self._registered[name] = target

    def entries(self) -> dict[str, str]:
        """Every name → target: built-ins, then entry points, then registered (later wins)."""
        if self._installed is None:
            # installed packages do not change while RegioAtlas runs, and scanning them takes
            # tens of milliseconds: entries() is asked on every request of some routes
            self._installed = {ep.name: ep.value for ep in entry_points(group=self.group)}
        out = dict(self._builtins)
        for name, value in self._installed.items():
            out.setdefault(name, value)
        out.update(self._registered)
        return out

    def names(self) -> list[str]:
        return list(self.entries())

    def __contains__(self, name: str) -> bool:
        return name in self.entries() or _is_dotted(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries())

    def target(self, name: str) -> str:
        """The dotted path of a name (a dotted path is its own target)."""
        entries = self.entries()
        if name in entries:
            return entries[name]
        if _is_dotted(name):
            return name
        raise UnknownPlugin(
            f"unknown {self.kind} {name!r}; available: {', '.join(sorted(entries)) or 'none'}",
            parameter=self.kind,
        )

    def load(self, name: str) -> Any:
        """The object a name points at (class, function or module attribute).

        A target whose module exists but fails to import raises: a plug-in that is declared
        but broken fails loudly, never silently dropped.
        """
        return load_target(self.target(name))

    def load_all(self) -> dict[str, Any]:
        return {name: self.load(name) for name in self.entries()}


def load_target(target: str) -> Any:
    """``"package.module:attr"`` → the attribute (``"package.module"`` → the module)."""
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def _is_dotted(name: str) -> bool:
    module, sep, _ = name.partition(":")
    return bool(sep) and "." in module
