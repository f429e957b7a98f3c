"""The `regioatlas` command: parse, call the library, print. No logic of its own.

Each feature declares the module of its commands in ``regioatlas.features``; importing a
module registers its commands on the ``main`` group. A feature whose command module fails to
import stops the command with that error: it is never silently dropped.
"""

from __future__ import annotations

from regioatlas.cli._common import main
from regioatlas.features import load_features
from regioatlas.plugins import load_target


def _load() -> None:
    for feature in load_features():
        if feature.cli:
            load_target(feature.cli)


_load()

__all__ = ["main"]

if __name__ == "__main__":
    main()
