"""The `regioatlas` command: parse, call the library, print. No logic of its own.

Each feature keeps its commands in its own module, listed in COMMAND_MODULES; importing a
module registers its commands on the ``main`` group.
"""

from __future__ import annotations

import importlib

from regioatlas.cli._common import main

COMMAND_MODULES = [
    "regioatlas.cli.atlas",  # demo, serve, ingest, sources, profile, datasets, region, projects, ...
    "regioatlas.cli.scorecard",  # attractiveness scorecard (issue 4)
    "regioatlas.cli.kpi",  # air quality, Digital Compass, NUTS recoding (issue 5)
    "regioatlas.cli.similarity",  # similar projects, overlaps, partners (issue 6)
    "regioatlas.cli.store",  # migrate between stores (issue 14)
    "regioatlas.cli.fetch",  # fetch / update the publishers' current files (issue 10)
]


def _load() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a feature module that exists but misses a dependency: say so
                raise


_load()

__all__ = ["main"]

if __name__ == "__main__":
    main()
