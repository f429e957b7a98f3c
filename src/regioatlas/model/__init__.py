"""Pure data classes shared by every layer: no I/O, no store, no HTTP."""

from regioatlas.model.errors import (
    BadInput,
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    RegioAtlasError,
    RowError,
    TooLarge,
    Unauthorized,
    Unavailable,
    Unprocessable,
)
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
    "BadInput",
    "Conflict",
    "Forbidden",
    "Unauthorized",
    "TooLarge",
    "Unavailable",
    "Unprocessable",
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
