"""Pure data classes shared by every layer: no I/O, no store, no HTTP."""

from regioatlas.model.errors import InputError, NotFound, RegioAtlasError, RowError
from regioatlas.model.projects import (
    Dataset,
    Location,
    Participant,
    PlaceHint,
    Project,
    RegionFigure,
)
from regioatlas.model.regions import NUTS_VERSIONS, Region

__all__ = [
    "NUTS_VERSIONS",
    "Dataset",
    "InputError",
    "Location",
    "NotFound",
    "Participant",
    "PlaceHint",
    "Project",
    "Region",
    "RegionFigure",
    "RegioAtlasError",
    "RowError",
]
