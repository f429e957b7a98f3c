"""The one door for region codes: a NUTS code of any version (2006-2024) → the atlas region.

Every endpoint and command that takes a region calls :func:`resolve_region`; nobody else
parses versions or recodes region codes. The answer says which version the code was read in
and how it maps onto the atlas version (same code, renamed, split, merged, boundary change).
"""

from __future__ import annotations

from dataclasses import dataclass

from regioatlas.model.errors import BadInput, NotFound
from regioatlas.model.regions import ATLAS_VERSION, MAPPED_VERSIONS, NUTS_VERSIONS

#: A region "is" another when this share of it lies there, both ways (JRC cross-walks).
EQUIVALENT_SHARE = 0.95

SAME, RENAMED, SPLIT, MERGED, CHANGED = "same", "renamed", "split", "merged", "boundary change"
#: e.g. UK regions in NUTS 2024
NO_COUNTERPART = "no counterpart"


@dataclass(frozen=True, slots=True)
class ResolvedRegion:
    """A region code as asked, and where it lies in the target (atlas) version.

    ``targets`` are ``(code, share of the asked region)``, largest first; ``mapping`` is one of
    ``same``, ``renamed``, ``split``, ``merged``, ``boundary change`` or ``no counterpart``.
    """

    asked: str
    asked_version: int
    version: int
    targets: tuple[tuple[str, float], ...]
    mapping: str

    @property
    def code(self) -> str:
        """The one target code; BadInput when the region was split without a main successor."""
        if self.targets and self.targets[0][1] >= EQUIVALENT_SHARE:
            return self.targets[0][0]
        shown = ", ".join(f"{c} {s:.0%}" for c, s in self.targets) or "no counterpart"
        raise BadInput(
            f"{self.asked} (NUTS {self.asked_version}) has no single NUTS {self.version} "
            f"equivalent ({shown}); give a NUTS {self.version} code",
            parameter="region",
        )

    @property
    def codes(self) -> list[str]:
        return [c for c, _ in self.targets]

    @property
    def equivalent(self) -> bool:
        """True when the target is the same territory (same code or renamed)."""
        return self.mapping in (SAME, RENAMED)

    def as_dict(self) -> dict:
        return {
            "asked": {"code": self.asked, "version": self.asked_version},
            "code": self.targets[0][0] if self.targets else None,
            "version": self.version,
            "mapping": self.mapping,
            "targets": [{"code": c, "share": s} for c, s in self.targets],
        }


def parse_nuts_version(value, parameter: str = "version") -> int | None:
    """A NUTS version year from a parameter value (None when absent), or BadInput."""
    if value in (None, ""):
        return None
    try:
        version = int(str(value).strip())
    except ValueError:
        raise BadInput(
            f"{parameter} must be a NUTS version year, not {value!r}", parameter=parameter
        ) from None
    if version not in NUTS_VERSIONS:
        known = ", ".join(map(str, NUTS_VERSIONS))
        raise BadInput(
            f"NUTS version {version} is not known; use one of {known}", parameter=parameter
        )
    return version


def parse_mapped_version(value, parameter: str = "version", default: int = ATLAS_VERSION) -> int:
    """A NUTS version with polygons (names, parents, neighbours): ``default`` when absent.

    Example
    -------
    >>> parse_mapped_version("2021"), parse_mapped_version(None)
    (2021, 2024)
    """
    version = parse_nuts_version(value, parameter)
    if version is None:
        return default
    if version not in MAPPED_VERSIONS:
        known = ", ".join(map(str, MAPPED_VERSIONS))
        raise BadInput(
            f"NUTS version {version} has no maps here; use one of {known}", parameter=parameter
        )
    return version


def resolve_region(
    code,
    version=None,
    registry=None,
    *,
    target: int = ATLAS_VERSION,
    parameter: str = "region",
) -> ResolvedRegion:
    """Resolve a NUTS code of any version to the ``target`` version (the atlas version).

    Without ``version``, the code is read in the target version when it is valid there, else
    in the latest version it is valid in. An empty code or a bad version is ``BadInput``; a
    code valid in no version (or not in the version given) is ``NotFound``.

    Example
    -------
    >>> r = resolve_region("FI1C4")          # a NUTS 2021 code, renamed FI1C7 in 2024
    >>> (r.asked_version, r.code, r.mapping)
    (2021, 'FI1C7', 'renamed')
    >>> resolve_region("FI1C6").mapping
    'same'
    """
    from regioatlas.geo.nuts import NutsRegistry

    reg = registry or NutsRegistry.default()
    asked = "".join(str(code or "").split()).upper()
    if not asked:
        raise BadInput(f"{parameter} is empty: give a NUTS region code", parameter=parameter)
    if len(asked) > 10 or not asked.isalnum():
        raise BadInput(f"{asked[:20]!r} is not a NUTS code", parameter=parameter)
    valid_in = reg.versions_of(asked)
    wanted = parse_nuts_version(version)
    if not valid_in:
        raise NotFound(
            f"no NUTS region {asked!r} in any version 2006-{NUTS_VERSIONS[-1]}",
            parameter=parameter,
        )
    if wanted is not None and wanted not in valid_in:
        listed = ", ".join(map(str, valid_in))
        raise NotFound(
            f"{asked} is not a NUTS {wanted} code; it is valid in NUTS {listed}",
            parameter=parameter,
        )
    v = wanted or (target if target in valid_in else valid_in[-1])
    flows = tuple(reg.recode(asked, v, target))
    return ResolvedRegion(asked, v, target, flows, _mapping(reg, asked, v, target, flows))


def has_maps(version: int) -> bool:
    """Whether polygons (and so names, parents and neighbours) ship for a NUTS version.

    Example
    -------
    >>> has_maps(2021), has_maps(2013)
    (True, False)
    """
    return version in MAPPED_VERSIONS


def equivalent_codes(code: str, version: int, registry=None) -> dict[int, str]:
    """The code of the same territory in each NUTS version with maps (same code or renamed).

    Example
    -------
    >>> equivalent_codes("FI1C7", 2024)
    {2016: 'FI1C4', 2021: 'FI1C4', 2024: 'FI1C7'}
    """
    out = {}
    for v in MAPPED_VERSIONS:
        there = resolve_region(code, version, registry, target=v)
        if there.equivalent and there.targets:
            out[v] = there.targets[0][0]
    return out


def _mapping(reg, asked: str, version: int, target: int, flows) -> str:
    if not flows:
        return NO_COUNTERPART
    if version == target:
        return SAME
    main, share = flows[0]
    if share < EQUIVALENT_SHARE:
        return SPLIT if len(flows) > 1 else CHANGED
    back = reg.recode(main, target, version)
    back_share = dict(back).get(asked, 0.0)
    if back_share < EQUIVALENT_SHARE:
        return MERGED
    return SAME if main == asked else RENAMED
