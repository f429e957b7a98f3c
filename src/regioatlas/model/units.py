"""Units of KPIs and concentrations, converted through pint (offline: its definitions ship in
the wheel). Gas concentrations convert between µg/m³ and ppb at a stated reference
temperature and pressure.

The EU air quality directives (2008/50/EC Annex VI, (EU) 2024/2881) state gas concentrations at
293 K and 101.3 kPa; RegioAtlas uses 293.15 K and 101.325 kPa unless told otherwise. At 25 °C
(the WHO and US convention) 1 ppb NO2 is 1.88 µg/m³; at 20 °C it is 1.91 µg/m³ (M / 24.055 L/mol).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from regioatlas.model.errors import BadInput

if TYPE_CHECKING:  # pint is imported when first needed: it takes a while to load
    import pint

#: Reference conditions of the EU directives for gases.
REFERENCE_TEMPERATURE_K = 293.15
REFERENCE_PRESSURE_PA = 101_325.0
#: Molar masses (g/mol) of the gases the air quality standards cover.
MOLAR_MASS = {"NO2": 46.0055, "O3": 47.9982, "SO2": 64.066, "CO": 28.010, "NO": 30.006}

#: How units are written in the data we read -> pint expressions.
ALIASES = {
    "µg/m3": "microgram / meter ** 3",
    "μg/m3": "microgram / meter ** 3",  # Greek mu, as some files write it
    "ug/m3": "microgram / meter ** 3",
    "ug.m-3": "microgram / meter ** 3",
    "µg/m³": "microgram / meter ** 3",
    "mg/m3": "milligram / meter ** 3",
    "mg/m³": "milligram / meter ** 3",
    "ng/m3": "nanogram / meter ** 3",
    "ppb": "ppb",
    "ppm": "ppm",
    "%": "percent",
    "pc": "percent",
    "pp": "percentage_point",
    "persons": "person",
    "nr": "count",
    "eur": "EUR",
    "meur": "megaEUR",
    "score": "egov_score",
}

_lock = threading.Lock()


class UnitError(BadInput, ValueError):
    """A unit that is unknown, or that cannot be converted to the one asked for."""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The shared pint registry with RegioAtlas's units (person, household, enterprise, EUR, ppb)."""
    import pint

    with _lock:
        ureg: pint.UnitRegistry = pint.UnitRegistry(cache_folder=None)
        ureg.define("ppb = 1e-9 = parts_per_billion")
        ureg.define("percentage_point = 0.01")
        ureg.define("person = [person] = persons")
        ureg.define("household = [household] = households")
        ureg.define("enterprise = [enterprise] = enterprises")
        ureg.define("EUR = [currency] = euro")
        ureg.define("egov_score = [egov_score]")
        ureg.define("day_count = [day_count]")
        ureg.define("hour_count = [hour_count]")
    return ureg


def parse_unit(text: str, parameter: str = "unit"):
    """A pint unit for ``text`` (``"µg/m3"``, ``"ppb"``, ``"%"``, ``"persons"`` ...).

    Raises
    ------
    UnitError
        When the unit is unknown, naming ``parameter`` (the option or field it came from).

    Example
    -------
    >>> str(parse_unit("µg/m3"))
    'microgram / meter ** 3'
    """
    key = str(text).strip()
    expr = ALIASES.get(key, ALIASES.get(key.lower(), key))
    ureg = registry()
    try:
        return ureg.Unit(expr)
    except Exception:  # pint raises several error types for unparsable text
        known = ", ".join(sorted(ALIASES))
        raise UnitError(
            f"unknown unit {text!r}; known spellings include {known}", parameter=parameter
        ) from None


def convert(
    values,
    from_unit: str,
    to_unit: str,
    *,
    pollutant: str | None = None,
    temperature_k: float = REFERENCE_TEMPERATURE_K,
    pressure_pa: float = REFERENCE_PRESSURE_PA,
    parameters: tuple[str, str] = ("from", "to"),
):
    """Convert a number or an array between units; mass concentration <-> mixing ratio for gases.

    Parameters
    ----------
    values : float or array-like
    from_unit, to_unit : str
        Unit texts (see ``parse_unit``).
    pollutant : str, optional
        Needed between mass concentration (µg/m³) and mixing ratio (ppb/ppm): NO2, O3, SO2, CO.
    temperature_k, pressure_pa : float
        Reference conditions of the mixing ratio (default: the EU directives' 293.15 K, 101.325 kPa).
    parameters : (str, str)
        The parameters the two units came from, named by a ``UnitError`` about one of them; a
        gas conversion without a known gas names ``pollutant``, bad conditions
        ``temperature_k``.

    Raises
    ------
    UnitError
        Unknown unit, incompatible units, or a gas conversion without a known pollutant.

    Example
    -------
    >>> round(convert(100.0, "ppb", "µg/m3", pollutant="NO2"), 2)
    191.25
    >>> round(convert(100.0, "ppb", "µg/m3", pollutant="NO2", temperature_k=298.15), 2)
    188.04
    >>> convert(10.0, "mg/m3", "µg/m3")
    10000.0
    """
    ureg = registry()
    src, dst = parse_unit(from_unit, parameters[0]), parse_unit(to_unit, parameters[1])
    arr = np.asarray(values, dtype=float)
    q = ureg.Quantity(arr, src)
    mass = ureg.Unit("microgram / meter ** 3").dimensionality
    ratio_dim = ureg.Unit("ppb").dimensionality
    if src.dimensionality == dst.dimensionality:
        out = q.to(dst).magnitude
    elif {src.dimensionality, dst.dimensionality} == {mass, ratio_dim}:
        if pollutant not in MOLAR_MASS:
            raise UnitError(
                f"converting {from_unit} to {to_unit} needs a gas with a molar mass "
                f"({', '.join(MOLAR_MASS)}), not {pollutant!r}",
                parameter="pollutant",
            )
        if temperature_k <= 0 or pressure_pa <= 0:
            raise UnitError("temperature and pressure must be positive", parameter="temperature_k")
        m = ureg.Quantity(MOLAR_MASS[pollutant], "g/mol")
        p, t = ureg.Quantity(pressure_pa, "Pa"), ureg.Quantity(temperature_k, "K")
        r = ureg.Quantity(8.314462618, "J/(mol*K)")
        molar_density = p / (r * t)  # mol of air per m³
        if src.dimensionality == ratio_dim:
            out = (q.to("dimensionless") * molar_density * m).to(dst).magnitude
        else:
            out = (q / (molar_density * m)).to("dimensionless").to(dst).magnitude
    else:
        raise UnitError(
            f"cannot convert {from_unit!r} to {to_unit!r}: different quantities",
            parameter=parameters[1],
        )
    return float(out) if np.ndim(out) == 0 else np.asarray(out)


def same_quantity(a: str, b: str) -> bool:
    """Whether two units measure the same kind of quantity (so ``convert`` needs no pollutant)."""
    return parse_unit(a).dimensionality == parse_unit(b).dimensionality


#: Eurostat unit codes -> extensive (adds up over territory) or intensive; prefixes allowed
EXTENSIVE_UNITS = (
    "NR",
    "THS",
    "MIO",
    "KM2",
    "HA",
    "EUR",
    "MIO_EUR",
    "MIO_PPS",
    "MIO_NAC",
    "FTE",
    "HC",
)
INTENSIVE_UNITS = (
    "PC",
    "RT",
    "P",
    "PPS_HAB",
    "EUR_HAB",
    "HAB",
    "I10",
    "I15",
    "I20",
    "YR",
    "AVG",
    "PM",
    "PER",
)


def kind_of_unit(unit: str) -> str | None:
    """``extensive`` or ``intensive`` for a Eurostat unit code; None when unsure.

    Example
    -------
    >>> kind_of_unit("NR"), kind_of_unit("PPS_HAB"), kind_of_unit("PC_GDP"), kind_of_unit("XYZ")
    ('extensive', 'intensive', 'intensive', None)
    """
    u = unit.strip().upper()
    if any(u == x or u.startswith(x + "_") for x in INTENSIVE_UNITS) or "_HAB" in u:
        return "intensive"
    if any(u == x or u.startswith(x + "_") for x in EXTENSIVE_UNITS):
        return "extensive"
    return None
